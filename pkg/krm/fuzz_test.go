package krm_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/mirrorset/mirrorset/pkg/krm"
)

// fuzzSeeds are the inputs of the golden cases and of the catalogue of bad
// inputs.
func fuzzSeeds(f *testing.F) [][]byte {
	f.Helper()
	paths, err := filepath.Glob("testdata/golden/*/input.yaml")
	if err != nil {
		f.Fatal(err)
	}
	bad, err := filepath.Glob("testdata/bad/*/input.yaml")
	if err != nil {
		f.Fatal(err)
	}
	var seeds [][]byte
	for _, p := range append(paths, bad...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	if len(seeds) == 0 {
		f.Fatal("no seeds")
	}
	return seeds
}

// runBounded runs the function and fails the test if it takes longer than a
// hang would, or allocates more than the input can explain.
func runBounded(t *testing.T, input []byte) (stdout, stderr string, code int) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	var out, errOut bytes.Buffer
	go func() {
		defer close(done)
		code = krm.Run(bytes.NewReader(input), &out, &errOut)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("no answer after 30s on a %d-byte input", len(input))
	}
	runtime.ReadMemStats(&after)
	// The full parse allocates about 3 KiB per input byte at worst (many
	// tiny items); a blow-up (aliases expanded, a quadratic loop) is far more.
	if alloc, max := after.TotalAlloc-before.TotalAlloc, uint64(64<<20+16<<10*len(input)); alloc > max {
		t.Fatalf("allocated %d MiB for a %d-byte input", alloc>>20, len(input))
	}
	return out.String(), errOut.String(), code
}

// FuzzRun runs the whole function on mutations of the golden and catalogue
// inputs. Whatever comes in, it answers within bounded time and memory with
// a ResourceList that parses, exit code 1 exactly when a result is an error
// (each error and warning also on stderr), never a panic; and an output it
// accepted, it accepts again unchanged.
func FuzzRun(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		stdout, stderr, code := runBounded(t, input)
		checkOutputShape(t, stdout, stderr, code)
		if code != 0 {
			return
		}
		again, stderr2, code2 := runBounded(t, []byte(stdout))
		if code2 != 0 {
			t.Fatalf("the function refuses its own output:\n%s\n--- input\n%s\n--- output\n%s", stderr2, input, stdout)
		}
		if a, b := withoutResults(stdout), withoutResults(again); a != b {
			t.Fatalf("a second run changed the items:\n--- input\n%s\n--- first\n%s\n--- second\n%s", input, a, b)
		}
	})
}
