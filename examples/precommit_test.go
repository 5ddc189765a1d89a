package examples_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreCommitHook installs this checkout's .pre-commit-hooks.yaml with the
// real pre-commit into a new git repository, and shows a commit with a
// mirror object the cluster would refuse refused, with the problem at its
// line, and a good commit accepted. pre-commit builds the hook with
// `go install ./...` from a commit of this working tree (a local repository,
// as a `repo:` URL; `repo: local` would not read the hooks file), which
// takes a minute or two on a cold build cache. Without pre-commit (apt-get
// install pre-commit; `make tools` installs it) the test is skipped, except
// in CI, where it fails.
func TestPreCommitHook(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pre-commit"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pre-commit is missing (make tools installs it): %v", err)
		}
		t.Skipf("pre-commit is missing (make tools installs it): %v", err)
	}
	tmp := t.TempDir()
	hooks := filepath.Join(tmp, "hooks")
	rev := snapshotCheckout(t, hooks)

	gomodcache := strings.TrimSpace(mustRun(t, "", "", nil, "go", "env", "GOMODCACHE").stdout)
	// pre-commit runs `go install` with GOPATH in its environment: the
	// module cache is named, so that the modules are not downloaded again.
	env := []string{
		"PRE_COMMIT_HOME=" + filepath.Join(tmp, "pre-commit-home"),
		"GOTOOLCHAIN=local",
		"GOMODCACHE=" + gomodcache,
		// The build's profile (fn/default.pgo) changes the hook's speed
		// only; without it, go install reuses the packages that the tests
		// compiled, in place of a second compile of all of them.
		"GOFLAGS=-pgo=off",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
	}
	repo := filepath.Join(tmp, "platform")
	mustRun(t, "", "", env, "git", "init", "-q", repo)
	writeFile(t, filepath.Join(repo, ".pre-commit-config.yaml"), "repos:\n- repo: "+hooks+"\n  rev: "+rev+"\n  hooks:\n  - id: mirrorset-check\n")
	writeFile(t, filepath.Join(repo, "README.md"), "not YAML: the hook does not read it\n")
	mustRun(t, repo, "", env, "pre-commit", "install")

	bad := `apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: release
spec:
  imageDigestMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - mirror.example.com/ocp/release:4.16
`
	if err := os.Mkdir(filepath.Join(repo, "cluster"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(repo, "cluster", "idms.yaml"), bad)
	mustRun(t, repo, "", env, "git", "add", ".")
	r := run(t, repo, "", env, "git", "commit", "-q", "-m", "bad mirrors")
	out := r.stdout + r.stderr
	if r.code == 0 {
		t.Fatalf("the bad commit was accepted:\n%s", out)
	}
	for _, want := range []string{
		"mirrorset check",
		`cluster/idms.yaml:9:7: error: ImageDigestMirrorSet "release" in cluster/idms.yaml: spec.imageDigestMirrors[0].mirrors[0]: "mirror.example.com/ocp/release:4.16" is not a valid mirror: it has a tag`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, out)
		}
	}
	if r := run(t, repo, "", env, "git", "rev-parse", "-q", "--verify", "HEAD"); r.code == 0 {
		t.Fatalf("a commit was made: %s", r.stdout)
	}

	writeFile(t, filepath.Join(repo, "cluster", "idms.yaml"), strings.Replace(bad, "release:4.16", "release", 1))
	mustRun(t, repo, "", env, "git", "add", ".")
	r = run(t, repo, "", env, "git", "commit", "-q", "-m", "good mirrors")
	if r.code != 0 {
		t.Fatalf("the good commit was refused (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout+r.stderr, "mirrorset check") || !strings.Contains(r.stdout+r.stderr, "Passed") {
		t.Errorf("the hook did not run on the good commit:\n%s%s", r.stdout, r.stderr)
	}
	if got := strings.TrimSpace(mustRun(t, repo, "", env, "git", "rev-list", "--count", "HEAD").stdout); got != "1" {
		t.Errorf("%s commits, want 1", got)
	}
}

// snapshotCheckout commits the working tree of this checkout (tracked files and new
// ones that are not ignored, as they are now) into a new repository at dir
// and returns the commit, for pre-commit's `repo:` and `rev:`.
func snapshotCheckout(t *testing.T, dir string) string {
	t.Helper()
	files := mustRun(t, root, "", nil, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
	for _, f := range strings.Split(strings.TrimRight(files, "\x00"), "\x00") {
		b, err := os.ReadFile(filepath.Join(root, f))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}
	mustRun(t, dir, "", env, "git", "init", "-q")
	mustRun(t, dir, "", env, "git", "add", ".")
	mustRun(t, dir, "", env, "git", "commit", "-q", "-m", "snapshot")
	return strings.TrimSpace(mustRun(t, dir, "", env, "git", "rev-parse", "HEAD").stdout)
}
