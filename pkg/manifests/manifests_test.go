package manifests_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/manifests"
)

// tree writes files (path -> content) under a new folder and returns it.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// describe lists the objects as "kind/name path#index", with the path
// relative to dir.
func describe(dir string, nodes []*yaml.RNode) []string {
	var out []string
	for _, n := range nodes {
		a := n.GetAnnotations()
		p := manifests.Path(n)
		if rel, err := filepath.Rel(dir, p); err == nil && dir != "" {
			p = rel
		}
		if a[kioutil.LegacyPathAnnotation] != a[kioutil.PathAnnotation] || a[kioutil.LegacyIndexAnnotation] != a[kioutil.IndexAnnotation] {
			p += " (annotation twins differ)"
		}
		out = append(out, n.GetKind()+"/"+n.GetName()+" "+p+"#"+a[kioutil.IndexAnnotation])
	}
	return out
}

func obj(kind, name string) string {
	return "apiVersion: v1\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n"
}

func TestRead(t *testing.T) {
	dir := tree(t, map[string]string{
		"b.yaml": "# only a comment\n---\n" + obj("A", "b1") + "---\n" + obj("A", "b2"),
		"a.yml":  obj("A", "a1"),
		"list.yaml": `apiVersion: v1
kind: List
items:
- ` + strings.ReplaceAll(obj("A", "l1"), "\n", "\n  ") + `
- apiVersion: operator.openshift.io/v1alpha1
  kind: ImageContentSourcePolicyList
  items:
  - apiVersion: operator.openshift.io/v1alpha1
    kind: ImageContentSourcePolicy
    metadata:
      name: nested
`,
		"icsps.yaml": `apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicyList
metadata: {}
items:
- apiVersion: operator.openshift.io/v1alpha1
  kind: ImageContentSourcePolicy
  metadata:
    name: i1
`,
		"sub/deep/c.yaml":   obj("A", "c1"),
		"sub/notes.txt":     "not yaml: [",
		".git/config.yaml":  obj("A", "hidden"),
		"sub/.cache/x.yaml": obj("A", "hidden2"),
	})
	nodes, err := manifests.Read([]string{dir, filepath.Join(dir, "a.yml")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := describe(dir, nodes)
	want := []string{
		"A/a1 a.yml#0",
		"A/b1 b.yaml#0",
		"A/b2 b.yaml#1",
		"ImageContentSourcePolicy/i1 icsps.yaml#0",
		"A/l1 list.yaml#0",
		"ImageContentSourcePolicy/nested list.yaml#1",
		"A/c1 sub/deep/c.yaml#0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReadStdin(t *testing.T) {
	resourceList := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: A
  metadata:
    name: kept
    annotations:
      config.kubernetes.io/path: base/x.yaml
      config.kubernetes.io/index: "3"
- apiVersion: v1
  kind: A
  metadata:
    name: bare
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: fc
`
	dir := tree(t, map[string]string{"f.yaml": obj("A", "file")})
	nodes, err := manifests.Read([]string{"-", filepath.Join(dir, "f.yaml"), "-"}, strings.NewReader(resourceList))
	if err != nil {
		t.Fatal(err)
	}
	got := describe(dir, nodes)
	want := []string{
		"A/kept base/x.yaml#3",
		"A/bare <stdin>#1",
		"A/file f.yaml#0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReadErrors(t *testing.T) {
	dir := tree(t, map[string]string{
		"bad.yaml":    obj("A", "ok") + "---\nkind: [\n",
		"scalar.yaml": obj("A", "ok") + "---\njust a string\n",
		"items.yaml":  "apiVersion: v1\nkind: List\nitems: 5\n",
		// kyaml panics reading annotations from metadata that is no map.
		"meta.yaml":  obj("A", "ok") + "---\napiVersion: v1\nkind: B\nmetadata: [x]\n",
		"annos.yaml": "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: C\n  metadata:\n    name: c\n    annotations: [a]\n",
	})
	tests := []struct {
		arg  string
		want []string
	}{
		{"bad.yaml", []string{"bad.yaml:", "MalformedYAMLError"}},
		{"scalar.yaml", []string{"scalar.yaml:", "document 2 is not a map"}},
		{"items.yaml", []string{"items.yaml:", "List items must be a list"}},
		{"meta.yaml", []string{"meta.yaml:", "object 2 (B): metadata: must be a map", "got a list"}},
		{"annos.yaml", []string{"annos.yaml:", "object 1 (C): metadata.annotations: must be a map of strings, got a list"}},
		{"missing.yaml", []string{"missing.yaml", "no such file"}},
	}
	for _, tc := range tests {
		_, err := manifests.Read([]string{filepath.Join(dir, tc.arg)}, nil)
		if err == nil {
			t.Errorf("%s: no error", tc.arg)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", tc.arg, err, w)
			}
		}
	}
	_, err := manifests.Read([]string{"-"}, strings.NewReader("a: [\n"))
	if err == nil || !strings.HasPrefix(err.Error(), manifests.StdinName+": ") {
		t.Errorf("stdin error %v does not name %s", err, manifests.StdinName)
	}
}

// TestParseLines: the nodes keep their line in the file, not in their
// document, for every way documents are separated, and in lists.
func TestParseLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		data string
		want []int // the line of each object's name
	}{
		{"one document", "# head\n" + obj("A", "a"), []int{5}},
		{"leading separator", "---\n" + obj("A", "a") + "---\n" + obj("B", "b"), []int{5, 10}},
		{"separator with a comment", obj("A", "a") + "--- # next\n\n" + obj("B", "b"), []int{4, 10}},
		{"empty documents", obj("A", "a") + "---\n---\n# only a comment\n---\n" + obj("B", "b"), []int{4, 12}},
		{"CRLF", strings.ReplaceAll(obj("A", "a")+"---\n"+obj("B", "b"), "\n", "\r\n"), []int{4, 9}},
		{"list", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: A\n  metadata:\n    name: a\n---\n" + obj("B", "b"), []int{7, 12}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			nodes, err := manifests.Parse([]byte(tc.data), "f.yaml")
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, n := range nodes {
				got = append(got, n.Field("metadata").Value.Field("name").Value.YNode().Line)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("lines %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("lines %v, want %v", got, tc.want)
				}
			}
		})
	}
}
