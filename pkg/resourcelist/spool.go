package resourcelist

import (
	"io"
	"sort"
)

// spoolAfter is how many bytes of items a list keeps on the heap before the
// rest go to a spool (see spool): a small list costs no file, and its
// bytes are little next to the process's own 14 MB.
const spoolAfter = 1 << 20

// spoolSlabSize is the size of a spool's slabs: the items of a slab wait
// for it to fill before they are handed over (seal), so that a small
// slab keeps the predecoder close behind the reader.
const spoolSlabSize = 256 << 10

// nextSlab returns an empty slab to cut the items' bytes from, item the
// index of the first item it takes: on the heap, or, past spoolAfter
// bytes, the spool's stage, whose bytes seal writes to the spool when the
// next slab is taken. The spool's slabs before the last three are
// released as the read goes on (the predecoder reads an item a little
// after the reader).
func (r *reader) nextSlab(item int) []byte {
	r.seal()
	if r.heapBytes < r.spoolAfter {
		r.heapBytes += slabSize
		return make([]byte, 0, slabSize)
	}
	if r.list.spool == nil && !r.noSpool {
		r.list.spool = newSpool()
		r.noSpool = r.list.spool == nil
	}
	if s := r.list.spool; s != nil && !r.noSpool {
		s.release(s.read, len(s.slabs)-3)
		s.read = max(s.read, len(s.slabs)-3)
		r.staged = true
		return s.open(item)
	}
	return make([]byte, 0, slabSize)
}

// seal writes the stage, when the slab is the stage, to the spool, moves
// its items' bytes there, and hands the items that waited to each. When
// the spool cannot take them, the stage stays theirs, on the heap, and
// the slabs after are on the heap too.
func (r *reader) seal() {
	if r.staged {
		r.staged = false
		s := r.list.spool
		if m, err := s.seal(r.slab); err == nil {
			for _, w := range r.waiting {
				if w.at >= 0 {
					n := w.at + len(w.it.raw)
					w.it.raw = m[w.at:n:n]
				}
			}
		} else {
			r.noSpool = true
			if len(s.slabs) == 0 {
				_ = r.list.Close() // the file holds nothing
			}
		}
	}
	if r.each != nil {
		for _, w := range r.waiting {
			r.each(w.it)
		}
	}
	clear(r.waiting)
	r.waiting = r.waiting[:0]
}

// closeAtEOF is a replay of a list with a spool: it closes the spool once
// read to the end, as no item is read after the replay.
type closeAtEOF struct {
	r    io.Reader
	list *List
}

func (c *closeAtEOF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && c.list != nil {
		_ = c.list.Close()
		c.list = nil
	}
	return n, err
}

// Release gives the pages of the items' bytes back, when the list holds
// them in a spool: reading an item again brings its pages back. Run
// calls it once the read is over, when a few items are all it reads again
// before the write.
func (l *List) Release() {
	if l.spool != nil {
		l.spool.release(0, len(l.spool.slabs))
	}
}

// ReleaseItems gives back the pages of the slabs that hold items, which a
// caller has read again, in the list's order; as Release, for a few items.
// The slab of the last item stays: the caller reads on from there, and
// giving it back would cost the pages' faults again, and a flush of the
// other cores' address caches, for each few items.
func (l *List) ReleaseItems(items []*Item) {
	s := l.spool
	if s == nil || len(items) == 0 {
		return
	}
	keep, last := s.slabOf(items[len(items)-1].Index), -1
	for _, it := range items {
		if k := s.slabOf(it.Index); k >= 0 && k != last && k != keep {
			s.release(k, k+1)
			last = k
		}
	}
}

// slabOf returns the slab that holds the bytes of item i: the last one
// whose first item is not after it; -1 when there is none. The bytes of an
// item too large for a slab are on the heap (alloc): its slab then is its
// neighbours', and releasing that costs a page fault at most.
func (s *spool) slabOf(i int) int {
	return sort.SearchInts(s.first, i+1) - 1
}

// Spooled returns the size of the list's spool, 0 when it has none.
func (l *List) Spooled() int64 {
	if l.spool == nil {
		return 0
	}
	return l.spool.size
}

// Close gives back the spool of the list, if it has one: no item may be
// read after it.
func (l *List) Close() error {
	if l.spool == nil {
		return nil
	}
	s := l.spool
	l.spool = nil
	return s.close()
}

// written tells the spool that the items before index i are written: the
// slabs that hold only such items are released.
func (l *List) written(i int) {
	s := l.spool
	if s == nil {
		return
	}
	n := s.written
	for n+1 < len(s.first) && s.first[n+1] <= i {
		n++
	}
	s.release(s.written, n)
	s.written = n
}
