package krm

import (
	"strconv"
)

// fileIndexes keeps config.kubernetes.io/index unique within each file.
// mirrorset puts new objects in the file of the item they come from (the
// ImageTagMirrorSet beside an ImageDigestMirrorSet, the IDMS beside a kept
// ICSP, the elements of a flattened List, the objects of layout
// per-registry), and kpt refuses two items at one path and index. The first
// output at a place keeps it; the others go after the last index the file
// had, in order.
type fileIndexes struct {
	// inputs walks the input items' places, for max. It runs when an
	// output first needs a new index, so that a list whose outputs all
	// keep their places (the usual case, and 100,000 files on a large
	// list) never builds max.
	inputs  func(see func(path, index string))
	max     map[string]int    // per path, the largest index seen or given
	claimed map[string]claims // per path, the indexes outputs hold
}

// claims are the indexes that outputs hold in one file: most files hold
// one item.
type claims struct {
	first string
	more  map[string]bool
}

func (c claims) has(index string) bool { return c.first == index || c.more[index] }

func newFileIndexes() *fileIndexes {
	return &fileIndexes{claimed: map[string]claims{}}
}

// see records an input item's place, so that no new index takes it.
func (f *fileIndexes) see(path, index string) {
	if path == "" {
		return
	}
	if f.max == nil {
		f.max = map[string]int{}
	}
	if i, err := strconv.Atoi(index); err == nil && i > f.max[path] {
		f.max[path] = i
	}
	if _, ok := f.max[path]; !ok {
		f.max[path] = 0
	}
}

// claim returns the index an output at (path, index) gets: index itself if
// no earlier output holds it, else the file's next free index. moved says
// which.
func (f *fileIndexes) claim(path, index string) (got string, moved bool) {
	if path == "" || index == "" {
		return index, false
	}
	c, ok := f.claimed[path]
	switch {
	case !ok:
		f.claimed[path] = claims{first: index}
		return index, false
	case !c.has(index):
		c.add(index)
		f.claimed[path] = c
		return index, false
	}
	if f.max == nil && f.inputs != nil {
		f.inputs(f.see)
	}
	if f.max == nil {
		f.max = map[string]int{}
	}
	f.max[path]++
	got = strconv.Itoa(f.max[path])
	c.add(got)
	f.claimed[path] = c
	return got, true
}

func (c *claims) add(index string) {
	if c.more == nil {
		c.more = map[string]bool{}
	}
	c.more[index] = true
}
