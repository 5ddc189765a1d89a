package krm

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestLimitMemory: a small input leaves the memory limit alone; after a
// large one the limit is the memory the runtime holds and three quarters
// of the input's size, and undo puts the old limit back. Not parallel: the
// limit is the process's.
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
	// The cap leaves three quarters of the input above all the memory the
	// runtime holds, which it counts toward the cap, not only above the
	// heap: a heap that holds the input's bytes left no room else.
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	held := int64(ms.Sys - ms.HeapReleased)
	undo = limitMemory(live)
	got := debug.SetMemoryLimit(-1)
	undo()
	runtime.KeepAlive(heap)
	if held-int64(ms.HeapAlloc) < 1<<20 {
		t.Fatalf("the runtime holds %d bytes besides the heap's %d: too little to tell the cap's base", held-int64(ms.HeapAlloc), ms.HeapAlloc)
	}
	if want := held + live/4*3 - 256<<10; got >= before || got < want {
		t.Errorf("with %d bytes live (%d held by the runtime) and as much input the limit is %d, want at least %d and below %d", live, held, got, want, before)
	}
	if after := debug.SetMemoryLimit(-1); after != before {
		t.Errorf("undo left the limit at %d, want %d", after, before)
	}
}

// TestLimitMemoryRoomy: past roomyInput the collector runs at GOGC
// roomyPercent beside the cap, below it at the GOGC it had; undo puts
// both back. Not parallel: the settings are the process's.
func TestLimitMemoryRoomy(t *testing.T) {
	percent, limit := collectorSettings(t)
	for _, tt := range []struct {
		input int64
		want  int
	}{{roomyInput, percent}, {roomyInput + 1, roomyPercent}} {
		undo := limitMemory(tt.input)
		got, _ := collectorSettings(t)
		undo()
		if got != tt.want {
			t.Errorf("after %d bytes of input GOGC is %d, want %d", tt.input, got, tt.want)
		}
		if afterPercent, afterLimit := collectorSettings(t); afterPercent != percent || afterLimit != limit {
			t.Errorf("after the undo GOGC %d, limit %d; want %d and %d", afterPercent, afterLimit, percent, limit)
		}
	}
}

// TestFewerCollections: GOGC 400 under a 64 MiB cap, and the undo, once or
// twice, puts both back. Not parallel: the settings are the process's.
func TestFewerCollections(t *testing.T) {
	percent, limit := collectorSettings(t)
	undo := fewerCollections()
	gotPercent, gotLimit := collectorSettings(t)
	undo()
	undo()
	if gotPercent != 400 || gotLimit != 64<<20 {
		t.Errorf("GOGC %d, limit %d; want 400 and 64 MiB", gotPercent, gotLimit)
	}
	if afterPercent, afterLimit := collectorSettings(t); afterPercent != percent || afterLimit != limit {
		t.Errorf("after the undo GOGC %d, limit %d; want %d and %d", afterPercent, afterLimit, percent, limit)
	}
}

// collectorSettings returns GOGC and the memory limit as they are, and
// skips the test where the environment sets either: limitMemory and
// fewerCollections then leave them alone.
func collectorSettings(t *testing.T) (percent int, limit int64) {
	t.Helper()
	for _, v := range []string{"GOGC", "GOMEMLIMIT"} {
		if _, set := os.LookupEnv(v); set {
			t.Skipf("%s is set, and the run leaves the collector's settings alone", v)
		}
	}
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}
