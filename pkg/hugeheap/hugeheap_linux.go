package hugeheap

import (
	"bytes"
	"math"
	"os"
	"runtime/debug"
	"syscall"
)

// Reserve grows the heap by n bytes of address space, in blocks of the
// runtime's chunk of 4 MiB, with huge pages asked for (MADV_HUGEPAGE), and
// gives the pages back to the kernel unused: the process's memory is as
// before, and what it allocates next goes there, since the runtime
// allocates at the lowest free addresses first. Blocks, not one
// allocation, so that the free part of the heap's last mapping is asked
// for too: the runtime maps a new arena apart from the last when the
// addresses after it are taken, and fills the old one first.
//
// It costs a collection (debug.FreeOSMemory), a few milliseconds, so it is
// for a run that has shown it is large, and it changes the collector's
// settings while it runs, so it is for the run that holds them. It does
// nothing unless the kernel gives huge pages on request only: "always"
// gives them to the heap already, "never" to nobody. It reports whether
// it asked.
//
// The runtime stopped asking for huge pages because the kernel may compact
// memory at the fault to make one (the "defrag" setting), which can stall a
// long-lived server; and because a huge page that is mostly free is memory
// used all the same, which the runtime's accounting does not see. A run
// that ends within seconds trades the first for thousands of faults, and
// pays the second in a few MiB of its peak.
func Reserve(n int) (asked bool) {
	if mode() != "madvise" {
		return false
	}
	// No collection while the blocks are taken: each would find nothing to
	// free, and under a memory limit the runtime would collect for each.
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	blocks := make([][]byte, 0, (n+blockSize-1)/blockSize)
	for len(blocks)*blockSize < n {
		// A large allocation of fresh memory is not written: the runtime
		// knows it is zero, so its pages stay unfaulted.
		b := make([]byte, blockSize)
		_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE) // an error only loses the gain
		blocks = append(blocks, b)
	}
	clear(blocks)
	debug.SetMemoryLimit(limit)
	debug.SetGCPercent(percent)
	debug.FreeOSMemory()
	return true
}

// blockSize is the runtime's chunk of heap (pallocChunkBytes): the heap
// grows by whole chunks, so blocks of it fill the free part of the last
// mapping before the runtime maps more.
const blockSize = 4 << 20

// modeFile says when the kernel gives transparent huge pages.
const modeFile = "/sys/kernel/mm/transparent_hugepage/enabled"

// mode returns the setting of modeFile in force ("always", "madvise",
// "never"), "" when there is none.
func mode() string {
	b, err := os.ReadFile(modeFile)
	if err != nil {
		return ""
	}
	return inForce(b)
}

// inForce returns the word in brackets of a setting such as modeFile's,
// "always [madvise] never".
func inForce(b []byte) string {
	_, after, ok := bytes.Cut(b, []byte("["))
	if !ok {
		return ""
	}
	word, _, ok := bytes.Cut(after, []byte("]"))
	if !ok {
		return ""
	}
	return string(word)
}
