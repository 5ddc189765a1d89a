package examples_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The CI recipe's script (examples/ci/mirrorset-pr-diff.sh) on a real git
// repository: a base branch with an ImageDigestMirrorSet, and a change that
// adds an ImageTagMirrorSet for the same source, which drains every node.

const ciBase = `apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: release
spec:
  imageDigestMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - registry.example.com:5000/ocp/release
`

const ciTagMirrors = `---
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
metadata:
  name: release-tags
spec:
  imageTagMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - registry.example.com:5000/ocp/release
`

// ciRepo makes a repository whose branch main holds the base, with the
// change checked out on a branch of its own, as CI checks out a pull request.
func ciRepo(t *testing.T) string {
	t.Helper()
	repo := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null",
			"GIT_AUTHOR_NAME=ci", "GIT_AUTHOR_EMAIL=ci@example.com", "GIT_COMMITTER_NAME=ci", "GIT_COMMITTER_EMAIL=ci@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	file := filepath.Join(repo, "clusters", "prod", "mirrors.yaml")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(ciBase), 0o644); err != nil {
		t.Fatal(err)
	}
	git("init", "--quiet", "--initial-branch=main")
	git("add", ".")
	git("commit", "--quiet", "-m", "mirrors")
	git("checkout", "--quiet", "-b", "add-tag-mirrors")
	if err := os.WriteFile(file, []byte(ciBase+ciTagMirrors), 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "--quiet", "-am", "tag mirrors")
	return repo
}

// runCI runs the script in repo with only the environment given (and
// PATH), so that no token of the machine's leaks in.
func runCI(t *testing.T, repo string, env ...string) result {
	t.Helper()
	cmd := exec.Command(filepath.Join(root, "examples", "ci", "mirrorset-pr-diff.sh"), "main", "clusters/prod")
	cmd.Dir = repo
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"MIRRORSET=" + bin(t, "mirrorset"),
		"MIRRORSET_REPORT=" + filepath.Join(t.TempDir(), "report.md"),
	}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{stdout.String(), stderr.String(), code}
}

func TestCIScriptWithoutToken(t *testing.T) {
	t.Parallel()
	repo := ciRepo(t)
	r := runCI(t, repo)
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		"**mirrorset diff**: **drain**",
		"| `quay.io/openshift-release-dev/ocp-release` | mirror registry.example.com:5000/ocp/release added, for pulls by tag (tag-only) | drain |",
		`ImageTagMirrorSet "release-tags" in clusters/prod/mirrors.yaml, spec.imageTagMirrors[0]`,
		"<details><summary>Node files diff</summary>",
		`+    pull-from-mirror = "tag-only"`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the comment lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "not posting") {
		t.Errorf("stderr does not say that nothing was posted:\n%s", r.stderr)
	}

	// --fail-on fails the job, after the comment is written.
	r = runCI(t, repo, "MIRRORSET_FLAGS=--fail-on drain")
	if r.code != 1 || !strings.Contains(r.stdout, "**drain**") {
		t.Errorf("--fail-on drain: exit %d, want 1 with the comment; stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	// A base that is not in the checkout is a usage error that says why.
	cmd := exec.Command(filepath.Join(root, "examples", "ci", "mirrorset-pr-diff.sh"), "origin/main")
	cmd.Dir = repo
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "MIRRORSET=" + bin(t, "mirrorset")}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "fetch it first") {
		t.Errorf("missing base: %v\n%s", err, out)
	}
}

// posted is what a fake API server received.
type posted struct {
	mu                  sync.Mutex
	method, path, token string
	body                []byte
}

func apiServer(t *testing.T, tokenHeader string) (*httptest.Server, *posted) {
	t.Helper()
	p := &posted{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.method, p.path, p.token, p.body = r.Method, r.URL.Path, r.Header.Get(tokenHeader), b
		p.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id": 1}`)
	}))
	t.Cleanup(srv.Close)
	return srv, p
}

// TestCIScriptPosts runs the posting step, with curl (and jq for GitHub),
// against a local server that stands for the GitHub and GitLab APIs: the
// real ones need a token and the network.
func TestCIScriptPosts(t *testing.T) {
	t.Parallel()
	repo := ciRepo(t)

	t.Run("github", func(t *testing.T) {
		srv, p := apiServer(t, "Authorization")
		r := runCI(t, repo, "GITHUB_TOKEN=gh-secret", "PR_NUMBER=12", "GITHUB_REPOSITORY=org/clusters", "GITHUB_API_URL="+srv.URL)
		if r.code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
		}
		var body struct{ Body string }
		if err := json.Unmarshal(p.body, &body); err != nil {
			t.Fatalf("posted %q: %v", p.body, err)
		}
		if p.method != "POST" || p.path != "/repos/org/clusters/issues/12/comments" || p.token != "Bearer gh-secret" || body.Body != r.stdout {
			t.Errorf("posted %s %s token %q body %q; want the comment:\n%s", p.method, p.path, p.token, body.Body, r.stdout)
		}
		if !strings.Contains(r.stderr, "posted on pull request #12") {
			t.Errorf("stderr:\n%s", r.stderr)
		}
	})
	t.Run("gitlab", func(t *testing.T) {
		srv, p := apiServer(t, "PRIVATE-TOKEN")
		r := runCI(t, repo, "GITLAB_TOKEN=gl-secret", "CI_API_V4_URL="+srv.URL+"/api/v4", "CI_PROJECT_ID=42", "CI_MERGE_REQUEST_IID=7")
		if r.code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
		}
		form, err := url.ParseQuery(string(p.body))
		if err != nil {
			t.Fatalf("posted %q: %v", p.body, err)
		}
		if p.method != "POST" || p.path != "/api/v4/projects/42/merge_requests/7/notes" || p.token != "gl-secret" || form.Get("body") != r.stdout {
			t.Errorf("posted %s %s token %q body %q; want the comment:\n%s", p.method, p.path, p.token, form.Get("body"), r.stdout)
		}
	})
}
