package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/goldenfile"
)

var updateDiff = flag.Bool("update-diff", false, "rewrite the golden files of testdata/diff/")

// diffForms are the --output forms and the golden file of each.
var diffForms = []struct{ output, file string }{
	{"text", "want.txt"},
	{"markdown", "want.md"},
	{"json", "want.json"},
}

// TestDiffGolden runs `diff --base <case>/base --head <case>/head` for each
// folder of testdata/diff/, with the flags in its args file (one a line),
// in each output form, and compares the output with want.txt, want.md and
// want.json, and stderr and the exit code (the same in every form) with
// stderr and exit. A case with a migrate file instead takes its base from
// the "base PATH" lines, and its head from what `mirrorset migrate` writes
// from them (no default policy, as the migration alone) plus the "head
// PATH" lines. -update-diff rewrites the files; read every diff.
func TestDiffGolden(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob("testdata/diff/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, dir := range dirs {
		if filepath.Base(dir) == "base-ref" {
			continue // TestDiffBaseRef's, from a git repository it makes
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			args := diffCaseArgs(t, dir)
			var stderr0, code0 string
			for i, f := range diffForms {
				var stdout, stderr bytes.Buffer
				code := runDiff(append(args, "--output", f.output), strings.NewReader(""), &stdout, &stderr)
				goldenfile.Match(t, filepath.Join(dir, f.file), stdout.String(), *updateDiff)
				if f.output == "json" {
					var v map[string]any
					if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
						t.Errorf("--output json is not JSON: %v", err)
					}
				}
				if i == 0 {
					stderr0, code0 = stderr.String(), strconv.Itoa(code)+"\n"
					goldenfile.MatchOptional(t, filepath.Join(dir, "stderr"), stderr0, *updateDiff)
					goldenfile.Match(t, filepath.Join(dir, "exit"), code0, *updateDiff)
				} else if stderr.String() != stderr0 || strconv.Itoa(code)+"\n" != code0 {
					t.Errorf("--output %s: stderr %q exit %d, want what text gave: %q exit %s", f.output, stderr.String(), code, stderr0, code0)
				}
			}
		})
	}
}

// diffCaseArgs returns the arguments of a case.
func diffCaseArgs(t *testing.T, dir string) []string {
	t.Helper()
	var args []string
	if b, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
		args = strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	}
	b, err := os.ReadFile(filepath.Join(dir, "migrate"))
	if os.IsNotExist(err) {
		return append(args, "--base", filepath.Join(dir, "base"), "--head", filepath.Join(dir, "head"))
	}
	if err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	migrateArgs := []string{"--dest-dir", dest}
	heads := []string{"--head", dest}
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		side, path, _ := strings.Cut(line, " ")
		switch side {
		case "base":
			migrateArgs = append(migrateArgs, path)
			args = append(args, "--base", path)
		case "head":
			heads = append(heads, "--head", path)
		default:
			t.Fatalf("%s/migrate: %q: want base PATH or head PATH", dir, line)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := runMigrate(migrateArgs, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("migrate %v: exit %d: %s", migrateArgs, code, stderr.String())
	}
	return append(args, heads...)
}

func TestDiffUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no sides", nil, "give both --base and --head, or --base-ref"},
		{"base only", []string{"--base", "x"}, "give both --base and --head"},
		{"positional without --base-ref", []string{"--base", "x", "--head", "y", "z"}, `unexpected argument "z"`},
		{"base-ref with --head", []string{"--base-ref", "main", "--head", "y"}, "give no --base or --head"},
		{"bad output", []string{"--base", "x", "--head", "y", "--output", "yaml"}, `--output "yaml"`},
		{"bad fail-on", []string{"--base", "x", "--head", "y", "--fail-on", "none"}, `--fail-on "none"`},
		{"stdin on both sides", []string{"--base", "-", "--head", "-"}, "can feed one side only"},
		{"stdin with --base-ref", []string{"--base-ref", "main", "-"}, "not standard input"},
		{"bad version", []string{"--base", "x", "--head", "y", "--openshift-version", "4.x"}, `openshift version "4.x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := runDiff(tc.args, strings.NewReader(""), &stdout, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tc.want) || !strings.Contains(stderr.String(), "Usage: mirrorset diff") {
				t.Errorf("stderr %q, want %q and the usage", stderr.String(), tc.want)
			}
		})
	}
}

// TestDiffFailOn checks the exit code of --fail-on against each level,
// on a change that drains (a tag mirror added).
func TestDiffFailOn(t *testing.T) {
	t.Parallel()
	dir := "testdata/diff/tag-mirror-added"
	for level, want := range map[string]int{"": 0, "rollout": 1, "reload": 1, "drain": 1, "reboot": 0} {
		t.Run(cmpOr(level, "none"), func(t *testing.T) {
			t.Parallel()
			args := []string{"--base", dir + "/base", "--head", dir + "/head"}
			if level != "" {
				args = append(args, "--fail-on", level)
			}
			var stdout, stderr bytes.Buffer
			if code := runDiff(args, strings.NewReader(""), &stdout, &stderr); code != want {
				t.Errorf("--fail-on %s: exit %d, want %d; stderr: %s", level, code, want, stderr.String())
			}
		})
	}
}

// TestDiffStdin feeds one side on standard input.
func TestDiffStdin(t *testing.T) {
	t.Parallel()
	head, err := os.ReadFile("testdata/diff/tag-mirror-added/head/mirrors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := runDiff([]string{"--base", "testdata/diff/tag-mirror-added/base", "--head", "-"}, bytes.NewReader(head), &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "nodes: drain") {
		t.Errorf("exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// gitRun runs git in dir with a fixed identity and dates, failing the test
// when it fails.
func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDiffBaseRef runs --base-ref on a real git repository: a commit with
// the base of the tag-mirror-added case, then the head's files in the
// working tree, a folder that exists only at the ref and one only in the
// working tree. It must give the same report as --base/--head on the same
// files, with the same file names.
func TestDiffBaseRef(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	gitRun(t, repo, "init", "--quiet", "--initial-branch=main")
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	base := read("testdata/diff/tag-mirror-added/base/mirrors.yaml")
	head := read("testdata/diff/tag-mirror-added/head/mirrors.yaml")
	writeFile(t, filepath.Join(repo, "clusters/prod/mirrors.yaml"), base)
	writeFile(t, filepath.Join(repo, "clusters/prod/README.md"), "not YAML: not read\n")
	// Removed in the change: the report names it by its path at the ref.
	writeFile(t, filepath.Join(repo, "clusters/prod/extra/rhel.yaml"), strings.NewReplacer("quay.io/openshift-release-dev/ocp-release", "registry.redhat.io/rhel9", "name: release\n", "name: rhel\n").Replace(base))
	// Objects that move from old/ to new/ do not change the nodes.
	moved := strings.ReplaceAll(base, "name: release\n", "name: moved\n")
	moved = strings.ReplaceAll(moved, "quay.io/openshift-release-dev/ocp-release", "quay.io/moved")
	writeFile(t, filepath.Join(repo, "clusters/old/mirrors.yaml"), moved)
	gitRun(t, repo, "add", ".")
	gitRun(t, repo, "commit", "--quiet", "-m", "base")
	writeFile(t, filepath.Join(repo, "clusters/prod/mirrors.yaml"), head)
	for _, p := range []string{"clusters/old", "clusters/prod/extra"} {
		if err := os.RemoveAll(filepath.Join(repo, p)); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(repo, "clusters/new/mirrors.yaml"), moved)

	// The paths as a CI job gives them: relative to a folder of the repo.
	// old/ (base only) and new/ (head only) hold the same objects: what
	// changes is prod's tag mirror, named by the working tree's file names.
	clusters := filepath.Join(repo, "clusters")
	paths := []string{"prod", "old/", "new"}
	for _, f := range diffForms {
		var stdout, stderr bytes.Buffer
		code := runDiffIn(t, clusters, append([]string{"--base-ref", "main", "--output", f.output}, paths...), &stdout, &stderr)
		if code != 0 || stderr.Len() > 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		goldenfile.Match(t, filepath.Join("testdata/diff/base-ref", f.file), stdout.String(), *updateDiff)
		// No path is the folder itself, which holds the same files.
		var dot bytes.Buffer
		if code := runDiffIn(t, clusters, []string{"--base-ref", "main", "--output", f.output}, &dot, &stderr); code != 0 || dot.String() != stdout.String() {
			t.Errorf("--output %s with no path (exit %d) differs from the three folders:\n%s", f.output, code, dot.String())
		}
	}

	var stdout, stderr bytes.Buffer
	// A path in neither side is an error; a ref that is not there too.
	for _, args := range [][]string{{"--base-ref", "main", "nowhere"}, {"--base-ref", "no-such-ref", "prod"}} {
		stdout.Reset()
		stderr.Reset()
		if code := runDiffIn(t, filepath.Join(repo, "clusters"), args, &stdout, &stderr); code != 1 {
			t.Errorf("%v: exit %d, want 1; stderr: %s", args, code, stderr.String())
		}
	}
}

// asCommand makes the test binary run the command itself, with the
// arguments after "--", when this variable is set: runDiffIn needs a
// process of its own, in another folder.
const asCommand = "MIRRORSET_TEST_AS_COMMAND"

func TestMain(m *testing.M) {
	if os.Getenv(asCommand) != "" {
		i := slices.Index(os.Args, "--")
		os.Exit(run(os.Args[i+1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// runDiffIn runs diff from dir, as a job in that folder would, in a process
// of its own, since the tests cannot change their own folder while other
// tests run.
func runDiffIn(t *testing.T, dir string, args []string, stdout, stderr *bytes.Buffer) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--", "diff"}, args...)...)
	cmd.Env = append(os.Environ(), asCommand+"=1")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}
