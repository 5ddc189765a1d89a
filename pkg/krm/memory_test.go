package krm

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestLimitMemory: a small input leaves the memory limit alone; after a
// large one the limit is 1.5 times the live heap, and undo puts the old
// limit back. Not parallel: the limit is the process's.
func TestLimitMemory(t *testing.T) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set, and limitMemory leaves it alone")
	}
	before := debug.SetMemoryLimit(-1)

	undo := limitMemory(1 << 10)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("after a 1 KiB input the limit is %d, want it unchanged (%d)", got, before)
	}
	undo()

	const live = 64 << 20
	heap := make([]byte, live)
	for i := range heap {
		heap[i] = byte(i)
	}
	undo = limitMemory(live)
	got := debug.SetMemoryLimit(-1)
	undo()
	runtime.KeepAlive(heap)
	if got >= before || got < live/10*15 {
		t.Errorf("with %d bytes live the limit is %d, want at least %d and below %d", live, got, live/10*15, before)
	}
	if after := debug.SetMemoryLimit(-1); after != before {
		t.Errorf("undo left the limit at %d, want %d", after, before)
	}
}
