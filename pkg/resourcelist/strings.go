package resourcelist

import (
	"bytes"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Step is one step of a path into an item: a map key, or an index in a
// list.
type Step struct {
	// Key is the key; nil in a list. It is valid during the visit only.
	Key []byte
	// Index is the index in a list; -1 for a key.
	Index int
}

// Size is what Strings saw of an item, in the terms of the input limits
// (inputlimit.Checker): its YAML nodes, how deeply its collections nest
// (the item's own map is one level), and its longest scalar or key.
type Size struct {
	Nodes, Height, MaxScalar int
}

// Strings calls visit with the path and the value of each scalar of the
// item, in order, when the item is in the plain form mirror objects come
// in: block maps and lists whose every key and value is a one-line string,
// plain or quoted without escapes, no value null or a non-string (a
// number, a boolean), and no key twice in a map (nor more than
// maxStringKeys keys in one); comments anywhere. It reads the lines
// as lineTree does, without building a tree: a reader that needs a few
// fields of tens of thousands of items makes no garbage but its own.
// ok is false when the item is in another form or visit returned false;
// visit may then have seen part of the item, and the caller reads its
// tree instead.
func (it *Item) Strings(visit func(path []Step, value []byte) bool) (size Size, ok bool) {
	var w StringWalker
	return w.Walk(it, visit)
}

// StringWalker is Item.Strings with buffers that it keeps from one item to
// the next: a reader of tens of thousands of items makes no garbage of its
// own. The zero StringWalker is ready; it is not safe for concurrent use.
type StringWalker struct {
	w stringWalker
}

// Walk is it.Strings(visit).
func (sw *StringWalker) Walk(it *Item, visit func(path []Step, value []byte) bool) (size Size, ok bool) {
	if it.parsed {
		return size, false
	}
	w := &sw.w
	*w = stringWalker{visit: visit, stack: w.stack[:0], path: w.path[:0], keys: w.keys[:0]}
	defer func() { w.visit = nil }()
	w.stack = append(w.stack, walkFrame{col: 0, seq: true, at: Step{Index: -1}})
	if !simpleLines(it.raw, w.line, &w.ln) {
		return size, false
	}
	for len(w.stack) > 1 {
		if !w.pop() {
			return size, false
		}
	}
	if w.items != 1 || w.stack[0].pending {
		return size, false
	}
	return w.size, true
}

// walkFrame is an open block collection, as lineTree's frame, with the
// step that leads to what it holds now.
type walkFrame struct {
	col     int
	seq     bool
	pending bool
	at      Step
	// keysFrom is where the map's keys begin in the walker's keys.
	keysFrom int
}

// maxStringKeys bounds the keys of one map that Strings reads, so that
// finding repeats stays cheap; a larger map goes to the tree.
const maxStringKeys = 64

type stringWalker struct {
	visit func(path []Step, value []byte) bool
	stack []walkFrame
	path  []Step
	keys  [][]byte // the keys of the open maps, each map's after its parent's
	size  Size
	items int  // the root list's elements: one, the item
	ln    line // simpleLines' line
}

func (w *stringWalker) top() *walkFrame { return &w.stack[len(w.stack)-1] }

// pop closes the top collection; a key or "-" still waiting for its value
// has a null one, which is not the plain form.
func (w *stringWalker) pop() bool {
	f := w.top()
	if f.pending {
		return false
	}
	w.keys = w.keys[:f.keysFrom]
	w.stack = w.stack[:len(w.stack)-1]
	return true
}

// open puts a new collection where the top one waits for a value.
func (w *stringWalker) open(col int, seq bool) {
	w.top().pending = false
	w.stack = append(w.stack, walkFrame{col: col, seq: seq, at: Step{Index: -1}, keysFrom: len(w.keys)})
	w.size.Nodes++
	// The root list and the item's map are not counted as levels; the
	// item's map is the first.
	w.size.Height = max(w.size.Height, len(w.stack)-1)
}

// scalar visits a value at the path the frames make, after the root list
// and its element.
func (w *stringWalker) scalar(v []byte, kind valueKind) bool {
	if !isString(v, kind) {
		return false
	}
	w.size.Nodes++
	w.size.MaxScalar = max(w.size.MaxScalar, len(v))
	w.path = w.path[:0]
	for _, f := range w.stack[1:] {
		w.path = append(w.path, f.at)
	}
	return w.visit(w.path, v)
}

// isString reports whether a one-line scalar is a string: quoted, or plain
// text that resolves to one (as lineTree's plainTag).
func isString(v []byte, kind valueKind) bool {
	switch kind {
	case quotedValue:
		return true
	case plainValue:
	default:
		return false
	}
	if len(v) == 0 {
		return false
	}
	if plainLooksString(v) {
		return true
	}
	n := yaml.Node{Kind: yaml.ScalarNode, Value: string(v)}
	return n.ShortTag() == "!!str"
}

func (w *stringWalker) line(ln *line) bool {
	if ln.dashes > 1 || ln.escaped {
		return false
	}
	if ln.dashes == 0 {
		if ln.key == nil {
			return false
		}
		return w.key(ln, ln.indent)
	}
	col := ln.indent
	for len(w.stack) > 1 && w.top().col > col {
		if !w.pop() {
			return false
		}
	}
	f := w.top()
	switch {
	case f.seq && f.col == col:
		if f.pending {
			return false
		}
	case !f.seq && f.pending && f.col <= col,
		f.seq && f.pending && f.col < col:
		w.open(col, true)
	default:
		return false
	}
	f = w.top()
	f.at.Index++
	if len(w.stack) == 1 {
		w.items++
	}
	switch {
	case ln.key != nil:
		f.pending = true
		w.open(ln.col, false)
		return w.key(ln, ln.col)
	case ln.hasValue:
		return w.scalar(ln.value, ln.valueIs)
	default:
		f.pending = true
	}
	return true
}

func (w *stringWalker) key(ln *line, col int) bool {
	for len(w.stack) > 1 && w.top().col > col {
		if !w.pop() {
			return false
		}
	}
	f := w.top()
	if f.seq && f.col == col && len(w.stack) > 1 {
		if !w.pop() {
			return false
		}
		f = w.top()
	}
	switch {
	case !f.seq && f.col == col:
		if f.pending {
			return false
		}
	case f.pending && f.col < col:
		w.open(col, false)
		f = w.top()
	default:
		return false
	}
	keyKind := plainValue
	if ln.quotedKey {
		keyKind = quotedValue
	}
	if !isString(ln.key, keyKind) || len(w.keys)-f.keysFrom >= maxStringKeys {
		return false
	}
	for _, k := range w.keys[f.keysFrom:] {
		if bytes.Equal(k, ln.key) {
			return false
		}
	}
	w.keys = append(w.keys, ln.key)
	w.size.Nodes++
	w.size.MaxScalar = max(w.size.MaxScalar, len(ln.key))
	f.at = Step{Key: ln.key, Index: -1}
	if ln.hasValue {
		return w.scalar(ln.value, ln.valueIs)
	}
	f.pending = true
	return true
}
