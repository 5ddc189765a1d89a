package krm

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// fGetPipeSize is Linux's F_GETPIPE_SZ.
const fGetPipeSize = 1032

func pipeSizeOf(t *testing.T, f *os.File) int {
	t.Helper()
	c, err := f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n uintptr
	var errno syscall.Errno
	if err := c.Control(func(fd uintptr) { n, _, errno = syscall.Syscall(syscall.SYS_FCNTL, fd, fGetPipeSize, 0) }); err != nil {
		t.Fatal(err)
	}
	if errno != 0 {
		t.Fatal(errno)
	}
	return int(n)
}

// TestGrowPipe: a pipe gets a buffer of a megabyte, a file is left
// alone, and Run grows the pipe it reads the list from.
func TestGrowPipe(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if n := pipeSizeOf(t, r); n >= pipeSize {
		t.Fatalf("a new pipe has %d bytes already; the test needs a smaller one", n)
	}
	growPipe(r)
	if n := pipeSizeOf(t, r); n != pipeSize {
		t.Errorf("the pipe has %d bytes after growPipe; want %d", n, pipeSize)
	}
	// A writer that fills more than the default 64 KiB does not wait for
	// a reader now.
	if _, err := w.Write(make([]byte, 512<<10)); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "list.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	growPipe(f) // not a pipe: nothing to do, nothing to fail

	in, feed, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	go func() {
		defer feed.Close()
		_, _ = io.WriteString(feed, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n")
	}()
	if code := Run(in, io.Discard, io.Discard); code != 0 {
		t.Fatalf("Run: exit %d", code)
	}
	if n := pipeSizeOf(t, in); n != pipeSize {
		t.Errorf("the pipe Run read has %d bytes; want %d", n, pipeSize)
	}
}
