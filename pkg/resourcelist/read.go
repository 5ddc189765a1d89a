package resourcelist

import (
	"bytes"
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Read reads a ResourceList. Items come back as their bytes; the function
// config and the results are parsed. When the input is in a form the fast
// path does not handle, the error is a *Fallback that replays the input.
func Read(in io.Reader) (*List, error) { return ReadEach(in, nil) }

// ReadEach is Read that hands each item to each as soon as the item is
// read whole, or, past the first megabyte of a list with a spool, once
// the spool holds its bytes (256 KiB at a time), so that a caller can
// work on the items (on another goroutine) while the rest of the input
// comes in. Items come in the list's order. An item handed over does not
// change any more; the list may still turn out to need the full parse.
//
// The bytes of a list's items past its first megabyte go to a spool on
// Linux (see spool); Close gives it back.
func ReadEach(in io.Reader, each func(*Item)) (*List, error) {
	return readEach(in, each, spoolAfter)
}

func readEach(in io.Reader, each func(*Item), spoolAfter int) (*List, error) {
	r := &reader{lines: newLineReader(in), list: &List{}, seen: map[string]bool{}, intern: map[string]string{}, each: each, spoolAfter: spoolAfter}
	if err := r.read(); err != nil {
		return nil, err
	}
	return r.list, nil
}

type section uint8

const (
	noSection section = iota
	headerSection
	itemsSection
	functionConfigSection
	resultsSection
	otherSection
)

// reader reads the input line by line. Each line is a top-level key, a line
// of the current top-level field's value, or, inside items, the first line
// of an item or a line of the current one. Blank and comment lines wait in
// pending until the next line tells whose they are.
type reader struct {
	lines *lineReader
	tok   tokenizer
	ln    line // the line being read, as the tokenizer found it
	list  *List
	// The input read so far, for a replay: the top-level lines before
	// the items, the items' own bytes, the top-level lines after them.
	before, after []byte
	top           []byte // top-level lines not yet in before or after
	pending       []byte
	pendingN      []pendingLine
	reason        string // why the input needs the full parse
	readErr       error
	stored        bool // the current line is in top already

	sec      section
	secKey   string
	secBuf   []byte // the current field's lines, for a parse
	seen     map[string]bool
	itemsNil bool // "items: []"

	item   *itemReader
	spare  *itemReader       // a reader done with its item, for the next
	each   func(*Item)       // ReadEach's
	slab   []byte            // what items' bytes are cut from
	block  []Item            // what items are taken from
	intern map[string]string // apiVersion and kind values
	// heapBytes are the bytes of the slabs on the heap; past
	// spoolAfter, slabs come from a spool unless noSpool.
	heapBytes, spoolAfter int
	noSpool               bool
	// staged: the slab is the spool's stage, which goes to the spool
	// once full (seal). Its items, and those after them, wait to be
	// handed to each until then: their bytes move.
	staged  bool
	waiting []waitingItem
}

// waitingItem is an item read and not yet handed to each; at is where its
// bytes are in the stage, -1 when they are elsewhere.
type waitingItem struct {
	it *Item
	at int
}

type pendingLine struct {
	end     int // offset in pending after the line
	comment bool
	indent  int
}

func (r *reader) fallback(reason string) {
	if r.reason == "" {
		r.reason = reason
	}
}

// replay returns a reader of the whole input: what was kept, in order,
// then the rest.
func (r *reader) replay(current []byte) io.Reader {
	parts := replayParts(r.before, r.list.Items, r.after)
	parts = append(parts, bytes.NewReader(r.top))
	if r.item != nil {
		parts = append(parts, bytes.NewReader(r.item.buf))
	}
	parts = append(parts, bytes.NewReader(r.pending))
	if !r.stored {
		parts = append(parts, bytes.NewReader(current))
	}
	parts = append(parts, r.lines.rest())
	if r.readErr != nil {
		parts = append(parts, errReader{r.readErr})
	}
	if r.list.spool != nil {
		return &closeAtEOF{r: io.MultiReader(parts...), list: r.list}
	}
	return io.MultiReader(parts...)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func (r *reader) read() error {
	for {
		b, err := r.lines.line()
		if err != nil {
			r.readErr, r.stored = err, false
			return &Fallback{Reason: "reading the input: " + err.Error(), Input: r.replay(append([]byte(nil), b...))}
		}
		if len(b) == 0 {
			break
		}
		r.line(b)
		if r.reason != "" {
			return &Fallback{Reason: r.reason, Input: r.replay(append([]byte(nil), b...))}
		}
	}
	r.endSection(followedByEnd)
	if r.reason == "" {
		r.finish()
	}
	if r.reason != "" {
		return &Fallback{Reason: r.reason, Input: r.replay(nil)}
	}
	return nil
}

// line takes one line, with its line break.
func (r *reader) line(b []byte) {
	r.stored = false
	if b[len(b)-1] != '\n' {
		r.fallback("no line break at the end of the input")
		return
	}
	text := b[:len(b)-1]
	ok, why, tab := true, "", false
	if !r.lines.clean { // else printable, without a tab, as its block is
		ok, why, tab = printable(text)
	}
	if !ok {
		r.fallback(why)
		return
	}
	if len(text) > 0 && (text[0] == '-' || text[0] == '.' || text[0] == '%') &&
		(bytes.HasPrefix(text, []byte("---")) || bytes.HasPrefix(text, []byte("...")) || text[0] == '%') {
		r.fallback("a line that starts with ---, ... or % (documents and directives)")
		return
	}
	r.tok.complex, r.tok.noTabs = false, !tab
	ln := &r.ln
	r.tok.next(text, ln)
	if r.tok.unsafe != "" {
		r.fallback(r.tok.unsafe)
		return
	}
	switch {
	case ln.kind == blankLine || ln.kind == commentLine:
		r.pending = append(r.pending, b...)
		r.pendingN = append(r.pendingN, pendingLine{end: len(r.pending), comment: ln.kind == commentLine, indent: ln.indent})
		return
	case ln.kind == contentLine && ln.indent == 0 && ln.dashes == 0:
		r.topLevelKey(b, ln)
	case ln.kind == contentLine && ln.indent == 0 && r.sec == itemsSection:
		r.startItem(b, ln)
	default:
		r.sectionLine(b, ln)
	}
	if r.item != nil && r.tok.complex {
		r.item.complex = true
	}
}

// topLevelKey starts a field of the ResourceList.
func (r *reader) topLevelKey(b []byte, ln *line) {
	if ln.key == nil || ln.quotedKey || !simpleKey(ln.key) {
		r.fallback("a top-level line that is not a plain key")
		return
	}
	r.endSection(followedByKey)
	if r.reason != "" {
		return
	}
	key := string(ln.key)
	if r.seen[key] {
		r.fallback("the top-level key " + key + " twice")
		return
	}
	r.seen[key] = true
	r.top = append(r.top, b...)
	r.stored = true
	r.secKey = key
	switch key {
	case "apiVersion", "kind":
		r.sec = headerSection
		if r.tok.complex || ln.escaped || ln.valueIs != plainValue && ln.valueIs != quotedValue {
			r.fallback("the list's " + key + " is not a string")
			return
		}
		if key == "apiVersion" {
			r.list.APIVersion = string(ln.value)
		} else {
			r.list.Kind = string(ln.value)
		}
	case "items":
		r.sec = itemsSection
		switch {
		case !ln.hasValue:
		case bytes.Equal(bytes.TrimSpace(trimComment(b[len("items:"):len(b)-1])), []byte("[]")):
			r.itemsNil = true
			r.tok.state = normal
		default:
			r.fallback("items in flow style, anchored or tagged")
		}
	case "metadata":
		r.fallback("the list has metadata")
	default:
		r.sec = otherSection
		switch key {
		case "functionConfig":
			r.sec = functionConfigSection
		case "results":
			r.sec = resultsSection
		}
		r.secBuf = append(r.secBuf[:0], b...)
	}
}

func trimComment(b []byte) []byte {
	if i := bytes.Index(b, []byte(" #")); i >= 0 {
		return b[:i]
	}
	return b
}

// sectionLine takes a line of the current field's value.
func (r *reader) sectionLine(b []byte, ln *line) {
	switch r.sec {
	case noSection, headerSection:
		r.fallback("a top-level value over several lines")
	case itemsSection:
		if r.item == nil {
			r.fallback("items that do not start with \"- \" at column 0")
			return
		}
		r.item.take(r.pending, r.pendingN)
		r.clearPending()
		r.item.line(b, ln)
	default:
		r.secBuf = append(r.secBuf, r.pending...)
		r.secBuf = append(r.secBuf, b...)
		r.top = append(r.top, r.pending...)
		r.top = append(r.top, b...)
		r.clearPending()
	}
}

func (r *reader) clearPending() {
	r.pending = r.pending[:0]
	r.pendingN = r.pendingN[:0]
}

// startItem starts an item at a "- " at column 0. The blank and comment
// lines before it are split between the item before and this one the way
// the YAML parser splits them: indented comments end the item before,
// comments from the first one at column 0 on open this one.
func (r *reader) startItem(b []byte, ln *line) {
	if r.itemsNil {
		r.fallback("items both empty and not")
		return
	}
	// pending[:split] goes to the item before: blank lines and indented
	// comments up to the first comment at column 0, or up to the first
	// comment after another that is not at the column of a block open at
	// the item's end (the parser's indentation stack): the parser gives
	// that one to the next item.
	split, comments := 0, 0
	for _, p := range r.pendingN {
		if p.comment && (p.indent == 0 || comments > 0 && r.item != nil && !r.item.open(p.indent)) {
			break
		}
		if p.comment {
			comments++
		}
		split = p.end
	}
	// Blank lines among comments, or an indented comment after one at
	// column 0, make the parser's choice depend on details.
	ambiguous, blank, comment := false, false, false
	for _, p := range r.pendingN {
		blank = blank || !p.comment
		comment = comment || p.comment
		if p.comment && p.indent > 0 && p.end > split {
			ambiguous = true
		}
	}
	// Before an item whose "-" stands alone, the parser splits comments
	// otherwise.
	ambiguous = ambiguous || blank && comment || comment && ln.key == nil
	prev := r.item
	if prev != nil {
		n := 0
		for n < len(r.pendingN) && r.pendingN[n].end <= split {
			n++
		}
		prev.take(r.pending[:split], r.pendingN[:n])
		prev.item.footComments = hasComment(r.pendingN[:n])
		prev.item.ambiguous = prev.item.ambiguous || ambiguous
		next := BeforeItem
		if ln.key == nil {
			next = BeforeBareItem
		}
		r.endItem(next)
		if r.reason != "" {
			return
		}
	} else {
		// Before the first item: comments go with it.
		split = 0
		for _, p := range r.pendingN {
			if p.comment && p.indent > 0 {
				ambiguous = true
			}
		}
		r.before = clone(r.top)
		r.top = r.top[:0]
	}
	it := r.newItem()
	it.item.ambiguous = ambiguous
	it.buf = append(it.buf, r.pending[split:]...)
	r.clearPending()
	it.first(b, ln)
}

func hasComment(lines []pendingLine) bool {
	for _, p := range lines {
		if p.comment {
			return true
		}
	}
	return false
}

func clone(b []byte) []byte {
	c := make([]byte, len(b))
	copy(c, b)
	return c
}

// endSection ends the current top-level field; the pending lines are its
// own (kyaml keeps only what it prints in the field's value).
func (r *reader) endSection(next following) {
	switch r.sec {
	case itemsSection:
		if r.item != nil {
			r.item.take(r.pending, r.pendingN)
			r.item.item.footComments = hasComment(r.pendingN)
			for _, p := range r.pendingN {
				if p.comment && p.indent == 0 {
					// A comment at column 0 after the last item: the
					// parser gives it to the item or to the next key.
					r.item.item.ambiguous = true
				}
			}
			r.clearPending()
			r.endItem(next)
		}
	case functionConfigSection, resultsSection, otherSection:
		r.secBuf = append(r.secBuf, r.pending...)
		n, err := parseField(r.secKey, r.secBuf, next)
		if err != nil {
			r.fallback(err.Error())
			return
		}
		switch r.sec {
		case functionConfigSection:
			r.list.FunctionConfig = n
		case resultsSection:
			r.list.Results = n
		}
	}
	r.top = append(r.top, r.pending...)
	r.clearPending()
	r.sec = noSection
}

// parseField parses a top-level field: its lines and the comments after
// them, before a stand-in for the key that followed, so that the parser
// gives the comments the nodes it gives them in the whole list.
func parseField(key string, b []byte, next following) (*yaml.RNode, error) {
	src := b
	if next == followedByKey {
		src = append(append([]byte(nil), b...), "_: 0\n"...)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("the list's %s: %v", key, err)
	}
	want := 2
	if next == followedByKey {
		want = 4
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode || len(doc.Content[0].Content) != want || doc.Content[0].Content[0].Value != key {
		return nil, fmt.Errorf("the list's %s: the scanner and the parser disagree on where it ends", key)
	}
	return yaml.NewRNode(doc.Content[0].Content[1]), nil
}

func (r *reader) newItem() *itemReader {
	if len(r.block) == 0 {
		r.block = make([]Item, 256)
	}
	item := &r.block[0]
	r.block = r.block[1:]
	*item = Item{Index: len(r.list.Items), annoIndent: -1}
	// The item's lines go straight to the free end of the slab.
	if cap(r.slab)-len(r.slab) < 4<<10 {
		r.slab = r.nextSlab(item.Index)
	}
	// The last item's reader, if it is done, is taken again with its
	// stacks, which every item would otherwise grow anew.
	it := r.spare
	if it == nil {
		it = &itemReader{}
	}
	r.spare = nil
	*it = itemReader{buf: r.slab[len(r.slab):len(r.slab)], col: -1, item: item, intern: r.intern,
		indents: it.indents[:0], nest: nesting{levels: it.nest.levels[:0]}}
	r.item = it
	return it
}

// endItem keeps the item: its bytes in an allocation of their size, and,
// for an item the scanner could not read line by line, what a parse says.
func (r *reader) endItem(next following) {
	ir := r.item
	it := ir.item
	it.next = next
	free := r.slab[len(r.slab):cap(r.slab)]
	at := -1 // where the bytes are in the slab
	if n := len(ir.buf); n <= len(free) && &ir.buf[0] == &free[0] {
		it.raw = free[:n:n]
		at = len(r.slab)
		r.slab = r.slab[:len(r.slab)+n]
	} else {
		it.raw, at = r.alloc(ir.buf) // it outgrew the slab
	}
	if !r.staged {
		at = -1
	}
	r.item = nil
	ir.finish()
	if ir.complex {
		it.parsed = true
		n, err := it.parse()
		if err != nil {
			r.list.Items = append(r.list.Items, it) // for the replay
			r.fallback(err.Error())
			return
		}
		it.scanned(n)
		if !mapsWhereExpected(n) {
			// kyaml drops such annotations silently; the full parse refuses
			// them with a message.
			r.list.Items = append(r.list.Items, it) // for the replay
			r.fallback("metadata or annotations that are not maps")
			return
		}
	}
	r.list.format.see(it)
	r.list.Items = append(r.list.Items, it)
	switch {
	case r.staged || len(r.waiting) > 0:
		r.waiting = append(r.waiting, waitingItem{it, at})
	case r.each != nil:
		r.each(it)
	}
	r.spare = ir
}

// mapsWhereExpected reports whether the item's metadata and annotations
// are maps, or absent, or null.
func mapsWhereExpected(n *yaml.RNode) bool {
	meta := n.Field("metadata")
	if meta == nil || yaml.IsMissingOrNull(meta.Value) {
		return true
	}
	if meta.Value.YNode().Kind != yaml.MappingNode {
		return false
	}
	a := meta.Value.Field("annotations")
	return a == nil || yaml.IsMissingOrNull(a.Value) || a.Value.YNode().Kind == yaml.MappingNode
}

// finish checks the list as a whole once it is read.
func (r *reader) finish() {
	r.seal()
	if r.before == nil && len(r.list.Items) == 0 {
		r.before = clone(r.top)
	} else {
		r.after = clone(r.top)
	}
	r.top = nil
	l := r.list
	if l.Kind != "ResourceList" && (l.Kind != "List" || l.APIVersion != "v1") {
		r.fallback("not a ResourceList")
		return
	}
	if fc := l.FunctionConfig; fc != nil && fc.YNode().Kind != yaml.MappingNode && fc.YNode().ShortTag() != yaml.NodeTagNull {
		r.fallback("a functionConfig that is not a map")
		return
	}
	if !r.seen["items"] && !r.seen["functionConfig"] {
		r.fallback("a list without items and functionConfig")
		return
	}
	if !r.seen["apiVersion"] {
		r.fallback("a list without apiVersion")
		return
	}
	if err := l.formatCheck(); err != nil {
		r.fallback(err.Error())
	}
	l.before, l.after = r.before, r.after
}

// slabSize is the size of the blocks that items' bytes are cut from: one
// allocation for hundreds of items, which the garbage collector sees as
// one object; no item's bytes are ever copied again.
const slabSize = 256 << 10

// alloc returns a copy of b cut from the current slab, and where it is
// there, or, when b is large, in an allocation of its own (at -1).
func (r *reader) alloc(b []byte) (c []byte, at int) {
	if len(b) > slabSize/8 {
		return clone(b), -1
	}
	if cap(r.slab)-len(r.slab) < len(b) {
		r.slab = r.nextSlab(len(r.list.Items))
	}
	n := len(r.slab)
	r.slab = append(r.slab, b...)
	return r.slab[n : n+len(b) : n+len(b)], n
}
