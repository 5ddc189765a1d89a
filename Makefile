# mirrorset: build, run, test. Every tool the tests need is installed here,
# pinned, into the project-local bin/.
SHELL := /bin/bash
.DEFAULT_GOAL := build
BIN := $(CURDIR)/bin
export GOTOOLCHAIN := local
export PATH := $(BIN):$(PATH)

# fn/default.pgo is the profile that every build of ./fn optimises with
# (go build's -pgo=auto); make pgo writes it again.
GO_SOURCES := $(shell find fn pkg -name '*.go' -not -name '*_test.go') fn/default.pgo go.mod go.sum

# The version every binary and image built here carries (`mirrorset version`,
# the image's OCI labels): VERSION=vX.Y.Z for a release, else `git describe`.
# The commit and its time come from the build information where Go stamps it
# (-buildvcs; not in a git worktree nor a source archive): COMMIT fills in.
# SOURCE_DATE_EPOCH (default: the commit's time) is the images' only clock.
ifeq ($(origin VERSION),undefined)
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
endif
ifeq ($(origin COMMIT),undefined)
COMMIT := $(shell git rev-parse HEAD 2>/dev/null)
endif
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
endif
VERSION_PKG := github.com/mirrorset/mirrorset/pkg/version
GO_LDFLAGS := -X $(VERSION_PKG).Version=$(VERSION) $(if $(COMMIT),-X $(VERSION_PKG).Commit=$(COMMIT))
# Static and reproducible: no cgo, no local paths, no build ID, VCS settings
# where the tree has them (this overrides a GOFLAGS=-buildvcs=false).
# wrapglobalmapctl=2: the compiler puts every global map literal's
# initialisation in a function of its own, as it does by default for large
# ones only, so that the linker drops those of maps that nothing reads: the
# 764 field-documentation maps of openshift/api and k8s.io/api, which every
# start would fill otherwise (about 0.3 ms of make bench's cold start).
GO_BUILD := CGO_ENABLED=0 go build -trimpath -buildvcs=auto -gcflags=all=-d=wrapglobalmapctl=2
RELEASE_IMAGE := VERSION=$(VERSION) COMMIT=$(COMMIT) SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) tools/release-image.sh

.PHONY: build run test unit e2e tools image bench pgo fuzz clean release FORCE

## build: the function as a static binary, bin/mirrorset
build: $(BIN)/mirrorset
$(BIN)/mirrorset: $(GO_SOURCES) $(BIN)/.version
	$(GO_BUILD) -ldflags '$(GO_LDFLAGS)' -o $@ ./fn

# Rewritten only when VERSION or COMMIT change, so that the binaries that
# embed them are rebuilt then, and only then.
$(BIN)/.version: FORCE
	@mkdir -p $(@D); if [ "$$(cat $@ 2>/dev/null)" != "$(VERSION) $(COMMIT)" ]; then echo "$(VERSION) $(COMMIT)" > $@; fi

## run: the function on the bundled example, ICSP in, IDMS out
run: $(BIN)/mirrorset
	@echo "--- input: examples/quickstart/resourcelist.yaml"; cat examples/quickstart/resourcelist.yaml
	@echo "--- output"; $(BIN)/mirrorset < examples/quickstart/resourcelist.yaml

## test: every test, unit and end to end, installing what they need
test: unit e2e

## unit: the Go tests of fn/ and pkg/ (fuzz seed corpora included), and
## those of the code that runs on several goroutines under the race detector
RACE_TESTS := SideBySide|Spool|TestImagesFoldScannedAsParsed|LineReader
# -pgo=off: the tests need no profile, and the one compile of the packages
# with it is bin/mirrorset's.
unit:
	go test -pgo=off ./fn/... ./pkg/...
	go test -race -run '$(RACE_TESTS)' ./pkg/imagepull ./pkg/resourcelist ./pkg/krm ./pkg/transform

## fuzz: every fuzz target in FUZZPKGS (fn/, pkg/), one at a time, FUZZTIME each
## (default 10m); what a fuzzer finds lands in the package's testdata/fuzz,
## which `make unit` then runs as a seed. Go 1.26's fuzz coordinator can end
## a clean run with "context deadline exceeded" and no failing input
## (go.dev/issue/75804, fixed in Go 1.27): that alone is not a finding.
FUZZTIME ?= 10m
FUZZPARALLEL ?= 1
FUZZPKGS ?= ./fn/... ./pkg/...
fuzz:
	@set -eo pipefail; log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	for pkg in $$(go list $(FUZZPKGS)); do \
		for target in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "--- $$target ($$pkg, $(FUZZTIME))"; \
			if ! go test $$pkg -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) \
				-fuzzminimizetime 10s -parallel $(FUZZPARALLEL) 2>&1 | tee $$log; then \
				if grep -q 'context deadline exceeded' $$log && ! grep -q 'Failing input written' $$log; then \
					echo "note: $$target ran its time and wrote no failing input (go.dev/issue/75804)"; \
				else exit 1; fi; \
			fi; \
		done; \
	done

## e2e: examples/ run through the real kustomize, kpt, Argo CD CMP server and podman
e2e: tools build image $(BIN)/cyclonedx-gomod
	go test -count=1 -timeout 20m ./examples/...

## bench: mirrorset against a no-op kyaml function on generated lists of 1 to
## 100,000 items (BENCH_ITEMS, BENCH_RUNS), and lists of overlapping policies
## (BENCH_OVERLAP_ITEMS): median time, peak RSS, ratios
BENCH_ITEMS ?= 1,1000,10000,100000
BENCH_OVERLAP_ITEMS ?= 10000
BENCH_RUNS ?= 5
bench: $(BIN)/mirrorset $(BIN)/identity $(BIN)/renderfloor
	go run ./tools/bench -mirrorset $(BIN)/mirrorset -identity $(BIN)/identity -floor $(BIN)/renderfloor -items $(BENCH_ITEMS) -overlap-items "$(BENCH_OVERLAP_ITEMS)" -runs $(BENCH_RUNS)

## pgo: fn/default.pgo again, the CPU profile of krm's BenchmarkRun (make
## bench's lists: 100,000 items from a pipe, 10,000 default and overlapping
## from a file), which every build of ./fn optimises with
pgo:
	@set -e; dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	go test -pgo=off ./pkg/krm -run '^$$' -bench '^BenchmarkRun$$' -benchtime 2s \
		-cpuprofile $(CURDIR)/fn/default.pgo -o "$$dir/krm.test"
$(BIN)/identity: tools/identity/main.go go.mod go.sum
	CGO_ENABLED=0 go build -trimpath -o $@ ./tools/identity
$(BIN)/renderfloor: tools/renderfloor/main.go go.mod go.sum
	CGO_ENABLED=0 go build -trimpath -o $@ ./tools/renderfloor

# ---- Tools, pinned, in bin/. Each is rebuilt only when it is missing or when
# its version (part of a stamp file's name) or its build script changes.
KUSTOMIZE_VERSION := v5.8.2
KPT_VERSION := v1.0.0-beta.60
ARGOCD_VERSION := v3.2.6
# Podman in this sandbox (and CI) needs lower default ulimits and runc.
export CONTAINERS_CONF := $(CURDIR)/tools/containers.conf

.PHONY: kustomize kpt argocd podman podman-installed precommit image-multiarch
## tools: kustomize, kpt, Argo CD's CMP server and client, podman and a docker shim, pre-commit
tools: kustomize kpt argocd podman precommit
kustomize: $(BIN)/kustomize
kpt: $(BIN)/kpt
argocd: $(BIN)/argocd-cmp-server $(BIN)/argocd-cmp-client
podman: podman-installed $(BIN)/docker

$(BIN)/.pin-%:
	@mkdir -p $(@D) && touch $@
$(BIN)/kustomize: $(BIN)/.pin-kustomize-$(KUSTOMIZE_VERSION)
	GOBIN=$(BIN) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
	@touch $@
$(BIN)/kpt: tools/build-kpt.sh $(BIN)/.pin-kpt-$(KPT_VERSION)
	KPT_VERSION=$(KPT_VERSION) tools/build-kpt.sh $@
$(BIN)/argocd-cmp-server $(BIN)/argocd-cmp-client &: tools/build-argocd.sh \
		tools/argocd/cmp-server/main.go tools/argocd/cmp-client/main.go $(BIN)/.pin-argocd-$(ARGOCD_VERSION)
	ARGOCD_VERSION=$(ARGOCD_VERSION) tools/build-argocd.sh $(BIN)
	@touch $(BIN)/argocd-cmp-server $(BIN)/argocd-cmp-client
# kustomize runs `container:` functions with the docker CLI: bin/docker runs podman.
$(BIN)/docker: tools/docker
	install -D -m 0755 $< $@
podman-installed:
	@command -v podman >/dev/null && command -v buildah >/dev/null && command -v runc >/dev/null || \
		$(APT_INSTALL) podman buildah runc
# pre-commit runs the hook of .pre-commit-hooks.yaml in examples/precommit_test.go.
precommit:
	@command -v pre-commit >/dev/null || $(APT_INSTALL) pre-commit
# APT_INSTALL installs Debian packages, one install at a time: apt-get holds
# its locks for the whole update and install and fails at once on a lock
# that another holds, and make -j2 tools runs the podman and pre-commit
# installs side by side on a fresh machine.
APT_INSTALL = $(if $(filter 0,$(shell id -u)),,sudo) flock /run/lock/mirrorset-apt.lock \
	sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "$$@"' apt-install

# ---- The container image: a static binary built on the host, copied FROM scratch.
HOST_ARCH := $(shell go env GOARCH)
ARCH ?= $(HOST_ARCH)
IMAGE ?= localhost/mirrorset:dev$(if $(filter-out $(HOST_ARCH),$(ARCH)),-$(ARCH))
IMAGE_ARCHES ?= amd64 arm64
MULTIARCH_DEST ?= oci-archive:$(BIN)/mirrorset-multiarch.tar
# podman if installed, else docker if its engine answers, else podman (installed on demand).
ifeq ($(origin CONTAINER_TOOL),undefined)
CONTAINER_TOOL := $(shell if command -v podman >/dev/null 2>&1; then echo podman; \
	elif docker info >/dev/null 2>&1; then echo docker; else echo podman; fi)
endif

$(BIN)/image/linux-%/mirrorset: $(GO_SOURCES) $(BIN)/.version
	GOOS=linux GOARCH=$* $(GO_BUILD) -ldflags '-s -w -buildid= $(GO_LDFLAGS)' -o $@ ./fn
IMAGE_CREATED = $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ)

## image: the function image $(IMAGE) for linux/$(ARCH); `make image ARCH=arm64` for another
image: $(BIN)/image/linux-$(ARCH)/mirrorset $(if $(filter podman,$(CONTAINER_TOOL)),podman-installed)
	install -d -m 0755 $(BIN)/image/tmp
	$(CONTAINER_TOOL) build --platform linux/$(ARCH) --build-arg TARGETARCH=$(ARCH) \
		$(if $(filter podman,$(CONTAINER_TOOL)),--timestamp $(SOURCE_DATE_EPOCH)) \
		--build-arg VERSION=$(VERSION) --build-arg REVISION=$(COMMIT) --build-arg CREATED=$(IMAGE_CREATED) -t $(IMAGE) .
	@$(CONTAINER_TOOL) image inspect --format '$(IMAGE) linux/{{.Architecture}} {{.Size}} bytes' $(IMAGE)

## image-multiarch: one image index for linux/{$(IMAGE_ARCHES)}, pushed to $(MULTIARCH_DEST) (podman)
# Reproducible (tools/release-image.sh). The local manifest list is removed
# afterwards: podman 4.3's `podman images` fails while one is stored. Push
# elsewhere with MULTIARCH_DEST=docker://HOST/REPO:TAG.
image-multiarch: $(foreach a,$(IMAGE_ARCHES),$(BIN)/image/linux-$(a)/mirrorset) podman-installed
	$(RELEASE_IMAGE) $(MULTIARCH_DEST) $(foreach a,$(IMAGE_ARCHES),$(a)=$(BIN)/image/linux-$(a)/mirrorset)

# ---- Releases
DIST ?= $(CURDIR)/dist
RELEASE_PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
CYCLONEDX_GOMOD_VERSION := v1.10.0
RELEASE_NAME = $(DIST)/mirrorset_$(VERSION)

## release: `make release VERSION=vX.Y.Z` writes into $(DIST): static binaries for
## $(RELEASE_PLATFORMS), an SBOM (CycloneDX), the image index for linux/{$(IMAGE_ARCHES)}
## as an OCI archive, and SHA256SUMS of them all. The same commit gives the same binaries,
## SBOM and image digests (the OCI archive's own bytes differ: tar times).
release: $(BIN)/cyclonedx-gomod podman-installed
	@case "$(VERSION)" in v[0-9]*.*.*) ;; *) echo "make release: VERSION=vX.Y.Z is required (not \"$(VERSION)\")" >&2; exit 2;; esac
	mkdir -p $(DIST) && rm -f $(RELEASE_NAME)_* $(DIST)/SHA256SUMS
	@set -e; for p in $(RELEASE_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; out=$(RELEASE_NAME)_$${os}_$${arch}$$([ $$os != windows ] || echo .exe); \
		echo "GOOS=$$os GOARCH=$$arch go build -o $$out"; \
		GOOS=$$os GOARCH=$$arch $(GO_BUILD) -ldflags '-s -w -buildid= $(GO_LDFLAGS)' -o $$out ./fn; \
	done
	$(BIN)/cyclonedx-gomod mod -json -noserial -notimestamp -output $(RELEASE_NAME)_sbom.cdx.json .
	$(RELEASE_IMAGE) oci-archive:$(RELEASE_NAME)_image.oci.tar \
		$(foreach a,$(IMAGE_ARCHES),$(a)=$(RELEASE_NAME)_linux_$(a))
	cd $(DIST) && sha256sum $(notdir $(RELEASE_NAME))_* > SHA256SUMS
	@echo "release $(VERSION) in $(DIST):" && ls -l $(DIST)

$(BIN)/cyclonedx-gomod: $(BIN)/.pin-cyclonedx-gomod-$(CYCLONEDX_GOMOD_VERSION)
	GOBIN=$(BIN) go install github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@$(CYCLONEDX_GOMOD_VERSION)
	@touch $@

clean:
	rm -rf $(BIN)
