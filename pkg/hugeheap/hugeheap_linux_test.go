package hugeheap

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestReserve: in a fresh process, where the kernel gives huge pages on
// request, what the heap allocates after Reserve lies in mappings with huge
// pages asked for ("hg" in their VmFlags), and what it allocated before
// does not; with another setting, Reserve asks for none. The check runs in
// a child process, since where the heap puts an allocation depends on what
// the process allocated before.
func TestReserve(t *testing.T) {
	if os.Getenv("HUGEHEAP_TEST_CHILD") == "1" {
		before := make([]byte, 8<<20)
		if s := hugeShare(t, before); s != 0 {
			t.Fatalf("%.0f%% of the heap has huge pages asked for before Reserve", 100*s)
		}
		asked := Reserve(64 << 20)
		after := make([]byte, 8<<20)
		s := hugeShare(t, after)
		switch m := mode(); {
		case asked != (m == "madvise"):
			t.Fatalf("with transparent huge pages %q, Reserve says it asked: %v", m, asked)
		case m != "madvise" && s != 0:
			t.Fatalf("with transparent huge pages %q, Reserve asked for huge pages", m)
		case m == "madvise" && s < 0.9:
			// It may start a few pages below the reserve, on pages freed
			// since: most of it lies in the reserve.
			t.Fatalf("%.0f%% of what the heap allocated after Reserve lies in the reserve, want 90%% at least", 100*s)
		}
		// Freed, before would leave room below the reserve that after
		// could take.
		runtime.KeepAlive(before)
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestReserve$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "HUGEHEAP_TEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestReserve") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("transparent huge pages: %q", mode())
}

func TestInForce(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"always [madvise] never\n": "madvise",
		"[always] madvise never\n": "always",
		"always madvise [never]\n": "never",
		"always madvise never\n":   "",
		"":                         "",
		"[madvise":                 "",
	} {
		if got := inForce([]byte(in)); got != want {
			t.Errorf("inForce(%q) = %q, want %q", in, got, want)
		}
	}
}

// hugeShare returns the share of b's bytes that lie in mappings with huge
// pages asked for, as /proc/self/smaps gives them.
func hugeShare(t *testing.T, b []byte) float64 {
	t.Helper()
	lo := uint64(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
	hi := lo + uint64(len(b))
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no smaps: %v", err)
	}
	defer f.Close()
	var start, end, huge uint64 // the mapping read, and the bytes of b in hg mappings
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) == 0 {
			continue
		}
		if fields[0] == "VmFlags:" {
			for _, fl := range fields[1:] {
				if fl == "hg" && start < hi && end > lo {
					huge += min(end, hi) - max(start, lo)
				}
			}
			continue
		}
		// A mapping's first line starts with its range: start-end, in hex.
		if a, z, ok := strings.Cut(fields[0], "-"); ok {
			sa, err1 := strconv.ParseUint(a, 16, 64)
			ez, err2 := strconv.ParseUint(z, 16, 64)
			if err1 == nil && err2 == nil {
				start, end = sa, ez
			}
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return float64(huge) / float64(len(b))
}
