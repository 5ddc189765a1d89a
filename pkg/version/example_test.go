package version_test

import (
	"fmt"
	"runtime/debug"

	"github.com/mirrorset/mirrorset/pkg/version"
)

// A release built by `make release VERSION=v1.2.3` from a clone: the version
// comes from -ldflags -X, the commit from the build information.
func ExampleFromBuildInfo() {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/mirrorset/mirrorset", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"},
			{Key: "vcs.revision", Value: "1ff103d76066341b3decb6ac45ef031088b70546"},
			{Key: "vcs.time", Value: "2026-12-01T13:43:49Z"},
			{Key: "vcs.modified", Value: "false"},
		},
	}
	fmt.Println(version.FromBuildInfo(bi, "v1.2.3", ""))
	// Output: mirrorset v1.2.3 (commit 1ff103d76066, 2026-12-01T13:43:49Z) go1.26.8 linux/arm64
}
