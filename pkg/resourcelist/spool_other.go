//go:build !linux

package resourcelist

// spool is the Linux spool (spool_linux.go); elsewhere the items stay on
// the heap.
type spool struct {
	size          int64
	slabs         [][]byte
	first         []int
	read, written int
}

func newSpool() *spool                         { return nil }
func (s *spool) open(item int) []byte          { return nil }
func (s *spool) seal(b []byte) ([]byte, error) { return nil, nil }
func (s *spool) release(from, to int)          {}
func (s *spool) close() error                  { return nil }
