package krm_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/goldenfile"
	"github.com/mirrorset/mirrorset/pkg/krm"
)

var update = flag.Bool("update", false, "rewrite the golden files (read every diff before committing)")

// goldenCase is one folder under testdata/golden: input.yaml is the
// ResourceList on stdin; expected.yaml, stderr.txt and exitcode are what the
// function must print and return.
type goldenCase struct {
	name, dir string
}

func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	dirs, err := filepath.Glob("testdata/golden/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	var cs []goldenCase
	for _, d := range dirs {
		cs = append(cs, goldenCase{filepath.Base(d), d})
	}
	return cs
}

func run(t *testing.T, input []byte) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = krm.Run(bytes.NewReader(input), &out, &errOut)
	return out.String(), errOut.String(), code
}

// matchFiles compares what the function printed and returned with the
// case's expected.yaml, stderr.txt and exitcode, or writes them with -update.
func matchFiles(t *testing.T, dir, stdout, stderr string, code int) {
	t.Helper()
	files := map[string]string{"expected.yaml": stdout, "stderr.txt": stderr, "exitcode": strconv.Itoa(code) + "\n"}
	for name, got := range files {
		goldenfile.Match(t, filepath.Join(dir, name), got, *update)
	}
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			input, err := os.ReadFile(filepath.Join(c.dir, "input.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := run(t, input)
			matchFiles(t, c.dir, stdout, stderr, code)
		})
	}
}

// TestIdempotent runs the function on its own output: the items must not
// change, and it must still succeed.
func TestIdempotent(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			input, err := os.ReadFile(filepath.Join(c.dir, "input.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			first, _, code := run(t, input)
			if code != 0 {
				t.Skipf("exit code %d: an error case passes its input through; TestGolden covers it", code)
			}
			second, stderr, code := run(t, []byte(first))
			if code != 0 {
				t.Fatalf("second run failed with %d: %s", code, stderr)
			}
			if a, b := withoutResults(first), withoutResults(second); a != b {
				t.Errorf("second run changed the output:\n--- first\n%s\n--- second\n%s", a, b)
			}
			if strings.Contains(second, "severity: warning") && !strings.Contains(first, "severity: warning") {
				t.Errorf("second run warns where the first did not:\n%s", second)
			}
		})
	}
}

// withoutResults cuts the results, which the function writes last.
func withoutResults(rl string) string {
	if i := strings.Index(rl, "\nresults:\n"); i >= 0 {
		return rl[:i+1]
	}
	return rl
}
