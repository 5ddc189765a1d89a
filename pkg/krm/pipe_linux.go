//go:build linux

package krm

import (
	"io"
	"os"
	"syscall"
)

// fSetPipeSize is Linux's F_SETPIPE_SZ.
const fSetPipeSize = 1031

// pipeSize is the buffer growPipe asks for: the most an unprivileged
// process may set by default (/proc/sys/fs/pipe-max-size).
const pipeSize = 1 << 20

// growPipe asks for a pipe buffer of a megabyte when in is a pipe, as kpt
// and kustomize give the list: with the default 64 KiB, the writer and
// mirrorset take turns a hundred times for a list of 8 MB. Failing that,
// the pipe stays as it was.
func growPipe(in io.Reader) {
	f, ok := in.(*os.File)
	if !ok {
		return
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	c, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = c.Control(func(fd uintptr) {
		_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSize, pipeSize)
	})
}
