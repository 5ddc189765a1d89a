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
// Head, line and foot comments are written where the emitter writes them,
// which is not always next to their node: the emitter keeps an event's
// comments until one of its states writes them, and so does Append.
//
// Flow style is covered without comments in it. Anything else (anchors,
// aliases, comments in flow style, tags the encoder keeps, complex keys,
// invalid UTF-8, a scalar at the root) is not handled: Append says so and
// the caller uses the encoder.
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
	// yaml_emitter_emit_stream_start.
	p := printer{out: dst, indent: -1, ws: true, ind: true, footIndent: -1}
	if !p.document(n) || p.invalid {
		return dst[:len(dst):cap(dst)], false
	}
	return p.out, true
}

// document is encoder.marshalDoc: the events of an implicit document (a
// DocumentNode's, with its comments) around the root node.
func (p *printer) document(n *yaml.Node) bool {
	root := n
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) != 1 || n.Anchor != "" || n.Tag != "" {
			return false
		}
		root = n.Content[0]
		// yaml_emitter_emit_document_start: the head comment, then a line
		// break.
		p.analyze(n.HeadComment, "", "", "")
		if p.head != "" {
			p.processHead()
			p.putBreak()
		}
	}
	if root == nil || root.Kind != yaml.MappingNode && root.Kind != yaml.SequenceNode {
		return false
	}
	// yaml_emitter_emit_document_content.
	p.analyzeStart(root, "")
	p.processHead()
	if !p.start(root, atRoot) {
		return false
	}
	p.processLine(false)
	p.processFoot()
	if !p.body(root, atRoot) {
		return false
	}
	// yaml_emitter_emit_document_end: the root node has popped its indent
	// back to -1; the document's foot comment is set apart by a blank
	// line; an implicit document writes no "...".
	if n.Kind == yaml.DocumentNode {
		p.analyze("", "", n.FootComment, "")
	}
	p.footIndent = 0
	p.processFoot()
	p.footIndent = -1
	p.writeIndent()
	return true
}

// place is where a node is, as the emitter's context flags and the state it
// pushed before the node say.
type place int

const (
	atRoot      place = iota // root_context; DOCUMENT_END_STATE on the stack
	atItem                   // sequence_context; BLOCK_SEQUENCE_ITEM_STATE
	atKey                    // mapping_context, simple_key_context; BLOCK_MAPPING_SIMPLE_VALUE_STATE
	atValue                  // mapping_context; BLOCK_MAPPING_KEY_STATE
	atFlowItem               // in a flow sequence
	atFlowKey                // a flow mapping's key: simple_key_context
	atFlowValue              // a flow mapping's value
)

// printer is the part of yaml_emitter_t that block output uses.
type printer struct {
	out        []byte
	indent     int
	col        int  // column, in characters
	ws         bool // whitespace: the last thing written was blank
	ind        bool // indention: only indentation on the line so far
	footIndent int
	flowLevel  int

	// The comments of the events so far that are not written yet.
	head, line, foot, tail, keyLine string
	invalid                         bool // a comment is not UTF-8
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

// start is yaml_emitter_emit_node for n's first event (a scalar's only
// one): a scalar is written; a mapping or sequence writes nothing yet.
func (p *printer) start(n *yaml.Node, at place) bool {
	if n == nil || n.Anchor != "" {
		return false
	}
	forceQuoting, ok := dropTag(n)
	if !ok {
		return false
	}
	switch n.Kind {
	case yaml.MappingNode:
		return len(n.Content)%2 == 0
	case yaml.SequenceNode:
		return true
	case yaml.ScalarNode:
		return at != atRoot && p.scalar(n, at, forceQuoting)
	}
	return false
}

// body is the events after n's first: a mapping's or sequence's content
// and end.
func (p *printer) body(n *yaml.Node, at place) bool {
	switch {
	case n.Kind == yaml.ScalarNode:
		return true
	case len(n.Content) == 0:
		p.empty(n, at)
		return true
	case n.Style&yaml.FlowStyle != 0 || p.flowLevel > 0:
		return p.flow(n, at)
	case n.Kind == yaml.MappingNode:
		return p.mapping(n, at)
	}
	return p.sequence(n, at)
}

// analyze is the comment part of yaml_emitter_analyze_event: an event's
// comments replace those not yet written, where it has them.
func (p *printer) analyze(head, line, foot, tail string) {
	if !utf8.ValidString(head) || !utf8.ValidString(line) || !utf8.ValidString(foot) || !utf8.ValidString(tail) {
		// The emitter's write panics on such a comment.
		p.invalid = true
		return
	}
	if head != "" {
		p.head = head
	}
	if line != "" {
		p.line = line
	}
	if foot != "" {
		p.foot = foot
	}
	if tail != "" {
		p.tail = tail
	}
}

// analyzeStart analyzes n's first event as encoder.node makes it: a
// scalar's with all its comments (and the tail, the foot of the key before
// it), a mapping's or sequence's start with its head comment.
func (p *printer) analyzeStart(n *yaml.Node, tail string) {
	switch n.Kind {
	case yaml.ScalarNode:
		p.analyze(n.HeadComment, n.LineComment, n.FootComment, tail)
	case yaml.MappingNode:
		p.analyze(n.HeadComment, "", "", tail)
	default:
		p.analyze(n.HeadComment, "", "", "")
	}
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

// mapping is yaml_emitter_emit_block_mapping_key and _value, for each of
// the events of n's content and its end.
func (p *printer) mapping(n *yaml.Node, at place) bool {
	var saved int
	tail := ""
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		// The key's event: encoder.node gives its foot comment to the next
		// key (or the end) as a tail.
		if k == nil || v == nil || k.Kind != yaml.ScalarNode {
			return false
		}
		p.analyze(k.HeadComment, k.LineComment, "", tail)
		tail = k.FootComment
		if i == 0 {
			saved = p.increaseIndent(false, at == atItem, false)
		}
		p.processHead()
		p.writeIndent()
		if p.line != "" {
			p.keyLine, p.line = p.line, ""
		}
		// yaml_emitter_check_simple_key: a scalar, on one line, of at most
		// 128 bytes; other keys are written with "? ", not handled.
		if len(k.Value) > 128 || !p.start(k, atKey) {
			return false
		}
		// The value's first event.
		p.analyzeStart(v, "")
		p.writeIndicator(":", false, false, false)
		if p.keyLine != "" {
			if v.Kind == yaml.ScalarNode {
				if p.line == "" {
					p.line, p.keyLine = p.keyLine, ""
				}
			} else if v.Style&yaml.FlowStyle == 0 {
				// A block follows: the key's line comment goes now.
				p.line, p.keyLine = p.keyLine, p.line
				p.processLine(false)
				p.line, p.keyLine = p.keyLine, p.line
			}
		}
		if !p.start(v, atValue) {
			return false
		}
		p.processLine(false)
		p.processFoot()
		if !p.body(v, atValue) {
			return false
		}
	}
	// The end event.
	p.analyze("", n.LineComment, n.FootComment, tail)
	p.processHead()
	p.indent = saved
	return true
}

// sequence is yaml_emitter_emit_block_sequence_item, for each of the
// events of n's content and its end.
func (p *printer) sequence(n *yaml.Node, at place) bool {
	var saved int
	for i, item := range n.Content {
		if item == nil {
			return false
		}
		p.analyzeStart(item, "")
		if i == 0 {
			compact := at == atValue && (p.col == 0 || !p.ind)
			saved = p.increaseIndent(false, at == atItem, compact)
		}
		p.processHead()
		p.writeIndent()
		p.writeIndicator("-", true, false, true)
		if !p.start(item, atItem) {
			return false
		}
		p.processLine(false)
		p.processFoot()
		if !p.body(item, atItem) {
			return false
		}
	}
	p.analyze("", n.LineComment, n.FootComment, "")
	p.indent = saved
	return true
}

// flow is a non-empty mapping or sequence in flow style (or inside one):
// yaml_emitter_emit_flow_sequence_item or _flow_mapping_key and _value,
// without line folding (no best_width). Comments inside one, or waiting
// to be written when it starts, are not handled: the flow states write
// them with trailing commas.
func (p *printer) flow(n *yaml.Node, at place) bool {
	if p.head != "" || p.line != "" || p.foot != "" || p.tail != "" {
		return false
	}
	for _, c := range n.Content {
		if hasComments(c) {
			return false
		}
	}
	mapping := n.Kind == yaml.MappingNode
	if mapping {
		p.writeIndicator("{", true, true, false)
	} else {
		p.writeIndicator("[", true, true, false)
	}
	saved := p.increaseIndent(true, at == atItem, false)
	p.flowLevel++
	if mapping {
		for i := 0; i < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k == nil || v == nil || k.Kind != yaml.ScalarNode || len(k.Value) > 128 {
				return false
			}
			if i > 0 {
				p.writeIndicator(",", false, false, false)
			}
			if p.col == 0 {
				p.writeIndent()
			}
			if !p.start(k, atFlowKey) {
				return false
			}
			p.writeIndicator(":", false, false, false)
			if !p.start(v, atFlowValue) || !p.body(v, atFlowValue) {
				return false
			}
		}
	} else {
		for i, item := range n.Content {
			if i > 0 {
				p.writeIndicator(",", false, false, false)
			}
			if p.col == 0 {
				p.writeIndent()
			}
			if !p.start(item, atFlowItem) || !p.body(item, atFlowItem) {
				return false
			}
		}
	}
	// The end event, with the node's line and foot comments.
	p.analyze("", n.LineComment, n.FootComment, "")
	if mapping {
		if p.head != "" || p.foot != "" || p.tail != "" {
			p.writeIndicator(",", false, false, false)
		}
		p.processHead()
	}
	p.flowLevel--
	p.indent = saved
	if mapping {
		p.writeIndicator("}", false, false, false)
	} else {
		if p.col == 0 {
			p.writeIndent()
		}
		p.writeIndicator("]", false, false, false)
	}
	p.processLine(false)
	p.processFoot()
	return true
}

// hasComments reports whether n or a node in it has a comment.
func hasComments(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" {
		return true
	}
	for _, c := range n.Content {
		if hasComments(c) {
			return true
		}
	}
	return false
}

// empty is the end event of an empty mapping or sequence, which the
// emitter writes in flow style (yaml_emitter_check_empty_mapping and
// _sequence): yaml_emitter_emit_flow_mapping_key or _sequence_item with
// first set, which writes the opening indicator and, at once, the end.
func (p *printer) empty(n *yaml.Node, at place) {
	p.analyze("", n.LineComment, n.FootComment, "")
	if n.Kind == yaml.MappingNode {
		p.writeIndicator("{", true, true, false)
		saved := p.increaseIndent(true, at == atItem, false)
		p.processHead()
		p.indent = saved
		p.writeIndicator("}", false, false, false)
	} else {
		p.writeIndicator("[", true, true, false)
		saved := p.increaseIndent(true, at == atItem, false)
		p.indent = saved
		if p.col == 0 {
			p.writeIndent()
		}
		p.writeIndicator("]", false, false, false)
	}
	p.processLine(false)
	p.processFoot()
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
	simpleKey := at == atKey || at == atFlowKey
	if simpleKey && a.multiline {
		// Not a simple key (yaml_emitter_check_simple_key).
		return false
	}
	// yaml_emitter_select_scalar_style, in block context.
	if st == plainStyle {
		if p.flowLevel > 0 && !a.flowPlainAllowed || p.flowLevel == 0 && !a.blockPlainAllowed {
			st = singleStyle
		}
		if len(value) == 0 && (p.flowLevel > 0 || simpleKey) {
			st = singleStyle
		}
	}
	if st == singleStyle && !a.singleQuotedAllowed {
		st = doubleStyle
	}
	if (st == literalStyle || st == foldedStyle) && (!a.blockAllowed || p.flowLevel > 0 || simpleKey) {
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
