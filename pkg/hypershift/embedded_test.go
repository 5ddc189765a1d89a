package hypershift

import (
	"reflect"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// Documents split where k8s.io/apimachinery's YAMLReader splits them: a
// line starting with "---" and nothing after it but blanks or a comment.
func TestSplitDocuments(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, text string
		want       []document
	}{
		{"one", "a: 1\n", []document{{body: "a: 1\n"}}},
		{"two", "a: 1\n---\nb: 2\n", []document{{body: "a: 1\n"}, {sep: "---\n", body: "b: 2\n"}}},
		{"comment after separator", "a: 1\n--- # next\nb: 2", []document{{body: "a: 1\n"}, {sep: "--- # next\n", body: "b: 2"}}},
		{"leading separator", "---\na: 1\n", []document{{}, {sep: "---\n", body: "a: 1\n"}}},
		{"not a separator", "a: |\n  ---x\n---x: 1\n", []document{{body: "a: |\n  ---x\n---x: 1\n"}}},
		{"blanks after separator", "a: 1\n---  \t\nb: 2\n", []document{{body: "a: 1\n"}, {sep: "---  \t\n", body: "b: 2\n"}}},
		{"empty", "", []document{{}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := splitDocuments(c.text)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %#v, want %#v", got, c.want)
			}
			joined := ""
			for _, d := range got {
				joined += d.sep + d.body
			}
			if joined != c.text {
				t.Fatalf("the documents join into %q, not the text %q", joined, c.text)
			}
		})
	}
}

// Every document that is not a mirror object, and the text as a whole when
// nothing changes, comes back byte for byte.
func TestConvertKeepsOtherDocuments(t *testing.T) {
	t.Parallel()
	text := "kind: MachineConfig\napiVersion: machineconfiguration.openshift.io/v1\nmetadata: {name: x}  # flow\n---\n\n# only a comment\n--- \napiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata:\n  name: ok\nspec:\n  imageDigestMirrors:\n  - source: quay.io/a\n    mirrors: [m.example.com/a]\n"
	c := ParseConfig(text)
	if len(c.Results) != 0 || len(c.Sets()) != 1 {
		t.Fatalf("results %v, sets %v", c.Results, c.Sets())
	}
	out := c.Convert(defaultConfig(), nil)
	if out.Changed || out.Text != text {
		t.Fatalf("nothing to convert, but the text changed (%v):\n%s", out.Changed, out.Text)
	}
	bad := ParseConfig("a: b: c\n---\napiVersion: config.openshift.io/v1\nkind: ImageTagMirrorSet\nmetadata: {name: t}\n")
	if len(bad.Results) != 2 || !result.Failed(bad.Results) {
		t.Fatalf("want errors for the broken document and the ImageTagMirrorSet, got %v", bad.Results)
	}
}

func defaultConfig() config.Config { return config.Default() }
