package yamlprint_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/yamlprint"
)

// encode is what Append must match: kyaml's encoder, Encode and Close.
func encode(n *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	e := yaml.NewEncoder(&buf)
	if err := e.Encode(n); err != nil {
		return nil, err
	}
	if err := e.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

const prefix = "already there\n"

// check prints n both ways and fails t when Append prints it otherwise
// than the encoder, or changes dst when it does not print it. It reports
// whether Append printed n.
func check(t testing.TB, name string, n *yaml.Node) bool {
	t.Helper()
	got, ok := yamlprint.Append([]byte(prefix), n)
	if !strings.HasPrefix(string(got), prefix) {
		t.Fatalf("%s: Append changed what dst held: %q", name, got)
	}
	if !ok {
		if len(got) != len(prefix) {
			t.Fatalf("%s: Append did not print but appended %q", name, got[len(prefix):])
		}
		return false
	}
	want, err := encode(n)
	if err != nil {
		t.Fatalf("%s: Append printed what the encoder refuses (%v):\n%s", name, err, got[len(prefix):])
	}
	if !bytes.Equal(got[len(prefix):], want) {
		t.Fatalf("%s: Append printed\n%q\nthe encoder\n%q", name, got[len(prefix):], want)
	}
	return true
}

// checkAll checks n, and every mapping and sequence in it as the root, as
// the one item of a sequence (as resourcelist writes an item) and as a
// mapping's value. It returns how many of them Append printed.
func checkAll(t testing.TB, name string, n *yaml.Node) (printed int) {
	t.Helper()
	if check(t, name, n) {
		printed++
	}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if depth > 50 {
			return
		}
		if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
			for _, wrapped := range []*yaml.Node{
				n,
				{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}},
				{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "k"}, n}},
			} {
				if check(t, name, wrapped) {
					printed++
				}
			}
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return printed
}

// withoutComments is a copy of n with no comments, which Append prints.
func withoutComments(n *yaml.Node) *yaml.Node {
	c := *n
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = withoutComments(k)
	}
	return &c
}

// documents parses every document in data with yaml.v3's parser.
func documents(data []byte) ([]*yaml.Node, error) {
	d := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := d.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return docs, err
		}
		docs = append(docs, &n)
	}
}

// TestRepoFiles prints every YAML document under the repository's testdata
// folders and examples (inputs and golden outputs) both ways.
func TestRepoFiles(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	var files, docs, printed int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == "bin" || strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.Contains(rel, "testdata"+string(filepath.Separator)) && !strings.HasPrefix(rel, "examples"+string(filepath.Separator)) {
			return nil
		}
		if ext := filepath.Ext(rel); ext != ".yaml" && ext != ".yml" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		ns, _ := documents(data)
		files++
		for _, n := range ns {
			docs++
			printed += checkAll(t, rel, n)
			printed += checkAll(t, rel+" (without comments)", withoutComments(n))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files, %d documents, %d trees printed", files, docs, printed)
	if files < 50 || printed < docs {
		t.Errorf("%d files, %d documents, only %d trees printed", files, docs, printed)
	}
}

// scalarValues are values with every form that the emitter quotes or
// writes otherwise than plain.
var scalarValues = []string{
	"", "a", "plain words", "quay.io/org/repo", "registry.example.com:5000/a/b@sha256:0123",
	"true", "false", "True", "FALSE", "yes", "no", "on", "off", "y", "n", "Y", "N", "~", "null", "Null", "NULL",
	"0", "1", "-1", "+1", "012", "0o17", "0x1F", "0b101", "1_000", "1.5", "-.5", "1e3", "6.02e+23", ".inf", "-.Inf", ".nan", "190:20:30",
	"2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
	" leading", "trailing ", " both ", "a: b", "a:b", "a #b", "a#b", "key:", "-", "- a", "-a", "?", "? a", "?a", ":", ": a", ":a",
	",a", "[a]", "]", "{a}", "}", "#a", "&a", "*a", "!a", "|a", ">a", "'a", "\"a", "%a", "@a", "`a",
	"a,b", "a[b]", "a{b}", "a?b", "it's", "say \"hi\"", "back\\slash",
	"---", "--- a", "...", "....", "--",
	"tab\there", "\ttab", "bell\a", "nul\x00", "esc\x1b", "del\x7f", "nbsp\u00a0", "nel\u0085x", "ls\u2028x", "ps\u2029x",
	"\ufeffbom", "a\ufeff", "\ufffe", "é", "日本語", "emoji 😀", "\U0001F600",
	"line\nline", "line\n", "line\n\n", "\nline", "\n", "\n\n", "a\n b", "a \nb", "a\n\nb", "a\r\nb", "a\rb",
	"  indented\nline", "l1\n  l2\n", "trailing space \n", "x\n\n\n", "a\tb\nc",
	strings.Repeat("long ", 40), strings.Repeat("k", 129), strings.Repeat("k", 128),
}

var scalarStyles = []yaml.Style{0, yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle, yaml.LiteralStyle, yaml.FoldedStyle, yaml.TaggedStyle, yaml.FlowStyle}

var scalarTags = []string{"", "!!str", "tag:yaml.org,2002:str", "!!int", "!!bool", "!!null", "!!float", "!!timestamp", "!!binary", "!custom"}

// TestGeneratedTrees prints every scalar form in every style and tag, as a
// key, a value and an item, nested in mappings and sequences, both ways.
func TestGeneratedTrees(t *testing.T) {
	t.Parallel()
	s := func(v, tag string, st yaml.Style) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Value: v, Tag: tag, Style: st}
	}
	m := func(c ...*yaml.Node) *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Content: c} }
	q := func(c ...*yaml.Node) *yaml.Node { return &yaml.Node{Kind: yaml.SequenceNode, Content: c} }
	fm := func(c ...*yaml.Node) *yaml.Node {
		return &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: c}
	}
	fq := func(c ...*yaml.Node) *yaml.Node {
		return &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: c}
	}
	var trees, printed int
	for _, v := range scalarValues {
		for _, st := range scalarStyles {
			for _, tag := range scalarTags {
				x := s(v, tag, st)
				shapes := []*yaml.Node{
					m(s("key", "", 0), x),
					m(x, s("value", "", 0)),
					m(x, x, s("b", "!!str", 0), s("c", "", 0)),
					q(x),
					q(x, s("next", "", 0)),
					m(s("list", "", 0), q(x, m(x, x, s("in", "", 0), q(x)))),
					q(q(x), q(), m(), m(s("k", "", 0), m())),
					m(s("a", "", 0), m(s("b", "", 0), q(m(s("c", "", 0), q(q(x, m(x, x))))))),
					m(s("empty", "", 0), q(), s("map", "", 0), m(), x, m(s("deep", "", 0), x)),
					fq(x, s("next", "", 0)),
					fm(x, x, s("k", "", 0), x),
					m(s("flow", "", 0), fq(x, fm(s("k", "", 0), x), fq(), fm(), fq(x, fq(x)))),
					q(fm(x, fq(x)), fq(fm(x, x))),
				}
				for i, n := range shapes {
					trees++
					printed += checkAll(t, "generated", n)
					if st == 0 && (tag == "" || tag == "!!str") {
						// The same tree with comments everywhere the
						// parser can put them, in turn.
						printed += checkAll(t, "generated with comments", withComments(n, i))
					}
				}
			}
		}
	}
	t.Logf("%d trees, %d printed", trees, printed)
	if printed < trees {
		t.Errorf("%d trees, only %d printed", trees, printed)
	}
}

// withComments is a copy of n with head, line and foot comments (of one
// and two lines) on its nodes, which ones chosen by seed.
func withComments(n *yaml.Node, seed int) *yaml.Node {
	i := seed
	var copyOf func(n *yaml.Node) *yaml.Node
	copyOf = func(n *yaml.Node) *yaml.Node {
		c := *n
		i++
		switch i % 7 {
		case 0:
			c.HeadComment = "# head"
		case 1:
			c.LineComment = "# line"
		case 2:
			c.FootComment = "# foot"
		case 3:
			c.HeadComment, c.LineComment = "# head\n# second", "# line"
		case 4:
			c.LineComment, c.FootComment = "# line", "# foot\n\n# after a blank"
		case 5:
			c.HeadComment, c.FootComment = "no pound", "# foot"
		}
		c.Content = make([]*yaml.Node, len(n.Content))
		for j, k := range n.Content {
			c.Content[j] = copyOf(k)
		}
		return &c
	}
	return copyOf(n)
}

// TestAppend shows the encoder's decisions that Append follows.
func TestAppend(t *testing.T) {
	t.Parallel()
	s := func(v, tag string, st yaml.Style) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Value: v, Tag: tag, Style: st}
	}
	cases := []struct {
		name string
		n    *yaml.Node
		want string // "" when Append does not print n
	}{
		{"plain", s("a", "!!str", 0), "k: a\n"},
		{"string that looks like a bool", s("true", "!!str", 0), "k: \"true\"\n"},
		{"untagged bool", s("true", "", 0), "k: true\n"},
		{"int with its tag", s("012", "!!int", 0), "k: 012\n"},
		{"yes is a string to yaml.v3", s("yes", "!!str", 0), "k: yes\n"},
		{"empty string", s("", "!!str", 0), "k: \"\"\n"},
		{"leading space", s(" a", "", 0), "k: ' a'\n"},
		{"colon space", s("a: b", "", 0), "k: 'a: b'\n"},
		{"tab", s("a\tb", "", 0), "k: \"a\\tb\"\n"},
		{"newline", s("a\nb\n", "", 0), "k: |\n  a\n  b\n"},
		{"keep chomping", s("a\n\n", "", 0), "k: |+\n  a\n\n"},
		{"strip chomping, indent hint", s(" a\nb", "", yaml.FoldedStyle), "k: >2-\n   a\n  b\n"},
		{"kept tag", s("a", "!custom", 0), ""},
		{"anchor", &yaml.Node{Kind: yaml.ScalarNode, Value: "a", Anchor: "x"}, ""},
		{"line comment", &yaml.Node{Kind: yaml.ScalarNode, Value: "a", LineComment: "# c"}, "k: a # c\n"},
		{"head and foot comments", &yaml.Node{Kind: yaml.ScalarNode, Value: "a", HeadComment: "# h", FootComment: "# f"}, "k: a\n# f\n\n# h\n"}, // the value's head waits for the mapping's end, as in the emitter
		{"comment not UTF-8", &yaml.Node{Kind: yaml.ScalarNode, Value: "a", LineComment: "# \xff"}, ""},
		{"nil item", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{nil}}, ""},
		{"zero node", &yaml.Node{}, ""},
		{"flow", &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: []*yaml.Node{s("a", "", 0), s("b:c", "", 0), s("", "", 0)}}, "k: [a, 'b:c', '']\n"},
		{"comment in flow", &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "a", LineComment: "# c"}}}, ""},
		{"empty flow", &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}, "k: []\n"},
		{"compact sequence", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{s("a", "", 0)}}, "k:\n- a\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			n := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{s("k", "", 0), c.n}}
			got, ok := yamlprint.Append(nil, n)
			if ok != (c.want != "") || string(got) != c.want {
				t.Errorf("Append = %q, %v; want %q", got, ok, c.want)
			}
			check(t, c.name, n)
		})
	}
}

// FuzzAppend parses fuzzed YAML with yaml.v3's parser and prints every
// tree that Append prints both ways.
func FuzzAppend(f *testing.F) {
	for _, seed := range []string{
		"a: b\n",
		"k:\n- a\n- b: c\n  d: [e]\n",
		"- - a\n  - b\n- {}\n- []\n",
		"s: 'it''s'\nd: \"\\t\"\nl: |\n  x\n\n f: >-\n  y\n",
		"a: !!str 1\nb: !!int 2\nc: ~\n",
		"# head\na: b # line\n# foot\n",
		"a: &x 1\nb: *x\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, _ := documents(data)
		for _, n := range docs {
			checkAll(t, "fuzzed", n)
			checkAll(t, "fuzzed (without comments)", withoutComments(n))
		}
	})
}
