package filewrite

import (
	"fmt"
	"io"
)

// AllListed is All with a command's report: each path written on stdout,
// in order, or the error on stderr and that nothing was written. It
// returns the exit code: 0 written, 1 nothing written.
func AllListed(files map[string][]byte, stdout, stderr io.Writer) int {
	if err := All(files, 0o644); err != nil {
		fmt.Fprintf(stderr, "error: %v\nnothing written\n", err)
		return 1
	}
	for _, path := range Paths(files) {
		fmt.Fprintln(stdout, path)
	}
	return 0
}

// ListErrors lists errs on w, one a line, and says that nothing was
// written: a command's report of the errors that stopped it before it
// wrote anything.
func ListErrors(w io.Writer, errs []string) {
	for _, e := range errs {
		fmt.Fprintf(w, "error: %s\n", e)
	}
	noun := "errors"
	if len(errs) == 1 {
		noun = "error"
	}
	fmt.Fprintf(w, "%d %s; nothing written\n", len(errs), noun)
}
