#!/usr/bin/env bash
# release-image.sh DEST ARCH=BINARY...
#
# Builds the mirrorset image (the Dockerfile: FROM scratch, the static
# binary) for linux/ARCH from each BINARY, one architecture after the other
# in the order given, into one image index, and pushes it, OCI format, to
# DEST (oci-archive:FILE, docker://HOST/REPO:TAG, ...). `make release` and
# `make image-multiarch` run it.
#
# Reproducible: two runs on the same binaries and the same VERSION, COMMIT
# and SOURCE_DATE_EPOCH give the same image digests. podman's --timestamp
# sets the config's and history's times and every file's time in the layer;
# the build context holds only the files the Dockerfile copies, with fixed
# modes; the architectures are built one at a time in a fixed order, so that
# the index lists them in that order (a multi-platform `podman build
# --platform a,b` builds them in parallel: its order was not checked).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DEST ARCH=BINARY..." >&2; exit 2; }
: "${VERSION:?VERSION is required}" "${SOURCE_DATE_EPOCH:?SOURCE_DATE_EPOCH is required}"
dest=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
ctx=$(mktemp -d)
manifest=localhost/mirrorset-release-build:$$
cleanup() {
	podman manifest rm "$manifest" >/dev/null 2>&1 || true
	rm -rf "$ctx"
}
trap cleanup EXIT

install -D -m 0644 "$root/tools/image/passwd" "$ctx/tools/image/passwd"
install -D -m 0644 "$root/tools/image/group" "$ctx/tools/image/group"
install -d -m 0755 "$ctx/bin/image/tmp"
for pair; do
	install -D -m 0755 "${pair#*=}" "$ctx/bin/image/linux-${pair%%=*}/mirrorset"
done
for pair; do
	arch=${pair%%=*}
	podman build --quiet --no-cache --timestamp "$SOURCE_DATE_EPOCH" --platform "linux/$arch" \
		--build-arg TARGETARCH="$arch" --build-arg VERSION="$VERSION" \
		--build-arg REVISION="${COMMIT:-}" --build-arg CREATED="$created" \
		--manifest "$manifest" -f "$root/Dockerfile" "$ctx"
done
podman manifest push --quiet --all --format oci "$manifest" "$dest"
