package resourcelist

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// sameTree reports where a and b differ in what a reader of fields sees.
func sameTree(a, b *yaml.Node, path string) error {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Style != b.Style || len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: kind %v tag %q value %q style %v, %d children; the parser: kind %v tag %q value %q style %v, %d children",
			path, a.Kind, a.Tag, a.Value, a.Style, len(a.Content), b.Kind, b.Tag, b.Value, b.Style, len(b.Content))
	}
	for i := range a.Content {
		if err := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); err != nil {
			return err
		}
	}
	return nil
}

// checkLineTree compares lineTree with yaml.v3 on every item of a list.
func checkLineTree(t *testing.T, in []byte) (built int) {
	t.Helper()
	l, err := Read(bytes.NewReader(in))
	if err != nil {
		return 0
	}
	for _, it := range l.Items {
		tree, ok := lineTree(it.raw)
		if !ok {
			continue
		}
		built++
		parsed, err := it.parse()
		if err != nil {
			t.Fatalf("item %d: the line tree was built, the parser fails: %v\n%s", it.Index, err, it.raw)
		}
		if err := sameTree(tree, parsed.YNode(), ""); err != nil {
			t.Fatalf("item %d: %v\n%s", it.Index, err, it.raw)
		}
		if bytes.IndexByte(it.raw, '#') < 0 {
			a, errA := yaml.String(tree)
			b, errB := yaml.String(parsed.YNode())
			if errA != nil || errB != nil || a != b {
				t.Fatalf("item %d: the line tree prints as\n%s(%v)\nthe parser's as\n%s(%v)", it.Index, a, errA, b, errB)
			}
		}
	}
	return built
}

func testInputs(t testing.TB) map[string][]byte {
	in := map[string][]byte{}
	paths, _ := filepath.Glob("../krm/testdata/golden/*/input.yaml")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		in[p] = b
	}
	for seed := uint64(1); seed <= 3; seed++ {
		var b bytes.Buffer
		if err := gen.ResourceList(&b, gen.Options{Items: 300, MirrorPercent: 40, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		in[fmt.Sprintf("generated-%d", seed)] = b.Bytes()
	}
	in["forms"] = []byte(lineTreeForms)
	in["head orders"] = []byte(headOrders)
	return in
}

// headOrders are items whose head fields come among others, with values
// the line tree does not read before, between and after them: Head reads
// the lines until it has every head field, and no further.
const headOrders = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  data:
    a: b
  kind: ConfigMap
  metadata:
    name: head-last
  other: |
    text
- apiVersion: v1
  kind: ConfigMap
  data:
    a: b
  metadata:
    name: metadata-after-data
  more: >
    folded
  again:
    c: d
- apiVersion: v1
  kind: ConfigMap
  note: |
    before the metadata
  metadata:
    name: block-before-metadata
- apiVersion: v1
  metadata:
    name: no-kind
  spec:
    x: [1, 2]
- kind: ConfigMap
  apiVersion: v1
  metadata:
    name: kind-first
    labels:
      a: b
  data: {x: y}
`

// lineTreeForms are one-line forms whose tags and styles the line tree
// must get right.
const lineTreeForms = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: 'quoted ''name'''
    "annotations":
      a: "1"
      b: 1
      c: true
      d: ~
      e: null
      f:
      g: 0x1F
      h: 1.5e3
      i: .inf
      j: 2001-12-14
      k: yes
      l: -1
      m: a#b
      n: http://x:80/y
      o: 'it''s'
      p: "say hi"
  data:
    list:
    - a
    - 'b'
    -
    - c: 1
      d:
      - e
    empty:
    nested:
      deeper:
        deepest: x
      back: y
    after: z
- apiVersion: operator.openshift.io/v1alpha1
  kind: ImageContentSourcePolicy
  metadata:
    name: x
  spec:
    repositoryDigestMirrors:
    - mirrors:
      - m.example.com/a
      source: quay.io/a
    -   source: quay.io/b
        mirrors:
          - m.example.com/b
`

func TestLineTreeMatchesParser(t *testing.T) {
	total := 0
	for name, in := range testInputs(t) {
		t.Run(name, func(t *testing.T) {
			built := checkLineTree(t, in)
			if name == "forms" && built != 2 {
				t.Errorf("the line tree was built for %d of the 2 items", built)
			}
			total += built
		})
	}
	if total < 100 {
		t.Errorf("the line tree was built for only %d items", total)
	}
}

// TestLineTreePrintsAsParsed: for an item without comments, which Node
// builds from its lines, kyaml's encoder prints the line tree as it prints
// the parser's tree.
func TestLineTreePrintsAsParsed(t *testing.T) {
	printed := 0
	for name, in := range testInputs(t) {
		l, err := Read(bytes.NewReader(in))
		if err != nil {
			continue
		}
		for _, it := range l.Items {
			if bytes.IndexByte(it.raw, '#') >= 0 {
				continue
			}
			tree, ok := lineTree(it.raw)
			if !ok {
				continue
			}
			parsed, err := it.parse()
			if err != nil {
				t.Fatalf("%s: item %d: %v", name, it.Index, err)
			}
			a, errA := yaml.String(tree)
			b, errB := yaml.String(parsed.YNode())
			if errA != nil || errB != nil || a != b {
				t.Fatalf("%s: item %d: the line tree prints as\n%s(%v)\nthe parser's as\n%s(%v)", name, it.Index, a, errA, b, errB)
			}
			printed++
		}
	}
	if printed < 50 {
		t.Errorf("only %d items compared", printed)
	}
}

func FuzzLineTree(f *testing.F) {
	for _, in := range testInputs(f) {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !strings.HasPrefix(string(in), "apiVersion") {
			in = append([]byte("apiVersion: v1\nkind: ResourceList\nitems:\n"), in...)
		}
		checkLineTree(t, in)
		if l, err := Read(bytes.NewReader(in)); err == nil {
			for _, it := range l.Items {
				checkHead(t, "fuzz", it)
			}
		}
	})
}

// checkHead checks that the item's Head is Node with only the head
// fields, or Node whole; left reports whether it left fields out.
func checkHead(t *testing.T, name string, it *Item) (left bool) {
	t.Helper()
	head, err := it.Head()
	if err != nil {
		t.Fatalf("%s: item %d: %v", name, it.Index, err)
	}
	whole, err := it.Node()
	if err != nil {
		t.Fatalf("%s: item %d: %v", name, it.Index, err)
	}
	w := whole.YNode()
	kept := &yaml.Node{Kind: w.Kind, Tag: w.Tag, Style: w.Style}
	for i := 0; i+1 < len(w.Content); i += 2 {
		if headField([]byte(w.Content[i].Value)) {
			kept.Content = append(kept.Content, w.Content[i], w.Content[i+1])
		}
	}
	if len(head.YNode().Content) == len(w.Content) {
		kept = w // Head is Node where the lines cannot make it
	}
	if err := sameTree(head.YNode(), kept, ""); err != nil {
		t.Fatalf("%s: item %d: %v\n%s", name, it.Index, err, it.raw)
	}
	a, errA := yaml.String(head.YNode())
	b, errB := yaml.String(kept)
	if errA != nil || errB != nil || a != b {
		t.Fatalf("%s: item %d: Head prints\n%s\nNode's head\n%s", name, it.Index, a, b)
	}
	return len(head.YNode().Content) < len(w.Content)
}

// headField reports whether key is one of Head's fields.
func headField(key []byte) bool {
	for _, f := range headFields {
		if string(key) == f {
			return true
		}
	}
	return false
}

// TestHeadIsNodeWithoutTheRest: Head's tree is Node's with only the
// apiVersion, kind and metadata fields, or Node's whole.
func TestHeadIsNodeWithoutTheRest(t *testing.T) {
	t.Parallel()
	heads := 0
	for name, in := range testInputs(t) {
		l, err := Read(bytes.NewReader(in))
		if err != nil {
			continue
		}
		for _, it := range l.Items {
			if checkHead(t, name, it) {
				heads++
			}
		}
	}
	if heads < 100 {
		t.Errorf("Head left fields out of only %d items", heads)
	}
}

// TestPlainLooksString: where plainLooksString says a plain scalar is a
// string, the parser's resolution (ShortTag) says so too, for scalars of
// every first byte, among them every word of yaml.v3's table in its three
// spellings and longer words that start like them; and it answers for the
// long words, which the list's values are.
func TestPlainLooksString(t *testing.T) {
	t.Parallel()
	var rests []string
	for _, w := range []string{"true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf"} {
		for _, spelled := range []string{w, strings.ToUpper(w[:1]) + w[1:], strings.ToUpper(w)} {
			rests = append(rests, spelled[1:], spelled[1:]+"x", spelled[1:]+"1")
		}
	}
	rests = append(rests, "", "x", "xxxx", "xxxxx", "-25/app.yaml", ".5", "e5", "x:y")
	checked, said := 0, 0
	for c := 0; c < 256; c++ {
		for _, rest := range rests {
			for _, v := range []string{string([]byte{byte(c)}) + rest, string([]byte{byte(c)}) + strings.ToUpper(rest)} {
				checked++
				if !plainLooksString(v) {
					continue
				}
				said++
				n := yaml.Node{Kind: yaml.ScalarNode, Value: v}
				if tag := n.ShortTag(); tag != "!!str" {
					t.Errorf("plainLooksString(%q) is true; the parser resolves it to %s", v, tag)
				}
			}
		}
	}
	for _, v := range []string{"trueish", "NeverContactSource", "team-25/app-25.yaml", "openshift", "name", "no", "on", "yes", "Off", "y", "tru", "nul"} {
		if !plainLooksString(v) {
			t.Errorf("plainLooksString(%q) is false", v)
		}
	}
	t.Logf("%d scalars, %d said to be strings", checked, said)
}
