#!/usr/bin/env bash
# Builds kpt from its module source into $1 (a file path), pinned to KPT_VERSION.
# `go install github.com/kptdev/kpt@...` fails because a dependency of the alpha
# `rollouts` command is not served by the module proxy, so the command is cut out
# of a writable copy of the source before building.
set -euo pipefail

out=${1:?usage: build-kpt.sh OUTPUT}
version=${KPT_VERSION:-v1.0.0-beta.60}

src=$(go mod download -json "github.com/kptdev/kpt@${version}" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[[ -d $src ]] || { echo "build-kpt: no module source for kpt ${version}" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"

rm -rf "$work/commands/alpha/rollouts"
sed -i -e '/"github.com\/kptdev\/kpt\/commands\/alpha\/rollouts"/d' \
	-e '/rollouts\.NewCommand(ctx, version),/d' "$work/commands/alpha/alphacmd.go"
if grep -q rollouts "$work/commands/alpha/alphacmd.go"; then
	echo "build-kpt: rollouts is still referenced in commands/alpha/alphacmd.go" >&2
	exit 1
fi

mkdir -p "$(dirname "$out")"
(cd "$work" && go build -trimpath \
	-ldflags "-s -w -X github.com/kptdev/kpt/run.version=${version} -extldflags '-z noexecstack'" \
	-o "$out.tmp" .)
mv "$out.tmp" "$out"
