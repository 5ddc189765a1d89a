package resourcelist

import (
	"os"
	"syscall"
)

// spool holds the bytes of a large list's items outside the Go heap, in
// slabs mapped from an unlinked file in the temporary directory. Once the
// reader, and later the writer, is past a slab, its pages are released
// (MADV_DONTNEED): the page cache keeps them, and the kernel may write
// them to disk and free them; the process holds the items' records, not
// their bytes. Reading an item again maps its pages back. A list is
// written when the last item is read (a failure anywhere leaves every item
// as it came), so without a spool the process holds the whole input.
type spool struct {
	f     *os.File
	size  int64    // where the next slab goes in the file
	slabs [][]byte // the mappings, in order
	first []int    // the index of the first item cut from each slab
	// The slabs before read are released since the reader passed them;
	// those before written, since the writer did.
	read, written int
	// stage is where the reader puts the bytes of a slab; seal writes it
	// to the file at once and maps it (read only): the kernel writes the
	// pages of a file several times faster than a process does through a
	// mapping, where each new page is a fault.
	stage []byte
}

// Filesystems whose pages are memory only: a spool there gains nothing.
const (
	tmpfsMagic = 0x01021994
	ramfsMagic = 0x858458f6
)

// newSpool returns a spool in os.TempDir, or nil when none can be made
// there or the directory is in memory: the items then stay on the heap.
func newSpool() *spool {
	dir := os.TempDir()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil || st.Type == tmpfsMagic || st.Type == ramfsMagic {
		return nil
	}
	f, err := os.CreateTemp(dir, "mirrorset-spool-")
	if err != nil {
		return nil
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil
	}
	return &spool{f: f}
}

// open starts the next slab, item the index of the first item cut from
// it: the stage, empty, for the reader to fill.
func (s *spool) open(item int) []byte {
	if s.stage == nil {
		s.stage = make([]byte, 0, spoolSlabSize)
	}
	s.first = append(s.first, item)
	return s.stage[:0]
}

// seal writes b, the stage as filled, to the file, and returns the slab
// mapped from there. A full disk is an error here: the process writes no
// page of the mapping, which would kill it (SIGBUS) on a hole it cannot
// fill.
//
// On an error the stage is b's own: open gives out another.
func (s *spool) seal(b []byte) ([]byte, error) {
	var m []byte
	if len(b) > 0 {
		_, err := s.f.WriteAt(b, s.size)
		if err == nil {
			m, err = syscall.Mmap(int(s.f.Fd()), s.size, len(b), syscall.PROT_READ, syscall.MAP_SHARED)
		}
		if err != nil {
			s.first = s.first[:len(s.first)-1]
			s.stage = nil
			return nil, err
		}
	}
	s.size += spoolSlabSize
	s.slabs = append(s.slabs, m)
	return m, nil
}

// release gives back the pages of slabs [from, to). The page cache keeps
// what they hold.
func (s *spool) release(from, to int) {
	for _, b := range s.slabs[max(from, 0):max(to, 0)] {
		if len(b) > 0 {
			// An error leaves the pages mapped: more memory, the same bytes.
			_ = syscall.Madvise(b, syscall.MADV_DONTNEED)
		}
	}
}

func (s *spool) close() error {
	var first error
	for _, b := range s.slabs {
		if len(b) == 0 {
			continue
		}
		if err := syscall.Munmap(b); err != nil && first == nil {
			first = err
		}
	}
	s.slabs = nil
	if err := s.f.Close(); err != nil && first == nil {
		first = err
	}
	return first
}
