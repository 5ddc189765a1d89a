#!/usr/bin/env bash
# Builds Argo CD's config management plugin server and a small client that does
# what the repo server does (tools/argocd/*/main.go) into the folder $1.
# Both are built inside a copy of the argo-cd module source so that its own
# `replace` lines apply; a build from outside that module resolves other
# versions of Kubernetes and gitops-engine that do not compile together.
set -euo pipefail

out=${1:?usage: build-argocd.sh OUTPUT_DIR}
version=${ARGOCD_VERSION:-v3.2.6}
here=$(cd "$(dirname "$0")" && pwd)

src=$(go mod download -json "github.com/argoproj/argo-cd/v3@${version}" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[[ -d $src ]] || { echo "build-argocd: no module source for argo-cd ${version}" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
for cmd in argocd-cmp-server argocd-cmp-client; do
	mkdir -p "$work/mirrorset-tools/$cmd"
	cp "$here/argocd/${cmd#argocd-}/main.go" "$work/mirrorset-tools/$cmd/"
done

mkdir -p "$out"
(cd "$work" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" \
	-o "$work/out/" ./mirrorset-tools/...)
for cmd in argocd-cmp-server argocd-cmp-client; do
	mv "$work/out/$cmd" "$out/$cmd"
done
