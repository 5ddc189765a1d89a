# The mirrorset KRM function image. The binary is built on the host
# (`make image` builds bin/image/linux-$ARCH/mirrorset, static, CGO_ENABLED=0),
# so the image needs no base and no RUN step, and builds for any architecture
# without emulation. kpt and kustomize run function images as `--user nobody`,
# which must resolve through /etc/passwd.
FROM scratch
# VERSION is the binary's own (`mirrorset version`); REVISION its commit;
# CREATED the commit time (SOURCE_DATE_EPOCH), not the build's, so that two
# builds of one commit give one digest (tools/release-image.sh).
ARG TARGETARCH
ARG VERSION=dev
ARG REVISION=
ARG CREATED=
LABEL org.opencontainers.image.title="mirrorset" \
      org.opencontainers.image.description="KRM function: converts OpenShift ImageContentSourcePolicy into ImageDigestMirrorSet and ImageTagMirrorSet" \
      org.opencontainers.image.source="https://github.com/mirrorset/mirrorset" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
COPY tools/image/passwd /etc/passwd
COPY tools/image/group /etc/group
# An empty /tmp that the function's user owns: the items of a large list go
# to a spool there (pkg/resourcelist) instead of staying on the heap. A run
# with --read-only gets a tmpfs here, where mirrorset makes no spool. The
# Makefile and tools/release-image.sh make bin/image/tmp, an empty directory.
COPY --chown=65534:65534 bin/image/tmp /tmp
COPY bin/image/linux-${TARGETARCH}/mirrorset /mirrorset
USER 65534:65534
ENTRYPOINT ["/mirrorset"]
