package lint_test

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/lint"
	"github.com/mirrorset/mirrorset/pkg/manifests"
)

const idms = `# a comment
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: x
spec:
  imageDigestMirrors:
  - source: quay.io/a
    mirrors:
    - m.example.com/a
    - "m.example.com/b"
  - mirrors: [m.example.com/c, m.example.com/d]
    source: quay.io/c
`

func TestPosition(t *testing.T) {
	t.Parallel()
	obj := yaml.MustParse(idms)
	for _, tc := range []struct {
		field     string
		line, col int
	}{
		{"", 2, 1},
		{"metadata.name", 5, 3},
		{"spec.imageDigestMirrors", 7, 3},
		{"spec.imageDigestMirrors[0]", 8, 5},
		{"spec.imageDigestMirrors[0].source", 8, 5},
		{"spec.imageDigestMirrors[0].mirrors", 9, 5},
		{"spec.imageDigestMirrors[0].mirrors[1]", 11, 7},
		{"spec.imageDigestMirrors[1].mirrors[1]", 12, 32},
		{"spec.imageDigestMirrors[1].source", 13, 5},
		// Missing fields stop at the deepest part that is there.
		{"spec.imageDigestMirrors[1].mirrorSourcePolicy", 12, 5},
		{"spec.imageDigestMirrors[7].source", 7, 3},
		{"spec.imageDigestMirrors[0].source[0]", 8, 5},
		{"status.x", 2, 1},
	} {
		line, col := lint.Position(obj, tc.field)
		if line != tc.line || col != tc.col {
			t.Errorf("Position(%q) = %d:%d, want %d:%d", tc.field, line, col, tc.line, tc.col)
		}
	}
}

func TestCheckPlaces(t *testing.T) {
	t.Parallel()
	data := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n---\n" + idms +
		"---\napiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata:\n  name: y\nspec:\n  imageDigestMirrors:\n  - source: quay.io/A\n    mirrors: [m.example.com/a]\n"
	objs, err := manifests.Parse([]byte(data), "f.yaml")
	if err != nil {
		t.Fatal(err)
	}
	before := make([]string, len(objs))
	for i, o := range objs {
		before[i] = o.MustString()
	}
	got, err := lint.Check([]lint.Source{{Name: "f.yaml", Objects: objs}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].File != "f.yaml" || got[0].Line != 26 || got[0].Column != 5 || got[0].Severity != "error" || !got.Failed() {
		t.Fatalf("findings %+v, want one error at f.yaml:26:5", got)
	}
	for i, o := range objs {
		if o.MustString() != before[i] {
			t.Errorf("object %d changed:\n%s", i, o.MustString())
		}
	}
}

// FuzzPosition: any field path, on an object with aliases too, gives a
// place inside the object and never a panic.
func FuzzPosition(f *testing.F) {
	for _, s := range []string{"", "spec.imageDigestMirrors[0].mirrors[1]", "a[", "[0]", "a.[1][2]", "x[-1]", "spec.b[99999999999999999999]", "spec.b.c"} {
		f.Add(s)
	}
	obj := yaml.MustParse(idms + "extra: &a\n  b: [1, *a]\nalias: *a\n")
	f.Fuzz(func(t *testing.T, field string) {
		line, col := lint.Position(obj, field)
		if line < 2 || line > 16 || col < 1 {
			t.Fatalf("Position(%q) = %d:%d, outside the object", field, line, col)
		}
	})
}
