package resourcelist_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/resourcelist"
	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

const head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"

const item = "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: x\n"

// TestReadFallsBack gives the reader each form that it leaves to the full
// parse (REFERENCE.md, "Streaming pass-through"), in an otherwise plain
// list: it must say so, and give the whole input back.
func TestReadFallsBack(t *testing.T) {
	cases := []struct{ name, in, reason string }{
		{"json", `{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": []}` + "\n", "not a plain key"},
		{"flow items", "apiVersion: v1\nkind: ResourceList\nitems: [{a: 1}]\n", "flow style"},
		{"anchored items", "apiVersion: v1\nkind: ResourceList\nitems: &a\n" + item, "anchor"},
		{"tagged items", "apiVersion: v1\nkind: ResourceList\nitems: !!seq\n" + item, "flow style, anchored or tagged"},
		{"document marker", "---\n" + head + item, "---, ... or %"},
		{"second document", head + item + "---\n" + head, "---, ... or %"},
		{"document end", head + item + "...\n", "---, ... or %"},
		{"directive", "%YAML 1.2\n---\n" + head + item, "---, ... or %"},
		{"crlf", strings.ReplaceAll(head+item, "\n", "\r\n"), "carriage return"},
		{"byte-order mark", "\ufeff" + head + item, "byte-order mark"},
		{"nel", head + item + "  data:\n    a: x\u0085y\n", "NEL, LS or PS"},
		{"line separator", head + item + "  data:\n    a: x\u2028y\n", "NEL, LS or PS"},
		{"control character", head + item + "  data:\n    a: x\x07y\n", "control character"},
		{"invalid utf-8", head + item + "  data:\n    a: x\xffy\n", "invalid UTF-8"},
		{"tab indentation", head + item + "\tdata: {}\n", "tab"},
		{"alias", head + item + "  data:\n    a: *x\n", "alias"},
		{"anchor", head + "- &x\n  apiVersion: v1\n", "anchor"},
		{"explicit key", head + item + "  data:\n    ? a\n    : b\n", "explicit key"},
		{"items not at column 0", head + "  - apiVersion: v1\n", "column 0"},
		{"duplicate top-level key", head + item + "items:\n" + item, "twice"},
		{"quoted top-level key", `"apiVersion": v1` + "\nkind: ResourceList\nitems:\n" + item, "not a plain key"},
		{"list metadata", head + item + "metadata:\n  name: x\n", "metadata"},
		{"not a list", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n", "not a ResourceList"},
		{"v2 List", "apiVersion: v2\nkind: List\nitems:\n" + item, "not a ResourceList"},
		{"no final line break", head + strings.TrimSuffix(item, "\n"), "no line break"},
		{"list over several lines", "apiVersion:\n  config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + item, "not a string"},
		{"mixed spellings", head + item + "    annotations:\n      config.kubernetes.io/path: a\n" + "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    annotations:\n      internal.config.kubernetes.io/path: b\n", "differently"},
		{"spellings that differ", head + item + "    annotations:\n      config.kubernetes.io/path: a\n      internal.config.kubernetes.io/path: b\n", "differ"},
		{"an item that does not parse", head + "- a: b: c\n", "mapping values"},
		{"functionConfig not a map", head + item + "functionConfig: [1]\n", "not a map"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := resourcelist.Read(strings.NewReader(c.in))
			var fb *resourcelist.Fallback
			if !errors.As(err, &fb) {
				t.Fatalf("read it (err %v); want the full parse", err)
			}
			if !strings.Contains(fb.Reason, c.reason) {
				t.Errorf("reason %q, want one that says %q", fb.Reason, c.reason)
			}
			got, err := io.ReadAll(fb.Input)
			if err != nil || string(got) != c.in {
				t.Errorf("the replay is %q (%v), want the input %q", got, err, c.in)
			}
		})
	}
}

// TestReplayIsTheInput reads lists the fast path takes and checks that
// their items' bytes, in order, with the lines around them, are the input.
func TestReplayIsTheInput(t *testing.T) {
	var in bytes.Buffer
	if err := gen.ResourceList(&in, gen.Options{Items: 500, MirrorPercent: 30, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	inputs := []string{
		in.String(),
		"# a comment\n" + head + "# before the first\n" + item + "  # after it\n# before the next\n" + item + "functionConfig:\n  a: 1\n",
		"functionConfig:\n  a: 1\n" + head + item,
		head[:len(head)-len("items:\n")] + "items: []\n",
	}
	for _, s := range inputs {
		l, err := resourcelist.Read(strings.NewReader(s))
		if err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
		got, err := io.ReadAll(l.Replay())
		if err != nil || string(got) != s {
			t.Fatalf("the replay differs from the input (%v)", err)
		}
	}
}

// TestWriteAsItCame writes every item of lists in kyaml's form back: the
// output is the input, byte for byte.
func TestWriteAsItCame(t *testing.T) {
	for _, o := range []gen.Options{{Items: 300, MirrorPercent: 30, Seed: 1}, {Items: 1, Seed: 2}, {Items: 0, Seed: 3}} {
		var in, out bytes.Buffer
		if err := gen.ResourceList(&in, o); err != nil {
			t.Fatal(err)
		}
		l, err := resourcelist.Read(bytes.NewReader(in.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Items) != o.Items || l.FunctionConfig == nil {
			t.Fatalf("%d items, functionConfig %v; want %d and one", len(l.Items), l.FunctionConfig, o.Items)
		}
		w := l.NewWriter(&out)
		for _, it := range l.Items {
			if err := w.Item(it); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(nil); err != nil {
			t.Fatal(err)
		}
		if out.String() != in.String() {
			t.Fatalf("%d items: the output differs from the input", o.Items)
		}
	}
}

// TestItemFields checks what the reader reads of an item without a parse,
// and of one it parses.
func TestItemFields(t *testing.T) {
	in := head + `- apiVersion: operator.openshift.io/v1alpha1
  kind: "ImageContentSourcePolicy"
  metadata:
    name: 'a ''name'''
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: plain # a comment
  data:
    multi: "line
      two"
`
	l, err := resourcelist.Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]string{
		{"operator.openshift.io/v1alpha1", "ImageContentSourcePolicy", "a 'name'"},
		{"v1", "ConfigMap", "plain"},
	}
	for i, it := range l.Items {
		if got := [3]string{it.APIVersion, it.Kind, it.Name()}; got != want[i] {
			t.Errorf("item %d: %q, want %q", i, got, want[i])
		}
	}
}
