package registriesconf_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/goldenfile"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// TestRenderGolden renders each testdata/<case>/input.yaml (with
// release-image.txt when present) and compares with registries.conf, or
// error.txt when the MCO refuses, and warnings.txt. -update rewrites them;
// read every diff before keeping it.
func TestRenderGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/*/input.yaml")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, input := range cases {
		dir := filepath.Dir(input)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			nodes, err := manifests.Read([]string{input}, nil)
			if err != nil {
				t.Fatal(err)
			}
			in, err := registriesconf.ReadInput(nodes)
			if err != nil {
				t.Fatal(err)
			}
			opts := registriesconf.Options{Image: in.Image}
			if b, err := os.ReadFile(filepath.Join(dir, "release-image.txt")); err == nil {
				opts.ReleaseImage = strings.TrimSpace(string(b))
			}
			res, err := registriesconf.Render(in.Sets, opts)
			var conf, errText, warnings string
			if err != nil {
				errText = err.Error() + "\n"
			} else {
				conf = string(res.Conf)
				if !res.Rewritten {
					conf = "# not rewritten: the node keeps the template\n" + conf
				}
				warnings = strings.Join(append(in.Warnings, res.Warnings...), "\n")
				if warnings != "" {
					warnings += "\n"
				}
			}
			goldenfile.MatchOptional(t, filepath.Join(dir, "registries.conf"), conf, *update)
			goldenfile.MatchOptional(t, filepath.Join(dir, "error.txt"), errText, *update)
			goldenfile.MatchOptional(t, filepath.Join(dir, "warnings.txt"), warnings, *update)
		})
	}
}
