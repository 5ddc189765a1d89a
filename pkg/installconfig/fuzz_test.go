package installconfig

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/config"
)

// FuzzMigrate feeds any bytes to Migrate: no panic, and a file it rewrote
// is left as it is by a second run.
func FuzzMigrate(f *testing.F) {
	for _, g := range []string{"../../fn/testdata/migrate/install-config*/input.yaml", "../../fn/testdata/subcommands/inputs/install-config/*.yaml"} {
		seeds, _ := filepath.Glob(g)
		for _, s := range seeds {
			if b, err := os.ReadFile(s); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Migrate(data, "f.yaml", config.Default())
		if err != nil || res.Out == nil {
			return
		}
		again, err := Migrate(res.Out, "f.yaml", config.Default())
		if err != nil {
			t.Fatalf("the output does not read back: %v\n%s", err, res.Out)
		}
		if again.Out != nil && again.Changed {
			t.Fatalf("a second run changes the output:\n%s\n---\n%s", res.Out, again.Out)
		}
	})
}
