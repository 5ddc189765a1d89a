package resourcelist

import (
	"bytes"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// lineTree builds the tree of an item from its lines, as yaml.v3 parses it
// as far as a reader of fields sees: kinds, tags, values and styles, not
// comments or positions. It builds only items whose every line is in the
// simple form the tokenizer reads exactly (block maps and lists, one-line
// plain and quoted scalars); for anything else (block scalars, flow
// collections, scalars over several lines, escapes, tags, "- - " lines) ok
// is false, and the caller parses the item. It is several times faster than
// the parser, which matters for the tens of thousands of mirror objects of
// a large list.
func lineTree(raw []byte) (root *yaml.Node, ok bool) { return lineTreeOf(raw, nil) }

// lineTreeOf is lineTree with only the item's top-level fields named in
// keep (all of them with a nil keep). The item's first key must be kept,
// and none of keep may come twice, which the reader makes sure of for the
// items it does not parse (itemKey): once every field of keep is read, no
// line after the next field left out can add to the tree, and the lines
// are read no further. The lines of a field left out before then are read,
// for the item's form, but make no nodes.
func lineTreeOf(raw []byte, keep []string) (root *yaml.Node, ok bool) {
	// One allocation for the nodes of most items: a line makes about two
	// (a key and its value; a few open a map or a list); more come one by
	// one. A tree of some fields (Item.Head) takes what a usual head
	// needs, not two nodes for every line: a mirror object's entries are
	// most of its lines, and the nodes left over were garbage made for
	// every object written anew.
	n := 2*bytes.Count(raw, []byte("\n")) + 8
	if keep != nil {
		n = min(n, headNodes)
	}
	b := treeBuilder{nodes: make([]yaml.Node, 0, n)}
	b.stack = []frame{{node: &yaml.Node{Kind: yaml.SequenceNode}, col: 0, seq: true}}
	take := b.line
	done := false // every field of keep is read
	if keep != nil {
		kept := func(key []byte) bool {
			for _, k := range keep {
				if string(key) == k {
					return true
				}
			}
			return false
		}
		keyCol, skipping, taken := -1, false, 0
		take = func(ln *line) bool {
			if keyCol < 0 { // the "- key: ..." line that opens the item
				if ln.dashes != 1 || ln.key == nil || !kept(ln.key) {
					return false
				}
				keyCol, taken = ln.col, 1
				return b.line(ln)
			}
			if skipping && (ln.indent > keyCol || ln.indent == keyCol && ln.dashes > 0) {
				return true // the value of a field left out
			}
			atKey := ln.indent == keyCol && ln.dashes == 0 && ln.key != nil
			if skipping = atKey && !kept(ln.key); skipping {
				// Stop reading: simpleLines then says false, which
				// done tells apart from a line it cannot read.
				done = taken == len(keep)
				return !done
			}
			if atKey {
				taken++
			}
			return b.line(ln)
		}
	}
	if !simpleLines(raw, take, &b.ln) && !done {
		return nil, false
	}
	b.closeTo(0)
	items := b.stack[0].node
	if len(b.stack) != 1 || len(items.Content) != 1 || items.Content[0].Kind != yaml.MappingNode {
		return nil, false
	}
	return items.Content[0], true
}

// headNodes is how many nodes lineTreeOf makes at once for a tree of
// some fields: apiVersion, kind, and metadata with a name, a namespace and
// eight annotations (kpt's path, index and id, in both spellings, and two
// more).
const headNodes = 32

// simpleLines calls take with each content line of raw, in the simple form
// the tokenizer reads exactly (block maps and lists, one-line plain and
// quoted scalars; comments and blank lines are skipped), and reports
// false at the first line in another form, or that take refuses.
//
// ln is where each line's tokens go, the caller's: take sees them through
// a pointer, not a copy, and a line of simpleLines' own would be on the
// heap, as take is a function value.
func simpleLines(raw []byte, take func(*line) bool, ln *line) bool {
	// One look for a tab in the whole item, rather than one in each line.
	t := tokenizer{noTabs: bytes.IndexByte(raw, '\t') < 0}
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\n')
		if i < 0 {
			return false
		}
		text := raw[:i]
		raw = raw[i+1:]
		t.next(text, ln)
		if t.complex || t.unsafe != "" || t.state == inBlockScalar || t.state == inQuoted || t.state == inFlow {
			return false
		}
		switch ln.kind {
		case blankLine, commentLine:
			continue
		case insideLine:
			return false
		}
		if !take(ln) {
			return false
		}
	}
	return true
}

// frame is an open block collection: a map whose keys are at col, or a
// list whose dashes are.
type frame struct {
	node *yaml.Node
	col  int
	seq  bool
	// pending: a map's last key, or a list's last "-", still waits for
	// its value, which more indented lines (or, for a key, a list at the
	// key's column) give.
	pending bool
}

type treeBuilder struct {
	stack []frame
	nodes []yaml.Node // where new nodes come from
	ln    line        // simpleLines' line
}

func (b *treeBuilder) node(n yaml.Node) *yaml.Node {
	if len(b.nodes) == cap(b.nodes) {
		return &n // never move the nodes handed out
	}
	b.nodes = append(b.nodes, n)
	return &b.nodes[len(b.nodes)-1]
}

func (b *treeBuilder) top() *frame { return &b.stack[len(b.stack)-1] }

// closeTo closes the collections more indented than col; a key or "-"
// left waiting gets null.
func (b *treeBuilder) closeTo(col int) {
	for len(b.stack) > 1 && b.top().col > col {
		b.pop()
	}
	if f := b.top(); f.pending && f.col > col {
		f.pending = false
		f.node.Content = append(f.node.Content, b.null())
	}
}

func (b *treeBuilder) pop() {
	if f := b.top(); f.pending {
		f.node.Content = append(f.node.Content, b.null())
	}
	b.stack = b.stack[:len(b.stack)-1]
}

func (b *treeBuilder) null() *yaml.Node {
	return b.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"})
}

// open puts a new collection where the top one waits for a value.
func (b *treeBuilder) open(n *yaml.Node, col int, seq bool) {
	f := b.top()
	f.node.Content = append(f.node.Content, n)
	f.pending = false
	b.stack = append(b.stack, frame{node: n, col: col, seq: seq})
}

func (b *treeBuilder) line(ln *line) bool {
	if ln.dashes > 1 || ln.escaped {
		return false
	}
	if ln.dashes == 0 {
		if ln.key == nil {
			return false // a value on its own line
		}
		return b.key(ln, ln.indent)
	}
	// "- ..." at ln.indent.
	col := ln.indent
	for len(b.stack) > 1 && b.top().col > col {
		b.pop()
	}
	f := b.top()
	switch {
	case f.seq && f.col == col:
		if f.pending { // the "-" above had no value
			f.node.Content = append(f.node.Content, b.null())
			f.pending = false
		}
	case !f.seq && f.pending && f.col <= col,
		f.seq && f.pending && f.col < col:
		// A list as the value of a key (at the key's column or
		// deeper), or of a "-" above.
		b.open(b.node(yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}), col, true)
	default:
		return false
	}
	f = b.top()
	switch {
	case ln.key != nil:
		f.pending = true // the map below is its value
		b.open(b.node(yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}), ln.col, false)
		return b.key(ln, ln.col)
	case ln.hasValue:
		f.node.Content = append(f.node.Content, b.scalar(ln.value, ln.valueIs, ln.quote))
	default:
		f.pending = true
	}
	return true
}

// key adds a key at col, and its value when the line has one.
func (b *treeBuilder) key(ln *line, col int) bool {
	for len(b.stack) > 1 && b.top().col > col {
		b.pop()
	}
	f := b.top()
	if f.seq && f.col == col && len(b.stack) > 1 {
		// The end of a list at its key's column.
		b.pop()
		f = b.top()
	}
	switch {
	case !f.seq && f.col == col:
		if f.pending {
			f.node.Content = append(f.node.Content, b.null())
			f.pending = false
		}
	case f.pending && f.col < col:
		b.open(b.node(yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}), col, false)
		f = b.top()
	default:
		return false
	}
	keyStyle := plainValue
	var q byte
	if ln.quotedKey {
		keyStyle, q = quotedValue, ln.keyQuote
	}
	f.node.Content = append(f.node.Content, b.scalar(ln.key, keyStyle, q))
	if ln.hasValue {
		f.node.Content = append(f.node.Content, b.scalar(ln.value, ln.valueIs, ln.quote))
	} else {
		f.pending = true
	}
	return true
}

// scalar is the node yaml.v3 makes of a one-line scalar: a plain one
// gets the tag its text resolves to, a quoted one is a string.
func (b *treeBuilder) scalar(v []byte, kind valueKind, quote byte) *yaml.Node {
	n := b.node(yaml.Node{Kind: yaml.ScalarNode, Value: b.text(v)})
	switch {
	case kind != quotedValue:
		n.Tag = plainTag(n)
	case quote == '"':
		n.Tag, n.Style = "!!str", yaml.DoubleQuotedStyle
	default:
		n.Tag, n.Style = "!!str", yaml.SingleQuotedStyle
	}
	return n
}

// text returns v as a string; the keys of mirror objects, and other short
// words, come from a table rather than an allocation each.
func (b *treeBuilder) text(v []byte) string {
	if s, ok := words[string(v)]; ok {
		return s
	}
	return string(v)
}

var words = func() map[string]string {
	m := map[string]string{}
	for _, w := range []string{"apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "spec",
		"repositoryDigestMirrors", "imageDigestMirrors", "imageTagMirrors", "source", "mirrors", "mirrorSourcePolicy",
		"NeverContactSource", "AllowContactingSource", "ImageContentSourcePolicy", "ImageDigestMirrorSet", "ImageTagMirrorSet",
		"operator.openshift.io/v1alpha1", "config.openshift.io/v1", "v1", "ConfigMap", "Image", "List",
		"config.kubernetes.io/path", "config.kubernetes.io/index", "internal.config.kubernetes.io/path",
		"internal.config.kubernetes.io/index", "config.k8s.io/id", "internal.config.kubernetes.io/id",
		"config.kubernetes.io/local-config", "true", "false", "0", "1", "2", "3"} {
		m[w] = w
	}
	return m
}()

// plainTag is yaml.v3's resolution of an untagged plain scalar (which
// ShortTag gives), without its cost for the common case (see
// plainLooksString).
func plainTag(n *yaml.Node) string {
	if plainLooksString(n.Value) {
		return "!!str"
	}
	return n.ShortTag()
}

// plainLooksString reports whether a plain scalar resolves to a string by
// a look at it alone. It follows go.yaml.in/yaml/v3's resolve: text that
// starts with a letter is a string unless it is a word of its table
// (resolveMap), whose words that start with a letter are true, false and
// null, three spellings each. false means: ask ShortTag.
func plainLooksString[T string | []byte](v T) bool {
	if len(v) == 0 {
		return false
	}
	if c := v[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return false
	}
	if len(v) > len("false") {
		return true
	}
	switch string(v) {
	case "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL":
		return false
	}
	return true
}
