// Package yamlprint prints a YAML node tree in exactly the bytes that
// kyaml's yaml.NewEncoder (go.yaml.in/yaml/v3 with indent 2 and compact
// sequence indent) writes for it with Encode and Close, without the
// encoder's events, per-node copies and buffers.
//
// It covers what mirrorset writes and what yaml.v3's parser gives for
// block YAML: block mappings and sequences, empty ones as {} and [],
// scalars of every style (plain, single- and double-quoted, literal and
// folded with their indentation and chomping indicators) with the
// encoder's own choice of quoting, and tags the encoder drops. It follows
// go.yaml.in/yaml/v3's encode.go (encoder.node) and emitterc.go (the block
// states, yaml_emitter_analyze_scalar, yaml_emitter_select_scalar_style and
// the yaml_emitter_write_* functions), keeping the emitter's column,
// whitespace and indention flags as it does.
//
// Anything else (comments, anchors, aliases, flow style, tags the encoder
// keeps, complex keys, invalid UTF-8, a scalar at the root) is not handled:
// Append says so and the caller uses the encoder.
package yamlprint

import (
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// bestIndent is kyaml's yaml.DefaultIndent, which yaml.NewEncoder sets.
const bestIndent = 2

// Append appends to dst what kyaml's yaml.NewEncoder, Encode(n) and Close
// write for n, and reports whether it could. When it cannot, it returns dst
// as it was given (its length unchanged) and false: the caller encodes n
// with the encoder.
func Append(dst []byte, n *yaml.Node) ([]byte, bool) {
	if n == nil {
		return dst, false
	}
	if n.Kind == yaml.DocumentNode {
		// encoder.node of a DocumentNode: an implicit document around its
		// content, with the document's comments, which are not handled.
		if len(n.Content) != 1 || n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" || n.Anchor != "" {
			return dst, false
		}
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
		return dst, false
	}
	// yaml_emitter_emit_stream_start.
	p := printer{out: dst, indent: -1, ws: true, ind: true}
	if !p.node(n, atRoot) {
		return dst[:len(dst):cap(dst)], false
	}
	// yaml_emitter_emit_document_end: the root node has popped its indent
	// back to -1, and an implicit document writes no "...".
	p.indent = -1
	p.writeIndent()
	return p.out, true
}

// Printable reports whether Append prints n (and so would return true).
func Printable(n *yaml.Node) bool {
	var buf [0]byte
	_, ok := Append(buf[:], n)
	return ok
}

// place is where a node is, as the emitter's context flags and the state it
// pushed before the node say.
type place int

const (
	atRoot  place = iota // root_context; DOCUMENT_END_STATE on the stack
	atItem               // sequence_context; BLOCK_SEQUENCE_ITEM_STATE
	atKey                // mapping_context, simple_key_context; BLOCK_MAPPING_SIMPLE_VALUE_STATE
	atValue              // mapping_context; BLOCK_MAPPING_KEY_STATE
)

// printer is the part of yaml_emitter_t that block output uses.
type printer struct {
	out    []byte
	indent int
	col    int  // column, in characters
	ws     bool // whitespace: the last thing written was blank
	ind    bool // indention: only indentation on the line so far
}

// The emitter's scalar styles.
type style int

const (
	plainStyle style = iota
	singleStyle
	doubleStyle
	literalStyle
	foldedStyle
)

func (p *printer) node(n *yaml.Node, at place) bool {
	if n.Anchor != "" || n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" {
		return false
	}
	forceQuoting, ok := dropTag(n)
	if !ok {
		return false
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			return p.empty('{', '}', n)
		}
		if n.Style&yaml.FlowStyle != 0 || len(n.Content)%2 != 0 {
			return false
		}
		return p.mapping(n, at)
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return p.empty('[', ']', n)
		}
		if n.Style&yaml.FlowStyle != 0 {
			return false
		}
		return p.sequence(n, at)
	case yaml.ScalarNode:
		if at == atRoot {
			return false
		}
		return p.scalar(n, at, forceQuoting)
	}
	return false
}

// dropTag follows encoder.node: a tag that the value resolves to without
// it (or !!str on a quoted or block scalar) is not written; !!str on a
// plain scalar that would resolve to another tag is dropped and the scalar
// double-quoted (forceQuoting). Any other tag is written, which Append does
// not handle.
func dropTag(n *yaml.Node) (forceQuoting, ok bool) {
	tag := n.Tag
	if tag == "" {
		return false, true
	}
	if n.Style&yaml.TaggedStyle != 0 {
		return false, false
	}
	switch n.Kind {
	case yaml.MappingNode:
		return false, isTag(tag, "map")
	case yaml.SequenceNode:
		return false, isTag(tag, "seq")
	case yaml.ScalarNode:
		str := isTag(tag, "str")
		if str && n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return false, true
		}
		rtag := resolve(n.Value)
		if len(rtag) > 2 && rtag[:2] == "!!" && isTag(tag, rtag[2:]) {
			return false, true
		}
		if str {
			return true, true
		}
	}
	return false, false
}

// resolve is yaml.v3's resolve("", value), which encoder.node calls: a
// value whose first byte gives resolve no hint (its resolveTable) is a
// string; for the others, Node.ShortTag of an untagged plain scalar calls
// resolve itself.
func resolve(value string) string {
	if len(value) > 0 && !resolveHint[value[0]] {
		return "!!str"
	}
	if len(value) > 0 && mapHint[value[0]] {
		// Hint 'M': resolveMap has the value or it is a string.
		switch value {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return "!!bool"
		case "~", "null", "Null", "NULL":
			return "!!null"
		}
		return "!!str"
	}
	r := yaml.Node{Kind: yaml.ScalarNode, Value: value}
	return r.ShortTag()
}

// resolveHint is where resolve.go's resolveTable is not zero.
var resolveHint = [256]bool{'+': true, '-': true, '.': true, '~': true,
	'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true,
	'y': true, 'Y': true, 'n': true, 'N': true, 't': true, 'T': true, 'f': true, 'F': true, 'o': true, 'O': true}

// mapHint is where resolveTable is 'M'.
var mapHint = [256]bool{'~': true, 'y': true, 'Y': true, 'n': true, 'N': true, 't': true, 'T': true, 'f': true, 'F': true, 'o': true, 'O': true}

const longTagPrefix = "tag:yaml.org,2002:"

// isTag reports whether tag is !!name in its short or long form, as
// shortTag(tag) == "!!"+name.
func isTag(tag, name string) bool {
	switch {
	case len(tag) == 2+len(name) && tag[:2] == "!!":
		return tag[2:] == name
	case len(tag) == len(longTagPrefix)+len(name) && tag[:len(longTagPrefix)] == longTagPrefix:
		return tag[len(longTagPrefix):] == name
	}
	return false
}

// increaseIndent is yaml_emitter_increase_indent_compact with indentless
// false, best_indent 2; inItem is the BLOCK_SEQUENCE_ITEM_STATE check.
// It returns the indent to restore.
func (p *printer) increaseIndent(flow, inItem, compactSeq bool) int {
	saved := p.indent
	switch {
	case p.indent < 0:
		if flow {
			p.indent = bestIndent
		} else {
			p.indent = 0
		}
	case inItem:
		p.indent += 2
	default:
		p.indent = bestIndent * ((p.indent + bestIndent) / bestIndent)
		if compactSeq {
			p.indent -= 2
		}
	}
	return saved
}

// mapping is yaml_emitter_emit_block_mapping_key and _value.
func (p *printer) mapping(n *yaml.Node, at place) bool {
	saved := p.increaseIndent(false, at == atItem, false)
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p.writeIndent()
		// yaml_emitter_check_simple_key: a scalar, on one line, of at most
		// 128 bytes; other keys are written with "? ", not handled.
		if k.Kind != yaml.ScalarNode || len(k.Value) > 128 {
			return false
		}
		if !p.node(k, atKey) {
			return false
		}
		p.writeIndicator(":", false, false, false)
		if !p.node(v, atValue) {
			return false
		}
	}
	p.indent = saved
	return true
}

// sequence is yaml_emitter_emit_block_sequence_item.
func (p *printer) sequence(n *yaml.Node, at place) bool {
	compact := at == atValue && (p.col == 0 || !p.ind)
	saved := p.increaseIndent(false, at == atItem, compact)
	for _, item := range n.Content {
		p.writeIndent()
		p.writeIndicator("-", true, false, true)
		if !p.node(item, atItem) {
			return false
		}
	}
	p.indent = saved
	return true
}

// empty is an empty mapping or sequence, which the emitter writes in flow
// style (yaml_emitter_check_empty_mapping/_sequence): the flow item state's
// opening indicator and, at once, its end.
func (p *printer) empty(open, close byte, n *yaml.Node) bool {
	p.writeIndicator(string(open), true, true, false)
	// The flow state's indent goes up and back; the column is past the
	// opening indicator, so no indent is written before the closing one.
	p.writeIndicator(string(close), false, false, false)
	return true
}

// scalar is yaml_emitter_emit_scalar.
func (p *printer) scalar(n *yaml.Node, at place, forceQuoting bool) bool {
	value := n.Value
	if !utf8.ValidString(value) {
		// encoder.node writes it as !!binary.
		return false
	}
	// encoder.node's style.
	st := plainStyle
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		st = doubleStyle
	case n.Style&yaml.SingleQuotedStyle != 0:
		st = singleStyle
	case n.Style&yaml.LiteralStyle != 0:
		st = literalStyle
	case n.Style&yaml.FoldedStyle != 0:
		st = foldedStyle
	case containsNewline(value):
		st = literalStyle
	case forceQuoting:
		st = doubleStyle
	}
	a := analyze(value)
	simpleKey := at == atKey
	if simpleKey && a.multiline {
		// Not a simple key (yaml_emitter_check_simple_key).
		return false
	}
	// yaml_emitter_select_scalar_style, in block context.
	if st == plainStyle {
		if !a.blockPlainAllowed {
			st = singleStyle
		}
		if len(value) == 0 && simpleKey {
			st = singleStyle
		}
	}
	if st == singleStyle && !a.singleQuotedAllowed {
		st = doubleStyle
	}
	if (st == literalStyle || st == foldedStyle) && (!a.blockAllowed || simpleKey) {
		st = doubleStyle
	}
	saved := p.increaseIndent(true, at == atItem, false)
	switch st {
	case plainStyle:
		p.writePlain(value)
	case singleStyle:
		p.writeSingleQuoted(value)
	case doubleStyle:
		p.writeDoubleQuoted(value)
	case literalStyle:
		p.writeLiteral(value)
	case foldedStyle:
		p.writeFolded(value)
	}
	p.indent = saved
	return true
}

func containsNewline(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return true
		}
	}
	return false
}
