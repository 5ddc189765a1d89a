package resourcelist

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// leaves lists the scalars of a parsed item as Strings visits them, with
// the size the input limits see, and whether the tree is in the plain
// form (every scalar a string, no empty collection, no key twice in a
// map).
func leaves(n *yaml.Node) (out []string, size Size, plain bool) {
	plain = true
	var walk func(n *yaml.Node, path string, depth int)
	walk = func(n *yaml.Node, path string, depth int) {
		size.Nodes++
		switch n.Kind {
		case yaml.ScalarNode:
			size.MaxScalar = max(size.MaxScalar, len(n.Value))
			if n.Tag != "!!str" || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle|yaml.FlowStyle) != 0 {
				plain = false
			}
			out = append(out, path+"="+n.Value)
			return
		case yaml.MappingNode, yaml.SequenceNode:
			size.Height = max(size.Height, depth+1)
			if len(n.Content) == 0 || n.Style&yaml.FlowStyle != 0 {
				plain = false
			}
		default:
			plain = false
			return
		}
		for i, c := range n.Content {
			if n.Kind == yaml.SequenceNode {
				walk(c, fmt.Sprintf("%s[%d]", path, i), depth+1)
				continue
			}
			if i%2 == 0 {
				for j := 0; j < i; j += 2 {
					if n.Content[j].Value == c.Value {
						plain = false
					}
				}
				size.Nodes++ // the key
				size.MaxScalar = max(size.MaxScalar, len(c.Value))
				if c.Kind != yaml.ScalarNode || c.Tag != "!!str" {
					plain = false
				}
				continue
			}
			walk(c, path+"."+n.Content[i-1].Value, depth+1)
		}
	}
	walk(n, "", 0)
	return out, size, plain
}

func visited(it *Item) ([]string, Size, bool) {
	var out []string
	size, ok := it.Strings(func(path []Step, value []byte) bool {
		var b strings.Builder
		for _, s := range path {
			if s.Index >= 0 {
				fmt.Fprintf(&b, "[%d]", s.Index)
			} else {
				b.WriteString("." + string(s.Key))
			}
		}
		out = append(out, b.String()+"="+string(value))
		return true
	})
	return out, size, ok
}

// checkStrings holds Strings to the parser on every item of a list: where
// it reads an item, it sees the parser's scalars, in order, and the sizes
// the limits check.
func checkStrings(t *testing.T, in []byte) (read int) {
	t.Helper()
	l, err := Read(bytes.NewReader(in))
	if err != nil {
		return 0
	}
	for _, it := range l.Items {
		got, size, ok := visited(it)
		if !ok {
			continue
		}
		read++
		parsed, err := it.parse()
		if err != nil {
			t.Fatalf("item %d: Strings read it, the parser fails: %v\n%s", it.Index, err, it.raw)
		}
		want, wantSize, plain := leaves(parsed.YNode())
		if !plain {
			t.Fatalf("item %d: Strings read it, but the parser's tree is not in the plain form\n%s", it.Index, it.raw)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("item %d: Strings saw\n%s\nthe parser\n%s", it.Index, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if size != wantSize {
			t.Fatalf("item %d: Strings counted %+v, the tree has %+v", it.Index, size, wantSize)
		}
	}
	return read
}

func TestStringsMatchesParser(t *testing.T) {
	total := 0
	for name, in := range testInputs(t) {
		read := checkStrings(t, in)
		if strings.HasPrefix(name, "generated") && read < 100 {
			t.Errorf("%s: Strings read only %d items", name, read)
		}
		total += read
	}
	if total < 300 {
		t.Errorf("Strings read only %d items", total)
	}
}

func TestStringsRefuses(t *testing.T) {
	for _, item := range []string{
		"- a: 1\n",                // a number
		"- a: true\n",             // a boolean
		"- a: x\n  b: ''\n  c:\n", // a null after an empty string
		"- a:\n",                  // null
		"- a: ~\n",                // null
		"- a: [x]\n",              // flow
		"- a: |\n    x\n",         // block scalar
		"- a: \"x\\ty\"\n",        // escapes
		"- a:\n  - - x\n",         // a list in a list on one line
		"- a: x\n  b:\n  c: y\n",  // a null in the middle
		"- a:\n  -\n  - x\n",      // a null element
		"- a: !!str x\n",          // a tag
		"- a: x\n  true: y\n",     // a key that is not a string
		"- a: &x y\n",             // an anchor
		"- a: x\n- b: y\n",        // two items
	} {
		in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + item
		l, err := Read(strings.NewReader(in))
		if err != nil {
			continue // the fast path does not read it at all
		}
		if len(l.Items) != 1 {
			continue
		}
		if got, _, ok := visited(l.Items[0]); ok {
			t.Errorf("%q: Strings read %q; want it refused", item, got)
		}
	}
}

func FuzzStrings(f *testing.F) {
	for _, in := range testInputs(f) {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !strings.HasPrefix(string(in), "apiVersion") {
			in = append([]byte("apiVersion: v1\nkind: ResourceList\nitems:\n"), in...)
		}
		checkStrings(t, in)
	})
}
