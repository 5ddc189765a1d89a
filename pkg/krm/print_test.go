package krm_test

import (
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// quotingValues are label and annotation values, and comments, in every
// form that kyaml's encoder quotes or writes otherwise than plain.
var quotingValues = []string{
	"plain", "", "true", "False", "yes", "off", "~", "null", "012", "0x1f", "1_000", "1.5", ".inf", "1:20", "2001-12-14",
	" lead", "trail ", "a: b", "a #b", "#a", "- a", "-", "?", ": a", "[a]", "{a}", "&a", "*a", "!a", "|a", ">a", "'a", "\"a", "%a", "@a", "`a",
	"it's", "back\\slash", "---", "...", "tab\tx", "bell\a", "é", "日本", "😀", "\u00a0nbsp", "line\nline", "line\n", "l\n\n", "\nl", "a \nb",
	strings.Repeat("long ", 30),
}

// quotingList is a ResourceList of ICSPs (which mirrorset converts, and so
// prints) whose labels, annotations and comments hold quotingValues, as
// kyaml prints it.
func quotingList(t *testing.T, from, to int, comments bool) []byte {
	t.Helper()
	items := &yaml.Node{Kind: yaml.SequenceNode}
	for i := from; i < to && i < len(quotingValues); i++ {
		v := quotingValues[i]
		icsp, err := yaml.Parse(fmt.Sprintf(`apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: icsp-%d
spec:
  repositoryDigestMirrors:
  - source: registry.example.com/team%d
    mirrors:
    - mirror.example.com/team%d
`, i, i, i))
		if err != nil {
			t.Fatal(err)
		}
		str := func(s string) *yaml.RNode { return yaml.NewStringRNode(s) }
		if err := icsp.PipeE(yaml.SetLabel("value", v)); err != nil {
			t.Fatal(err)
		}
		if err := icsp.PipeE(yaml.SetAnnotation("example.com/value", v)); err != nil {
			t.Fatal(err)
		}
		if err := icsp.PipeE(yaml.LookupCreate(yaml.MappingNode, "metadata", "annotations"), yaml.SetField(v+"-key", str("a"))); err != nil && !strings.Contains(v, "\n") {
			t.Fatal(err)
		}
		if comments && !strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 }) {
			icsp.YNode().Content[0].HeadComment = "# " + v
			md := icsp.Field("metadata").Value.YNode()
			md.Content[0].LineComment = "# " + v
			md.Content[1].FootComment = "# foot " + v
		}
		items.Content = append(items.Content, icsp.YNode())
	}
	list := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "apiVersion"}, {Kind: yaml.ScalarNode, Value: "config.kubernetes.io/v1"},
		{Kind: yaml.ScalarNode, Value: "kind"}, {Kind: yaml.ScalarNode, Value: "ResourceList"},
		{Kind: yaml.ScalarNode, Value: "items"}, items,
	}}
	s, err := yaml.String(list)
	if err != nil {
		t.Fatal(err)
	}
	in, err := kyamlPrint([]byte(s))
	if err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	return in
}

// TestConvertedObjectsQuoted runs the fast path (which prints the
// converted objects with yamlprint) and the full parse (kyaml's encoder) on
// ICSPs whose fields need every kind of quoting: the outputs are the same
// bytes.
func TestConvertedObjectsQuoted(t *testing.T) {
	t.Parallel()
	for _, comments := range []bool{false, true} {
		for from := 0; from < len(quotingValues); from += 8 {
			in := quotingList(t, from, from+8, comments)
			fast, full := runBoth(in)
			if fast.code != full.code || fast.stderr != full.stderr {
				t.Fatalf("exit %d, stderr:\n%s\nbut the full parse: exit %d, stderr:\n%s", fast.code, fast.stderr, full.code, full.stderr)
			}
			if fast.stdout != full.stdout {
				t.Fatalf("the fast path's output differs from the full parse's:\n%s\ninput:\n%s", diff(fast.stdout, full.stdout), in)
			}
			if !strings.Contains(fast.stdout, "kind: ImageDigestMirrorSet") {
				t.Fatalf("no ImageDigestMirrorSet in the output:\n%s\n%s", fast.stdout, fast.stderr)
			}
		}
	}
}
