package importconf

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// FuzzDecode feeds any bytes to Decode: it returns an error or entries,
// never panics, and an entry it makes always has a source and mirrors.
func FuzzDecode(f *testing.F) {
	seeds, _ := filepath.Glob("../../fn/testdata/subcommands/inputs/import/*.conf")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("[[registry]]\nprefix = \"*.x.io\"\n[[registry.mirror]]\nlocation = \"m.io\"\npull-from-mirror = \"tag-only\"\n"))
	f.Fuzz(func(t *testing.T, conf []byte) {
		c, err := Decode(conf, "f.conf")
		if err != nil {
			return
		}
		for _, list := range [][]mirror.Entry{c.Digest, c.Tag} {
			for _, e := range list {
				if e.Source == "" || len(e.Mirrors) == 0 {
					t.Fatalf("entry %+v from %q", e, conf)
				}
			}
		}
	})
}
