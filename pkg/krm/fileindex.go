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
	max     map[string]int             // per path, the largest index seen or given
	claimed map[string]map[string]bool // per path, the indexes outputs hold
}

func newFileIndexes() *fileIndexes {
	return &fileIndexes{max: map[string]int{}, claimed: map[string]map[string]bool{}}
}

// see records an input item's place, so that no new index takes it.
func (f *fileIndexes) see(path, index string) {
	if path == "" {
		return
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
	c := f.claimed[path]
	if c == nil {
		c = map[string]bool{}
		f.claimed[path] = c
	}
	if !c[index] {
		c[index] = true
		return index, false
	}
	f.max[path]++
	got = strconv.Itoa(f.max[path])
	c[got] = true
	return got, true
}
