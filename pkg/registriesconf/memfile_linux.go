package registriesconf

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// memFile puts conf in an anonymous memory file and returns a path that
// opens it (through /proc), for containers/image, which reads files only:
// the function image has no writable folder (FROM scratch, --read-only),
// and a memory file costs no disk. ok is false where that is not possible
// (no memfd_create, no /proc); the caller then writes a temporary file.
func memFile(conf []byte) (path string, release func(), ok bool) {
	fd, err := unix.MemfdCreate("mirrorset-registries.conf", unix.MFD_CLOEXEC)
	if err != nil {
		return "", nil, false
	}
	f := os.NewFile(uintptr(fd), "registries.conf")
	if _, err := f.Write(conf); err != nil {
		f.Close()
		return "", nil, false
	}
	path = "/proc/self/fd/" + strconv.Itoa(fd)
	if _, err := os.Stat(path); err != nil {
		f.Close()
		return "", nil, false
	}
	return path, func() { f.Close() }, true
}
