package krm_test

import (
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// TestSpooledListMatchesFullParse runs lists whose items pass the first
// megabyte, which the fast path keeps in a spool (package resourcelist),
// and requires the full parse's output; the fast path's debug line says
// that the spool ran, where it can.
func TestSpooledListMatchesFullParse(t *testing.T) {
	t.Setenv("MIRRORSET_DEBUG", "1")
	for name, in := range map[string][]byte{
		"default":     generated(t, gen.Default(2500), ""),
		"overlapping": generated(t, gen.Overlapping(2000), ""),
		"tag-mirrors": generated(t, gen.Default(2500), "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  data:\n    tagMirrors: \"true\"\n"),
	} {
		t.Run(name, func(t *testing.T) {
			if len(in) < 3<<19 { // the spool starts after 1 MiB
				t.Fatalf("%d bytes: too few for a spool", len(in))
			}
			fast, full := runBoth(in)
			if fast.code != full.code || fast.stdout != full.stdout {
				t.Fatalf("exit %d, but the full parse %d; the outputs:\n%s", fast.code, full.code, diff(fast.stdout, full.stdout))
			}
			if got, want := withoutDebug(fast.stderr), withoutDebug(full.stderr); got != want {
				t.Fatalf("stderr:\n%s\nbut the full parse's:\n%s", got, want)
			}
			if spoolable() && !strings.Contains(fast.stderr, "MiB spool") {
				t.Fatalf("the fast path ran without a spool:\n%s", fast.stderr)
			}
		})
	}
}

// withoutDebug is stderr without the lines of MIRRORSET_DEBUG.
func withoutDebug(stderr string) string {
	var keep []string
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if !strings.HasPrefix(l, "debug: ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "")
}

// spoolable reports whether the spool can run here: on Linux, with a
// temporary directory on disk.
func spoolable() bool {
	var st syscall.Statfs_t
	return runtime.GOOS == "linux" && syscall.Statfs(os.TempDir(), &st) == nil && st.Type != 0x01021994
}
