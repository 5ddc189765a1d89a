// Package version tells which mirrorset is running: its version, the commit
// it was built from and the Go toolchain that built it.
//
// Everything comes from the build information that the Go linker writes into
// every binary (runtime/debug.ReadBuildInfo): the main module's version (the
// tag for `go install ...@vX.Y.Z`, a pseudo-version for a build in a clone)
// and, when the build could see the repository, vcs.revision, vcs.time and
// vcs.modified. Two variables fill what the build information cannot hold:
// a release's version, when it is built from a tree that has no such tag
// yet, and the commit, where Go stamps none (-buildvcs=false, a git worktree,
// a source archive). The Makefile sets both with -ldflags -X:
//
//	-X github.com/mirrorset/mirrorset/pkg/version.Version=v1.2.3
//	-X github.com/mirrorset/mirrorset/pkg/version.Commit=<sha>
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version and Commit are set at link time (-ldflags -X) by the Makefile;
// empty means "ask the build information".
var (
	Version string
	Commit  string
)

// Info is what `mirrorset version` prints; its JSON form is what
// `mirrorset version --output json` writes.
type Info struct {
	Version    string `json:"version"`
	Commit     string `json:"commit,omitempty"`
	CommitTime string `json:"commitTime,omitempty"` // RFC 3339, from vcs.time
	Modified   bool   `json:"modified,omitempty"`   // built from a tree with uncommitted changes
	GoVersion  string `json:"goVersion"`
	Platform   string `json:"platform"` // GOOS/GOARCH
}

// Devel is the version of a build that carries none: a `go build` with
// neither a tag, nor VCS information, nor -X.
const Devel = "devel"

// Get returns the running binary's Info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return FromBuildInfo(bi, Version, Commit)
}

// FromBuildInfo reads an Info from build information (nil when the binary
// has none) and the link-time values, which win over it for the version and
// fill the commit only where the build information has none.
func FromBuildInfo(bi *debug.BuildInfo, version, commit string) Info {
	info := Info{Version: version, Commit: commit, GoVersion: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		if info.Version == "" {
			info.Version = Devel
		}
		return info
	}
	if bi.GoVersion != "" {
		info.GoVersion = bi.GoVersion
	}
	if info.Version == "" {
		// Go 1.24 and later stamp a tag or a pseudo-version (+dirty for a
		// modified tree); "(devel)" means it knew none.
		info.Version = bi.Main.Version
	}
	if info.Version == "" || info.Version == "(devel)" {
		info.Version = Devel
	}
	var goos, goarch string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.time":
			info.CommitTime = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
	}
	if goos != "" && goarch != "" {
		info.Platform = goos + "/" + goarch
	}
	return info
}

// String is the one-line human form, as `mirrorset --version` prints it:
//
//	mirrorset v1.2.3 (commit 1ff103d76066, 2026-12-01T13:43:49Z, modified) go1.26.8 linux/amd64
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mirrorset %s", i.Version)
	var about []string
	if i.Commit != "" {
		about = append(about, "commit "+shortCommit(i.Commit))
	}
	if i.CommitTime != "" {
		about = append(about, i.CommitTime)
	}
	if i.Modified {
		about = append(about, "modified")
	}
	if len(about) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(about, ", "))
	}
	fmt.Fprintf(&b, " %s %s", i.GoVersion, i.Platform)
	return b.String()
}

// shortCommit is the 12 characters of a commit that Go's pseudo-versions use.
func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}
