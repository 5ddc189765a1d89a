package inputlimit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Reader reads an input within MaxInputBytes and MaxLineBytes: past either
// it returns an *Error and reads no further, so that memory stays bounded
// whatever comes in.
type Reader struct {
	r    io.Reader
	l    Limits
	n    int64 // bytes read
	line int   // lines completed
	col  int   // bytes of the current line so far
	err  error
}

// NewReader returns a Reader of r within l.
func (l Limits) NewReader(r io.Reader) *Reader {
	return &Reader{r: r, l: l}
}

// N is the number of bytes read so far.
func (r *Reader) N() int64 { return r.n }

// Read reads as io.Reader does; it reads at most one byte past
// MaxInputBytes, to tell that the input is larger.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	max := r.l.MaxInputBytes
	if room := max + 1 - r.n; max > 0 && int64(len(p)) > room {
		p = p[:room]
	}
	n, err := r.r.Read(p)
	r.n += int64(n)
	if max > 0 && r.n > max {
		r.err = &Error{Env: EnvMaxInputBytes, Limit: max, Msg: fmt.Sprintf("the input is larger than %s", Size(max))}
		return 0, r.err
	}
	if r.l.MaxLineBytes > 0 {
		// A window at a time rather than a line at a time: the current
		// line may take room more bytes, so a line break among the next
		// room+1 bytes ends it in time, and the lines after it, up to the
		// last line break there, are shorter still.
		for b := p[:n]; len(b) > 0 && r.col <= r.l.MaxLineBytes; {
			room := r.l.MaxLineBytes - r.col
			w := b[:min(len(b), room+1)]
			k := bytes.LastIndexByte(w, '\n')
			if k < 0 {
				r.col += len(w)
				b = b[len(w):]
				continue
			}
			r.line += bytes.Count(w[:k+1], newline)
			r.col = 0
			b = b[k+1:]
		}
		if r.col > r.l.MaxLineBytes {
			r.err = &Error{Env: EnvMaxLineBytes, Limit: int64(r.l.MaxLineBytes), Line: r.line + 1,
				Msg: fmt.Sprintf("the line is longer than %s", Size(int64(r.l.MaxLineBytes)))}
			return 0, r.err
		}
	}
	return n, err
}

var newline = []byte{'\n'}

// Err returns the *Error that stopped the reader, or nil: a caller that
// reads through layers that reword errors can still tell.
func (r *Reader) Err() error {
	var le *Error
	if errors.As(r.err, &le) {
		return r.err
	}
	return nil
}

// ReadAll reads r whole within l.
func (l Limits) ReadAll(r io.Reader) ([]byte, error) {
	return io.ReadAll(l.NewReader(r))
}
