// Package examples_test runs every example folder through the real tools that
// platform teams run mirrorset with: kustomize (exec and container functions),
// kpt (fn render and fn eval, exec and image), the Argo CD config management
// plugin server, and podman. The tools come pinned in bin/ from `make tools`,
// the function from `make build` and the image from `make image`; `make e2e`
// does all three first. A missing tool fails the test: nothing is skipped.
package examples_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// image is the function image the examples name; `make image` builds it.
const image = "localhost/mirrorset:dev"

// root is the repository root; tests run in examples/.
var root = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Dir(wd)
}()

// bin returns the absolute path of a tool in the project's bin/, failing the
// test when it is not there.
func bin(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(root, "bin", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s is missing: run `make tools build image` (or `make e2e`): %v", p, err)
	}
	return p
}

// toolEnv is the environment every tool runs in: bin/ first on PATH (so that
// kustomize's `docker` is the podman shim and no other kpt or kustomize is
// found), podman's sandbox settings, and podman as kpt's container runtime.
func toolEnv(extra ...string) []string {
	env := []string{
		"PATH=" + filepath.Join(root, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
		"CONTAINERS_CONF=" + filepath.Join(root, "tools", "containers.conf"),
		"KRM_FN_RUNTIME=podman",
	}
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "PATH", "CONTAINERS_CONF", "KRM_FN_RUNTIME":
		default:
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// result is what a command did.
type result struct {
	stdout, stderr string
	code           int
}

// run runs a command in dir with toolEnv and stdin; it fails the test only
// when the command cannot be started at all.
func run(t *testing.T, dir, stdin string, env []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = toolEnv(env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("starting %s %s: %v", name, strings.Join(args, " "), err)
	}
	t.Logf("$ %s %s (exit %d)\n[stdout]\n%s[stderr]\n%s", name, strings.Join(args, " "), r.code, r.stdout, r.stderr)
	return r
}

// mustRun is run that fails the test on a non-zero exit.
func mustRun(t *testing.T, dir, stdin string, env []string, name string, args ...string) result {
	t.Helper()
	r := run(t, dir, stdin, env, name, args...)
	if r.code != 0 {
		t.Fatalf("%s %s: exit %d\n%s", name, strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// requireImage fails the test unless podman has the function image.
func requireImage(t *testing.T) {
	t.Helper()
	podman, err := exec.LookPath("podman")
	if err != nil {
		t.Fatalf("podman is missing: run `make tools`: %v", err)
	}
	if r := run(t, root, "", nil, podman, "image", "exists", image); r.code != 0 {
		t.Fatalf("podman has no image %s: run `make image`", image)
	}
}

// objects parses a multi-document YAML stream, or a ResourceList's items.
func objects(t *testing.T, s string) []*yaml.RNode {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(s), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatalf("parsing output: %v\n%s", err, s)
	}
	return nodes
}

// find returns the object of a kind and name, or nil.
func find(nodes []*yaml.RNode, kind, name string) *yaml.RNode {
	for _, n := range nodes {
		if n.GetKind() == kind && n.GetName() == name {
			return n
		}
	}
	return nil
}

// entry is one mirror entry as the API writes it.
type entry struct {
	Source             string   `yaml:"source"`
	Mirrors            []string `yaml:"mirrors"`
	MirrorSourcePolicy string   `yaml:"mirrorSourcePolicy,omitempty"`
}

// entries decodes spec.<field> of an object.
func entries(t *testing.T, n *yaml.RNode, field string) []entry {
	t.Helper()
	list, err := n.Pipe(yaml.Lookup("spec", field))
	if err != nil || list == nil {
		t.Fatalf("%s %s has no spec.%s", n.GetKind(), n.GetName(), field)
	}
	s, err := list.String()
	if err != nil {
		t.Fatal(err)
	}
	var out []entry
	if err := yaml.Unmarshal([]byte(s), &out); err != nil {
		t.Fatalf("decoding spec.%s: %v", field, err)
	}
	return out
}

// The example ICSPs all mirror the release payload and its content to one
// registry; these are the entries each conversion must carry over.
var (
	releaseSource = "quay.io/openshift-release-dev/ocp-release"
	artSource     = "quay.io/openshift-release-dev/ocp-v4.0-art-dev"
	releaseMirror = "registry.example.com:5000/ocp/release"
)

// wantReleaseIDMS checks that out holds the IDMS "name" converted from the
// example ICSP, each entry with the given policy, and no ICSP any more.
func wantReleaseIDMS(t *testing.T, nodes []*yaml.RNode, name, policy string) {
	t.Helper()
	idms := find(nodes, "ImageDigestMirrorSet", name)
	if idms == nil {
		t.Fatalf("no ImageDigestMirrorSet %q in the output: the function did not run or did not convert", name)
	}
	if got := idms.GetApiVersion(); got != "config.openshift.io/v1" {
		t.Errorf("IDMS apiVersion = %q, want config.openshift.io/v1", got)
	}
	got := entries(t, idms, "imageDigestMirrors")
	want := []entry{
		{Source: releaseSource, Mirrors: []string{releaseMirror}, MirrorSourcePolicy: policy},
		{Source: artSource, Mirrors: []string{releaseMirror}, MirrorSourcePolicy: policy},
	}
	if !equalEntries(got, want) {
		t.Errorf("IDMS entries = %+v, want %+v", got, want)
	}
	for _, n := range nodes {
		if n.GetKind() == "ImageContentSourcePolicy" {
			t.Errorf("ImageContentSourcePolicy %q is still in the output", n.GetName())
		}
	}
}

func equalEntries(a, b []entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Source != b[i].Source || a[i].MirrorSourcePolicy != b[i].MirrorSourcePolicy ||
			strings.Join(a[i].Mirrors, ",") != strings.Join(b[i].Mirrors, ",") {
			return false
		}
	}
	return true
}

// brokenICSP has a source with a tag, which the cluster refuses.
const brokenICSP = `apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: broken
spec:
  repositoryDigestMirrors:
  - source: quay.io/A:latest
    mirrors:
    - registry.example.com/a
`

// wantBrokenMessage checks that a tool's output carries the function's own
// message, naming the object and the field.
func wantBrokenMessage(t *testing.T, out string) {
	t.Helper()
	for _, want := range []string{`ImageContentSourcePolicy "broken"`, "spec.repositoryDigestMirrors[0].source", "quay.io/A:latest"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// copyDir copies a folder tree (regular files only) to a new temporary folder
// and returns the copy's path.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("copying %s: %v", src, err)
	}
	return dst
}

// readFiles returns every file under dir by its relative path.
func readFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel] = string(b)
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	return files
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hostArch is the architecture the image is built for by default.
var hostArch = runtime.GOARCH
