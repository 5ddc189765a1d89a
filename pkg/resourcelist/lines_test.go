package resourcelist

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
)

// linesInput is n bytes of lines of drawn lengths, some longer than a
// block, the last one without a line break when open; a few lines hold a
// byte that is not printable ASCII (see clean).
func linesInput(r *rand.Rand, n int, open bool) []byte {
	b := make([]byte, 0, n)
	for len(b) < n {
		k := r.IntN(80)
		if r.IntN(50) == 0 {
			k = r.IntN(2 * blockSize)
		}
		for range min(k, n-len(b)-1) {
			b = append(b, 'a'+byte(r.IntN(26)))
		}
		if r.IntN(3000) == 0 && len(b) > 0 && b[len(b)-1] != '\n' {
			b[len(b)-1] = "\t\r\x7f\xc3\x01"[r.IntN(5)]
		}
		b = append(b, '\n')
	}
	if open && len(b) > 0 {
		b[len(b)-1] = 'z'
	}
	return b
}

// TestLineReader holds lineReader to bytes.SplitAfter on inputs around the
// block's size, read whole, a byte at a time and half a buffer at a time
// (as from a pipe), and rest, after any line, to what is left; a line it
// says is clean is printable, without a tab.
func TestLineReader(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 12))
	sizes := []int{0, 1, 100, blockSize - 1, blockSize, blockSize + 1, 2*blockSize + 3, 5*blockSize + 17, (moreAfter+12)*blockSize + 9,
		largeAfter*blockSize + 5*largeBlockSize + 11}
	readers := map[string]func([]byte) io.Reader{
		"whole": func(b []byte) io.Reader { return bytes.NewReader(b) },
		"half":  func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
		"byte":  func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
	}
	cleanLines := 0
	defer func() {
		if cleanLines == 0 {
			t.Error("no line was said clean")
		}
	}()
	for _, n := range sizes {
		for _, open := range []bool{false, true} {
			in := linesInput(r, n, open)
			want := bytes.SplitAfter(in, []byte("\n"))
			if len(want[len(want)-1]) == 0 {
				want = want[:len(want)-1]
			}
			for name, reader := range readers {
				if name == "byte" && n > 2*blockSize {
					continue // slow, and the same as smaller ones
				}
				stopAt := r.IntN(len(want) + 1)
				l := newLineReader(reader(in))
				var got [][]byte
				for {
					if len(got) == stopAt {
						rest, err := io.ReadAll(l.rest())
						if err != nil || !bytes.Equal(append(bytes.Join(got, nil), rest...), in) {
							t.Fatalf("%d bytes, %s, rest after %d lines: the lines and the rest are not the input (%v)", n, name, stopAt, err)
						}
						break
					}
					b, err := l.line()
					if err != nil {
						t.Fatalf("%d bytes, %s: %v", n, name, err)
					}
					if len(b) == 0 {
						break
					}
					if l.clean {
						cleanLines++
						if ok, why, tab := printable(bytes.TrimSuffix(b, []byte("\n"))); !ok || tab {
							t.Fatalf("%d bytes, %s: line %d is said clean: %q, %v", n, name, len(got), why, tab)
						}
					}
					got = append(got, bytes.Clone(b))
				}
				if stopAt < len(want) {
					continue
				}
				if len(got) != len(want) {
					t.Fatalf("%d bytes, %s: %d lines; want %d", n, name, len(got), len(want))
				}
				for i := range got {
					if !bytes.Equal(got[i], want[i]) {
						t.Fatalf("%d bytes, %s: line %d differs", n, name, i)
					}
				}
			}
		}
	}
}

// TestLineReaderLargeBlocks: past largeAfter blocks the lines come from
// blocks of largeBlockSize, and are the input's lines still.
func TestLineReaderLargeBlocks(t *testing.T) {
	t.Parallel()
	in := linesInput(rand.New(rand.NewPCG(15, 16)), largeAfter*blockSize+5*largeBlockSize+11, false)
	l := newLineReader(bytes.NewReader(in))
	var got []byte
	large := 0
	for {
		b, err := l.line()
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			break
		}
		got = append(got, b...)
		if cap(l.buf) == largeBlockSize {
			large++
		}
	}
	if !bytes.Equal(got, in) {
		t.Fatal("the lines are not the input")
	}
	if large == 0 {
		t.Errorf("no line came from a block of %d bytes", largeBlockSize)
	}
}

// TestLineReaderError: an error of the input comes after the lines before
// it, with the bytes of the line it cut; rest before it ends with it.
func TestLineReaderError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	r := rand.New(rand.NewPCG(13, 14))
	in := linesInput(r, 3*blockSize+5, true)
	lines := bytes.SplitAfter(in, []byte("\n"))
	failing := func() io.Reader { return io.MultiReader(bytes.NewReader(in), iotest.ErrReader(boom)) }

	l := newLineReader(failing())
	var got []byte
	for {
		b, err := l.line()
		got = append(got, b...)
		if err != nil {
			if !errors.Is(err, boom) || !bytes.Equal(got, in) {
				t.Fatalf("error %v after %d of %d bytes; want boom after all", err, len(got), len(in))
			}
			break
		}
		if len(b) == 0 {
			t.Fatal("the input ended without its error")
		}
	}

	l = newLineReader(failing())
	for range len(lines) / 2 {
		if _, err := l.line(); err != nil {
			t.Fatal(err)
		}
	}
	rest, err := io.ReadAll(l.rest())
	if !errors.Is(err, boom) || !bytes.HasSuffix(in, rest) || len(rest) == 0 {
		t.Fatalf("rest: %d bytes and %v; want the input's last bytes, then boom", len(rest), err)
	}
}

// TestClean: clean's eight bytes at a time say what cleanByte says of
// each byte: every byte value at every place of a block of twenty, among
// clean bytes, and random blocks.
func TestClean(t *testing.T) {
	t.Parallel()
	all := func(b []byte) bool {
		for _, c := range b {
			if !cleanByte(c) {
				return false
			}
		}
		return true
	}
	b := []byte("abc: d\n  - e f\n~ !xy")
	for at := range b {
		for c := 0; c < 256; c++ {
			x := bytes.Clone(b)
			x[at] = byte(c)
			for _, from := range []int{0, 1, 3} {
				if got, want := clean(x[from:]), all(x[from:]); got != want {
					t.Fatalf("clean(%q) = %v, want %v", x[from:], got, want)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		x := make([]byte, r.IntN(100))
		for i := range x {
			x[i] = byte(0x20 + r.IntN(0x5f))
			if r.IntN(40) == 0 {
				x[i] = byte(r.IntN(256))
			}
		}
		if got, want := clean(x), all(x); got != want {
			t.Fatalf("clean(%q) = %v, want %v", x, got, want)
		}
	}
}
