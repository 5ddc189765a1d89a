package resourcelist

import "bytes"

// itemReader reads the lines of one item as they come: the item's
// apiVersion and kind, and the annotations under metadata that kyaml reads
// and writes. Anything it does not read line by line sets complex.
type itemReader struct {
	buf     []byte
	item    *Item
	complex bool

	col     int // column of the item's keys; -1 until known
	sec     metaSection
	metaCol int // column of metadata's keys; -1 until known
	annCol  int // column of the annotations; -1 until known
	seen    seenKeys
	at      int // offset in buf of the line being read
	intern  map[string]string
	// indents are the columns of the block collections open after the
	// last line, as the YAML scanner keeps them.
	indents []int
	// annoEnd is the offset in buf after the annotations' last line;
	// commentAfter is true when comment lines followed it.
	annoEnd      int
	commentAfter bool
	// nest follows the block structure below the item's keys, so that a
	// line indented between two open levels, which YAML refuses, makes the
	// item complex (parsed, and refused) rather than pass through as bytes.
	nest nesting
}

// nesting is the stack of the open block collections of an item (their
// columns, and whether each is a list), and whether the last content line
// opened a new one (a key or a "-" with nothing after it), whose lines
// must then be indented past open.
type nesting struct {
	levels []level
	opens  bool
	open   int
}

type level struct {
	col int
	seq bool
}

// start begins with the item's first line, whose keys are at col.
func (n *nesting) start(col int, ln *line) {
	n.levels = append(n.levels[:0], level{col: col})
	n.after(ln, col)
}

// fits reports whether a content line stands where YAML allows it: a key
// at a map's column, a "-" at a list's (or at the column of the key just
// before it, the list being that key's value), or anything past the line
// that opened a new collection. It records the collections the line opens.
func (n *nesting) fits(ln *line) bool {
	if ln.dashes > 1 {
		return false // "- - ": nested lists on one line, left to the parser
	}
	for len(n.levels) > 1 && n.levels[len(n.levels)-1].col > ln.indent {
		n.levels = n.levels[:len(n.levels)-1]
	}
	dash := ln.dashes > 0
	top := n.levels[len(n.levels)-1]
	switch {
	case ln.indent > top.col:
		if !n.opens || ln.indent <= n.open {
			return false
		}
		if dash || ln.key != nil {
			n.levels = append(n.levels, level{col: ln.indent, seq: dash})
		}
	case ln.indent < top.col:
		return false
	case top.seq && !dash:
		// The list that was a key's value ends; the map goes on.
		n.levels = n.levels[:len(n.levels)-1]
		if len(n.levels) == 0 || n.levels[len(n.levels)-1].col != ln.indent || ln.key == nil {
			return false
		}
	case top.seq:
	case dash:
		if !n.opens || n.open != ln.indent {
			return false
		}
		n.levels = append(n.levels, level{col: ln.indent, seq: true})
	case ln.key == nil:
		return false
	}
	keyCol := ln.indent
	if dash && ln.col >= 0 {
		keyCol = ln.col
		if ln.key != nil {
			n.levels = append(n.levels, level{col: ln.col}) // the map inside the list entry
		}
	}
	n.after(ln, keyCol)
	return true
}

// after records whether the line opened a block for the lines after it.
func (n *nesting) after(ln *line, keyCol int) {
	switch {
	case ln.key != nil && !ln.hasValue:
		n.opens, n.open = true, keyCol
	case ln.dashes > 0 && ln.col < 0:
		n.opens, n.open = true, ln.indent
	default:
		n.opens = false
	}
}

type metaSection uint8

// seenKeys are the keys met once already, of those the reader reads.
type seenKeys uint8

const (
	seenAPIVersion seenKeys = 1 << iota
	seenKind
	seenMetadata
	seenName
	seenAnnotations
)

// once records key and reports whether it was new.
func (s *seenKeys) once(key seenKeys) bool {
	if *s&key != 0 {
		return false
	}
	*s |= key
	return true
}

const (
	atItem metaSection = iota
	inMetadata
	inAnnotations
)

// first takes the item's first line, "- " at column 0.
func (ir *itemReader) first(b []byte, ln *line) {
	ir.indents = append(ir.indents[:0], 0) // the list's own map
	ir.indent(ln)
	ir.at = len(ir.buf)
	ir.buf = append(ir.buf, b...)
	ir.metaCol, ir.annCol = -1, -1
	ir.item.start = BeforeBareItem
	switch {
	case ln.dashes != 1:
		ir.complex = true
	case ln.key != nil:
		ir.col = ln.col
		ir.item.start = BeforeItem
		ir.nest.start(ln.col, ln)
		ir.itemKey(ln)
	case ln.hasValue || ln.col >= 0:
		ir.complex = true // not a map, or a map in flow style
	}
}

// indent follows the scanner's stack of block indentations: a line closes
// the blocks indented more than it starts, each "- " deeper than the top
// opens a list, and a key deeper than the top opens a map.
func (ir *itemReader) indent(ln *line) {
	top := func() int { return ir.indents[len(ir.indents)-1] }
	for len(ir.indents) > 1 && top() > ln.indent {
		ir.indents = ir.indents[:len(ir.indents)-1]
	}
	col := ln.indent
	for range ln.dashes {
		if col > top() {
			ir.indents = append(ir.indents, col)
		}
		col += 2 // "- " and the spaces after it are not known here; the key's column is
	}
	if ln.key != nil && ln.col > top() {
		ir.indents = append(ir.indents, ln.col)
	}
}

// open reports whether col is the column of a block open at the last line.
func (ir *itemReader) open(col int) bool {
	for _, c := range ir.indents {
		if c == col {
			return true
		}
	}
	return false
}

// take adds blank and comment lines that belong to the item.
func (ir *itemReader) take(pending []byte, lines []pendingLine) {
	ir.buf = append(ir.buf, pending...)
	if ir.sec == inAnnotations {
		for _, p := range lines {
			if p.comment {
				ir.commentAfter = true
			}
		}
	}
}

// line takes one more line of the item.
func (ir *itemReader) line(b []byte, ln *line) {
	ir.at = len(ir.buf)
	ir.buf = append(ir.buf, b...)
	if ln.kind == contentLine {
		ir.indent(ln)
	}
	if ln.kind == insideLine {
		if ir.sec == inAnnotations {
			ir.annoEnd, ir.commentAfter = len(ir.buf), false
		}
		return
	}
	if ir.col < 0 {
		// The item started with "-" alone, or "- # comment".
		if ln.dashes != 0 || ln.key == nil {
			ir.complex = true
			return
		}
		ir.col = ln.indent
		ir.nest.start(ln.indent, ln)
		ir.itemKey(ln)
		return
	}
	if !ir.nest.fits(ln) {
		ir.complex = true
	}
	switch {
	case ln.indent < ir.col:
		ir.complex = true
	case ln.indent == ir.col:
		if ir.sec == inMetadata && ir.metaCol < 0 || ln.dashes == 0 && ln.key == nil {
			ir.complex = true // metadata as a list, or a value without a key
		}
		ir.leave(atItem)
		if ln.dashes == 0 && ln.key != nil {
			ir.itemKey(ln)
		}
	case ir.sec == atItem:
		// Inside the value of another field.
	case ir.metaCol < 0:
		if ln.dashes != 0 || ln.key == nil {
			ir.complex = true
			return
		}
		ir.metaCol = ln.indent
		ir.metaKey(ln)
	case ln.indent < ir.metaCol:
		ir.complex = true
	case ln.indent == ir.metaCol:
		if ir.sec == inAnnotations && ir.annCol < 0 || ln.dashes == 0 && ln.key == nil {
			ir.complex = true
		}
		ir.leave(inMetadata)
		if ln.dashes == 0 && ln.key != nil {
			ir.metaKey(ln)
		}
	case ir.sec == inMetadata:
		// Inside the value of another metadata field.
	case ir.annCol < 0:
		if ln.dashes != 0 || ln.key == nil {
			ir.complex = true
			return
		}
		ir.annCol = ln.indent
		ir.item.annoIndent = int16(min(ln.indent, maxSpan/2))
		ir.annotation(ln)
	case ln.indent == ir.annCol && ln.dashes == 0 && ln.key != nil:
		ir.annotation(ln)
	default:
		// An annotation whose value is not a string.
		ir.complex = true
	}
}

// leave closes the metadata or annotations when a line at a lower level
// comes.
func (ir *itemReader) leave(to metaSection) {
	if ir.sec == inAnnotations && to != inAnnotations {
		ir.endAnnotations()
	}
	if ir.sec > to {
		ir.sec = to
	}
}

func (ir *itemReader) endAnnotations() {
	if ir.annCol < 0 {
		ir.complex = true // null annotations, which kyaml drops
	}
	if ir.annoEnd > maxSpan {
		ir.complex = true
	}
	ir.item.annoEnd = uint16(min(ir.annoEnd, maxSpan))
	if ir.commentAfter {
		// A new annotation would go after comments whose owner the
		// parser decides.
		ir.item.annoIndent = -1
	}
}

func (ir *itemReader) itemKey(ln *line) {
	switch string(ln.key) {
	case "apiVersion":
		if !ir.seen.once(seenAPIVersion) {
			ir.complex = true
		}
		ir.item.APIVersion = ir.stringValue(ln)
	case "kind":
		if !ir.seen.once(seenKind) {
			ir.complex = true
		}
		ir.item.Kind = ir.stringValue(ln)
	case "metadata":
		if !ir.seen.once(seenMetadata) || ln.hasValue {
			ir.complex = true // twice, in flow style, or empty
		}
		ir.sec, ir.metaCol, ir.annCol = inMetadata, -1, -1
	}
}

// stringValue returns a one-line string value, the same string for the same
// text (the kinds and versions of 100,000 items are a few strings).
func (ir *itemReader) stringValue(ln *line) string {
	if (ln.valueIs != plainValue && ln.valueIs != quotedValue) || ln.escaped {
		ir.complex = true
		return ""
	}
	if v, ok := ir.intern[string(ln.value)]; ok {
		return v
	}
	v := string(ln.value)
	if len(ir.intern) < 1000 {
		ir.intern[v] = v
	}
	return v
}

// offsets returns where a line's value is in buf, or marks the item
// complex when the value is not there as it reads.
func (ir *itemReader) offsets(ln *line) span {
	start := ir.at + ln.valueAt
	if ln.valueAt < 0 || ln.escaped || ln.valueIs != plainValue && ln.valueIs != quotedValue || start+len(ln.value) > maxSpan {
		ir.complex = true
		return span{}
	}
	return span{uint16(start), uint16(start + len(ln.value))}
}

func (ir *itemReader) metaKey(ln *line) {
	switch string(ln.key) {
	case "name":
		if !ir.seen.once(seenName) {
			ir.complex = true
		}
		ir.item.nameAt = ir.offsets(ln)
	case "annotations":
		if !ir.seen.once(seenAnnotations) || ln.hasValue {
			ir.complex = true
		}
		ir.sec, ir.annCol = inAnnotations, -1
	}
}

func (ir *itemReader) annotation(ln *line) {
	ir.annoEnd, ir.commentAfter = len(ir.buf), false
	k := annotationIndex(ln.key)
	if k < 0 {
		return
	}
	if k == migrationKey || ir.item.annoAt[k].from > 0 || len(ln.value) == 0 ||
		ln.valueIs == plainValue && isNull(ln.value) {
		ir.complex = true
	}
	if k < migrationKey {
		ir.item.annoAt[k] = ir.offsets(ln)
	}
}

func isNull(v []byte) bool {
	switch string(v) {
	case "~", "null", "Null", "NULL":
		return true
	}
	return false
}

// finish closes the item after its last line.
func (ir *itemReader) finish() {
	if ir.col < 0 {
		ir.complex = true
	}
	if ir.sec == inMetadata && ir.metaCol < 0 {
		ir.complex = true // null metadata, which kyaml drops
	}
	if ir.sec == inAnnotations {
		if bytes.IndexByte(ir.buf[ir.annoEnd:], '#') >= 0 {
			ir.commentAfter = true
		}
		ir.endAnnotations()
	}
}
