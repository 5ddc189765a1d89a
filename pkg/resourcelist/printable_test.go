package resourcelist

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// printableByByte is printable as it was before it read eight bytes at a
// time: a byte at a time.
func printableByByte(b []byte) (ok bool, why string) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if plainASCII[c] {
			continue
		}
		if c == '\r' {
			return false, "a carriage return (CRLF line ends)"
		}
		if c < 0x80 {
			return false, "a control character"
		}
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return false, "invalid UTF-8"
		case r == 0x85 || r == 0x2028 || r == 0x2029:
			return false, "a NEL, LS or PS line break"
		case r == 0xFEFF:
			return false, "a byte-order mark"
		case r < 0xA0 || r >= 0xD800 && r < 0xE000 || r == 0xFFFE || r == 0xFFFF:
			return false, "a non-printable character"
		}
		i += size - 1
	}
	return true, ""
}

// TestPrintableByWords puts every byte value at every place of lines of
// one to twenty bytes, and random lines, and requires the answer of the
// byte loop.
func TestPrintableByWords(t *testing.T) {
	check := func(b []byte) {
		t.Helper()
		ok, why, tab := printable(b)
		wantOK, wantWhy := printableByByte(b)
		if ok != wantOK || why != wantWhy {
			t.Fatalf("%q: %v %q; want %v %q", b, ok, why, wantOK, wantWhy)
		}
		if wantTab := bytes.IndexByte(b, '\t') >= 0; ok && tab != wantTab {
			t.Fatalf("%q: tab %v; want %v", b, tab, wantTab)
		}
	}
	for n := 1; n <= 20; n++ {
		for at := 0; at < n; at++ {
			for c := 0; c < 256; c++ {
				b := []byte("abcdefghijklmnopqrst"[:n])
				b[at] = byte(c)
				check(b)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			switch r.IntN(10) {
			case 0:
				b[i] = byte(r.IntN(256))
			default:
				b[i] = byte(0x20 + r.IntN(0x5f))
			}
		}
		check(b)
	}
	check([]byte("a line of text with ü, é and ∀ in it"))
	check([]byte("0123456\u0085 and the rest"))
}

// FuzzPrintable holds printable to the byte loop on any line.
func FuzzPrintable(f *testing.F) {
	f.Add([]byte("  image: quay.io/acme/app:v1"))
	f.Add([]byte("abcdefg\x7fhijklmno"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ok, why, tab := printable(b)
		if wantOK, wantWhy := printableByByte(b); ok != wantOK || why != wantWhy {
			t.Fatalf("%q: %v %q; want %v %q", b, ok, why, wantOK, wantWhy)
		}
		if wantTab := bytes.IndexByte(b, '\t') >= 0; ok && tab != wantTab {
			t.Fatalf("%q: tab %v; want %v", b, tab, wantTab)
		}
	})
}

// TestSpacedSearches holds indexSpaced and hasColonSpace to the bytes
// package's searches they stand for, on lines drawn from a few bytes.
func TestSpacedSearches(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 50000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = " #:a"[r.IntN(4)]
		}
		want := bytes.Index(b, []byte(" #"))
		if want >= 0 {
			want++
		}
		if got := indexSpaced(b, '#'); got != want {
			t.Fatalf("indexSpaced(%q) = %d; want %d", b, got, want)
		}
		if got, want := hasColonSpace(b), bytes.Contains(b, []byte(": ")); got != want {
			t.Fatalf("hasColonSpace(%q) = %v; want %v", b, got, want)
		}
	}
}

// TestIndentOf holds indentOf, which reads eight bytes at a time, to a
// count of the leading spaces.
func TestIndentOf(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		b := make([]byte, r.IntN(40))
		n := r.IntN(len(b) + 1)
		for i := range b {
			b[i] = ' '
			if i >= n {
				b[i] = " a\t#-"[r.IntN(5)]
			}
		}
		want := 0
		for want < len(b) && b[want] == ' ' {
			want++
		}
		if got := indentOf(b); got != want {
			t.Fatalf("indentOf(%q) = %d; want %d", b, got, want)
		}
	}
}
