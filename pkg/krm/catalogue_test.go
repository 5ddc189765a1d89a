package krm_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/krm"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// TestBadInputs runs the catalogue of broken and hostile inputs under
// testdata/bad: each folder holds input.yaml, and the exact stdout
// (expected.yaml), stderr (stderr.txt) and exit code (exitcode) that it
// must give. Every error names what is wrong, where, and what would be
// accepted; none is a panic, a hang or a silent change.
func TestBadInputs(t *testing.T) {
	dirs, err := filepath.Glob("testdata/bad/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases under testdata/bad: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			input, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := run(t, input)
			checkOutputShape(t, stdout, stderr, code)
			matchFiles(t, dir, stdout, stderr, code)
		})
	}
}

// oneLineMsg is how stderr writes a message: line breaks escaped.
var oneLineMsg = strings.NewReplacer("\r\n", `\r\n`, "\n", `\n`, "\r", `\r`)

// checkOutputShape checks what holds for any input: the output is a
// ResourceList that parses; exit code 1 exactly when a result is an error,
// and then stderr says so; every error and warning is on stderr, one line
// each.
func checkOutputShape(t *testing.T, stdout, stderr string, code int) {
	t.Helper()
	rl, err := yaml.Parse(stdout)
	if err != nil {
		t.Fatalf("the output does not parse: %v\n%s", err, stdout)
	}
	if k := rl.GetKind(); k != "ResourceList" && k != "List" {
		t.Fatalf("the output is a %q, not a ResourceList:\n%s", k, stdout)
	}
	var errs, lines int
	if res := rl.Field("results"); res != nil {
		for _, r := range res.Value.Content() {
			sev := yaml.GetValue(yaml.NewRNode(r).Field("severity").Value)
			if sev == "error" {
				errs++
			}
			msg := yaml.GetValue(yaml.NewRNode(r).Field("message").Value)
			if sev == "error" || sev == "warning" || krm.LoudNodes(&result.Result{Severity: result.Severity(sev), Message: msg}) {
				lines++
				if !strings.Contains(stderr, sev+": "+oneLineMsg.Replace(msg)+"\n") {
					t.Errorf("the %s %q is not on stderr:\n%s", sev, msg, stderr)
				}
			}
		}
	}
	if (errs > 0) != (code == 1) || code != 0 && code != 1 {
		t.Errorf("exit code %d with %d error results", code, errs)
	}
	if got := strings.Count(stderr, "\n"); got != lines {
		t.Errorf("stderr has %d lines for %d errors, warnings and drains:\n%s", got, lines, stderr)
	}
}
