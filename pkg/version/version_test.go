package version_test

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/version"
)

func TestFromBuildInfo(t *testing.T) {
	t.Parallel()
	vcs := []debug.BuildSetting{
		{Key: "GOOS", Value: "darwin"}, {Key: "GOARCH", Value: "arm64"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "1ff103d76066341b3decb6ac45ef031088b70546"},
		{Key: "vcs.time", Value: "2026-12-01T13:43:49Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	for _, tc := range []struct {
		name            string
		bi              *debug.BuildInfo
		version, commit string // the -X values
		want            version.Info
		line            string
	}{{
		name: "go install of a tag",
		bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}},
		want: version.Info{Version: "v1.2.3", GoVersion: "go1.26.8", Platform: runtime.GOOS + "/" + runtime.GOARCH},
		line: "mirrorset v1.2.3 go1.26.8 " + runtime.GOOS + "/" + runtime.GOARCH,
	}, {
		name: "build in a clone: pseudo-version and VCS settings",
		bi: &debug.BuildInfo{GoVersion: "go1.26.8", Settings: vcs,
			Main: debug.Module{Version: "v0.0.0-20261201134349-1ff103d76066+dirty"}},
		want: version.Info{Version: "v0.0.0-20261201134349-1ff103d76066+dirty", Commit: "1ff103d76066341b3decb6ac45ef031088b70546",
			CommitTime: "2026-12-01T13:43:49Z", Modified: true, GoVersion: "go1.26.8", Platform: "darwin/arm64"},
		line: "mirrorset v0.0.0-20261201134349-1ff103d76066+dirty (commit 1ff103d76066, 2026-12-01T13:43:49Z, modified) go1.26.8 darwin/arm64",
	}, {
		name:    "release: -X version wins, VCS commit wins over -X commit",
		bi:      &debug.BuildInfo{GoVersion: "go1.26.8", Settings: vcs, Main: debug.Module{Version: "(devel)"}},
		version: "v2.0.0", commit: "0000000000000000000000000000000000000000",
		want: version.Info{Version: "v2.0.0", Commit: "1ff103d76066341b3decb6ac45ef031088b70546",
			CommitTime: "2026-12-01T13:43:49Z", Modified: true, GoVersion: "go1.26.8", Platform: "darwin/arm64"},
		line: "mirrorset v2.0.0 (commit 1ff103d76066, 2026-12-01T13:43:49Z, modified) go1.26.8 darwin/arm64",
	}, {
		name:    "no VCS information: the -X commit fills in",
		bi:      &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs[:2]},
		version: "v2.0.0", commit: "abc",
		want: version.Info{Version: "v2.0.0", Commit: "abc", GoVersion: "go1.26.8", Platform: "darwin/arm64"},
		line: "mirrorset v2.0.0 (commit abc) go1.26.8 darwin/arm64",
	}, {
		name: "plain go build, nothing known",
		bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
		want: version.Info{Version: version.Devel, GoVersion: "go1.26.8", Platform: runtime.GOOS + "/" + runtime.GOARCH},
		line: "mirrorset devel go1.26.8 " + runtime.GOOS + "/" + runtime.GOARCH,
	}, {
		name: "no build information",
		want: version.Info{Version: version.Devel, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH},
		line: "mirrorset devel " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := version.FromBuildInfo(tc.bi, tc.version, tc.commit)
			if got != tc.want {
				t.Errorf("FromBuildInfo = %+v\nwant %+v", got, tc.want)
			}
			if s := got.String(); s != tc.line {
				t.Errorf("String() = %q\nwant %q", s, tc.line)
			}
		})
	}
}

// TestGet reads this test binary's own build information.
func TestGet(t *testing.T) {
	t.Parallel()
	got := version.Get()
	if got.GoVersion != runtime.Version() {
		t.Errorf("GoVersion = %q, want %q", got.GoVersion, runtime.Version())
	}
	if got.Version == "" {
		t.Error("Version is empty")
	}
}
