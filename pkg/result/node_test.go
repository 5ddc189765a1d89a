package result_test

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/yamlprint"
)

func encode(t testing.TB, n *yaml.Node) string {
	t.Helper()
	var buf bytes.Buffer
	e := yaml.NewEncoder(&buf)
	if err := e.Encode(n); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// sameAsMarshal checks that Node(rs), when it builds it, prints as
// yaml.Marshal(rs) parsed again does, with the encoder and with yamlprint,
// as the results field of a list.
func sameAsMarshal(t testing.TB, rs result.Results) bool {
	t.Helper()
	n, ok := result.Node(rs)
	if !ok {
		return false
	}
	b, err := yaml.Marshal(rs)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := yaml.Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	in := func(n *yaml.Node) *yaml.Node {
		return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "results"}, n}}
	}
	want := encode(t, in(parsed.YNode()))
	if got := encode(t, in(n)); got != want {
		t.Fatalf("the encoder prints Node\n%s\nand the marshalled results\n%s", got, want)
	}
	got, ok := yamlprint.Append(nil, in(n))
	if !ok {
		t.Fatalf("yamlprint does not print Node of %q", b)
	}
	if string(got) != want {
		t.Fatalf("yamlprint prints Node\n%s\nand the encoder the marshalled results\n%s", got, want)
	}
	return true
}

var messages = []string{
	"plain", "", "true", "yes", "No", "012", "1:20", "-1:2.5", "1e3", ".inf", "~", "null", "2001-12-14",
	" lead", "trail ", "a: b", "a #b", "- a", "#a", "'q'", "\"q\"", "tab\tx", "nul\x00", "é", "😀", "\ufeffbom",
	"line\nline", "line\n", "l\n\n", "\nl", "a \nb", "a\n b", "a\r\nb", "ls\u2028x", "bad\xff", "<<", "<<a",
	`object "x" in file "a.yaml": spec.repositoryDigestMirrors[0].source: "" is not a valid image reference`,
}

func TestNodeIsMarshal(t *testing.T) {
	t.Parallel()
	built := 0
	for _, m := range messages {
		for _, rs := range []result.Results{
			{{Message: m, Severity: result.Error}},
			{{Message: "a", Severity: result.Severity(m), ResourceRef: &result.ResourceRef{APIVersion: m, Kind: "K", Name: m, Namespace: m}}},
			{{Message: m, Field: &result.Field{Path: m}, File: &result.File{Path: m, Index: 3}}, {Message: m, Severity: result.Info}},
			{{Message: m, ResourceRef: &result.ResourceRef{}, Field: &result.Field{}, File: &result.File{}}},
		} {
			if sameAsMarshal(t, rs) {
				built++
			}
		}
	}
	if built < 4*len(messages)-20 {
		t.Errorf("Node built only %d of %d", built, 4*len(messages))
	}
	for _, rs := range []result.Results{
		{nil},
		{{Message: "a", Tags: map[string]string{"k": "v"}}},
		{{Message: "a", Field: &result.Field{Path: "p", CurrentValue: 1}}},
		{{Message: "bad\xff"}},
	} {
		if _, ok := result.Node(rs); ok {
			t.Errorf("Node built %v, which it should leave to yaml.Marshal", rs)
		}
	}
}

func FuzzNodeIsMarshal(f *testing.F) {
	for _, m := range messages {
		f.Add(m, "warning", "path", 1)
	}
	f.Fuzz(func(t *testing.T, msg, sev, path string, index int) {
		sameAsMarshal(t, result.Results{
			{Message: msg, Severity: result.Severity(sev)},
			{Message: path, ResourceRef: &result.ResourceRef{Name: msg, Kind: strings.ToUpper(sev)}, File: &result.File{Path: path, Index: index}},
		})
	})
}
