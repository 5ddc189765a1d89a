package examples_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The cases under examples/kpt/cases follow the layout of the kpt functions
// catalog, run there by kpt's own e2e runner (github.com/kptdev/kpt/pkg/test/runner):
// a package, a .krmignore that hides .expected from kpt, and .expected/ with
// config.yaml (how to run kpt and what it must print) and diff.patch (the
// `git diff` the run must leave). That runner would pull kpt's whole module
// graph into go.mod, so this is a small runner with the same file formats and
// the same steps: copy, commit, run twice (the second run must change
// nothing more), compare. KPT_E2E_UPDATE_EXPECTED=true rewrites diff.patch and
// results.yaml from what kpt did, as kpt's runner does; review the result.

// caseConfig is the part of kpt's runner TestCaseConfig the cases use, under
// the same names. Unknown fields are errors, so that a case never silently
// asks for something this runner does not do.
type caseConfig struct {
	TestType             string            `yaml:"testType"` // render (default) or eval
	ExitCode             int               `yaml:"exitCode"`
	StdErr               string            `yaml:"stdErr"` // a substring of stderr
	StdErrRegEx          string            `yaml:"stdErrRegEx"`
	StdOut               string            `yaml:"stdOut"`
	AllowExec            bool              `yaml:"allowExec"`
	DisableOutputTrunc   bool              `yaml:"disableOutputTruncate"`
	Image                string            `yaml:"image"`
	ExecPath             string            `yaml:"execPath"` // relative to .expected/
	FnConfig             string            `yaml:"fnConfig"` // relative to .expected/
	Args                 map[string]string `yaml:"args"`
	IncludeMetaResources bool              `yaml:"includeMetaResources"`
}

func TestKptCatalog(t *testing.T) {
	t.Parallel()
	kpt := bin(t, "kpt")
	bin(t, "mirrorset")
	requireImage(t)
	casesDir := filepath.Join(root, "examples", "kpt", "cases")
	entries, err := os.ReadDir(casesDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		dir := filepath.Join(casesDir, e.Name())
		if _, err := os.Stat(filepath.Join(dir, ".expected")); err != nil {
			continue
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			runCatalogCase(t, kpt, dir)
		})
	}
	if n == 0 {
		t.Fatalf("no cases in %s", casesDir)
	}
}

func runCatalogCase(t *testing.T, kpt, caseDir string) {
	expected := filepath.Join(caseDir, ".expected")
	cfg := readCaseConfig(t, expected)
	if _, err := os.Stat(filepath.Join(caseDir, ".krmignore")); err != nil {
		t.Fatalf("%s has no .krmignore: kpt would read .expected/ as part of the package", caseDir)
	}

	tmp := t.TempDir()
	pkg := copyDir(t, caseDir)
	git(t, pkg, "init", "-q")
	git(t, pkg, "add", "--all")
	git(t, pkg, "commit", "-q", "--allow-empty", "-m", "first")
	first := git(t, pkg, "rev-parse", "HEAD")

	args := []string{"fn", cfg.TestType, pkg}
	resultsDir := ""
	if _, err := os.Stat(filepath.Join(expected, "results.yaml")); err == nil {
		resultsDir = filepath.Join(tmp, "results")
		args = append(args, "--results-dir", resultsDir)
	}
	if cfg.DisableOutputTrunc {
		args = append(args, "--truncate-output=false")
	}
	switch cfg.TestType {
	case "render":
		if cfg.AllowExec {
			args = append(args, "--allow-exec")
		}
		if cfg.Image != "" || cfg.ExecPath != "" || cfg.FnConfig != "" || len(cfg.Args) > 0 {
			t.Fatalf("image, execPath, fnConfig and args are for eval; render runs the Kptfile pipeline")
		}
	case "eval":
		switch {
		case cfg.Image != "":
			args = append(args, "--image", cfg.Image)
		case cfg.ExecPath != "":
			args = append(args, "--exec", filepath.Join(expected, cfg.ExecPath))
		default:
			t.Fatalf("an eval case needs image or execPath")
		}
		if cfg.FnConfig != "" {
			args = append(args, "--fn-config", filepath.Join(expected, cfg.FnConfig))
		}
		if cfg.IncludeMetaResources {
			args = append(args, "--include-meta-resources")
		}
		if len(cfg.Args) > 0 {
			args = append(args, "--")
			keys := make([]string, 0, len(cfg.Args))
			for k := range cfg.Args {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				args = append(args, k+"="+cfg.Args[k])
			}
		}
	default:
		t.Fatalf("testType %q: want render or eval", cfg.TestType)
	}

	update := strings.EqualFold(os.Getenv("KPT_E2E_UPDATE_EXPECTED"), "true")
	for i := range 2 {
		r := run(t, tmp, "", nil, kpt, args...)
		diff := packageDiff(t, pkg, first)
		if update {
			updateExpected(t, expected, diff, resultsDir)
			return
		}
		if r.code != cfg.ExitCode {
			t.Fatalf("run %d: exit code %d, want %d", i+1, r.code, cfg.ExitCode)
		}
		if i == 0 {
			compareOutput(t, cfg, r)
			if resultsDir != "" {
				compareText(t, "results.yaml", readExpected(t, expected, "results.yaml"), readResults(t, resultsDir))
			}
		}
		compareText(t, fmt.Sprintf("diff.patch (run %d)", i+1), readExpected(t, expected, "diff.patch"), diff)
		if r.code != 0 {
			return // a failing run is not run again
		}
	}
}

func readCaseConfig(t *testing.T, expected string) caseConfig {
	t.Helper()
	cfg := caseConfig{TestType: "render"}
	b, err := os.ReadFile(filepath.Join(expected, "config.yaml"))
	if os.IsNotExist(err) {
		return cfg
	}
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("%s/config.yaml: %v", expected, err)
	}
	return cfg
}

func compareOutput(t *testing.T, cfg caseConfig, r result) {
	t.Helper()
	if !strings.Contains(r.stderr, cfg.StdErr) {
		t.Errorf("stderr lacks %q:\n%s", cfg.StdErr, r.stderr)
	}
	if cfg.StdErrRegEx != "" && !regexp.MustCompile(cfg.StdErrRegEx).MatchString(r.stderr) {
		t.Errorf("stderr does not match %q:\n%s", cfg.StdErrRegEx, r.stderr)
	}
	if !strings.Contains(r.stdout, cfg.StdOut) {
		t.Errorf("stdout lacks %q:\n%s", cfg.StdOut, r.stdout)
	}
}

// packageDiff commits whatever the run left and returns `git diff first HEAD`.
func packageDiff(t *testing.T, pkg, first string) string {
	t.Helper()
	git(t, pkg, "add", "--all")
	git(t, pkg, "commit", "-q", "--allow-empty", "-m", "run")
	return git(t, pkg, "diff", first, "HEAD")
}

// git runs git in dir with a fixed identity and no user or system config, so
// that a developer's settings cannot change the diff.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=e2e", "-c", "user.email=e2e@example.com",
		"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_DIFF_OPTS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func readExpected(t *testing.T, expected, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(expected, name))
	if os.IsNotExist(err) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func readResults(t *testing.T, dir string) string {
	t.Helper()
	files, err := os.ReadDir(dir)
	if err != nil || len(files) != 1 {
		t.Fatalf("want one results file in %s: %v %v", dir, files, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, files[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func compareText(t *testing.T, what, want, got string) {
	t.Helper()
	if want != got {
		t.Errorf("%s differs\n--- want\n%s\n--- got\n%s", what, want, got)
	}
}

func updateExpected(t *testing.T, expected, diff, resultsDir string) {
	t.Helper()
	if diff != "" {
		writeFile(t, filepath.Join(expected, "diff.patch"), diff+"\n")
	}
	if resultsDir != "" {
		if _, err := os.Stat(resultsDir); err == nil {
			writeFile(t, filepath.Join(expected, "results.yaml"), readResults(t, resultsDir)+"\n")
		}
	}
	t.Logf("updated %s", expected)
}
