package resourcelist

import (
	"bytes"
	"encoding/binary"
	"io"
)

// lineReader gives the input's lines, each with its line break. Past its
// first block, the input is read by a goroutine a few blocks ahead of the
// lines being scanned: the reads, their copying and any wait on a pipe go
// to another core than the scan, which is the read's critical path, and
// so does the search for the line breaks, and the check that a block
// holds only printable ASCII (see clean).
type lineReader struct {
	in   io.Reader
	cur  []byte // the unread part of the current block
	buf  []byte // the current block, given back when done
	long []byte // a line across blocks
	// err ended the input after the current block: io.EOF, or a read's
	// error.
	err error
	// ends are where the line breaks of the current block are, when the
	// goroutine found them (else nil); nextEnd is the first not yet
	// given, off where cur starts in the block.
	ends         []int32
	nextEnd, off int
	// blockClean: the current block holds only the bytes of cleanByte;
	// clean: so does the line last given, which lies in it.
	blockClean, clean bool

	ahead   bool       // the goroutine runs
	blocks  chan block // read, in order; never full (see fill)
	free    chan block // buffers, and room for their ends
	buffers int        // the goroutine's buffers, besides the first block's
	taken   int        // blocks taken
	stop    chan struct{}
	stopped chan struct{}
}

type block struct {
	b     []byte
	ends  []int32 // b's line breaks
	clean bool    // b holds only cleanByte's bytes
	err   error
}

// The input is read in blocks of blockSize, with aheadBlocks of them read
// and not yet scanned; past moreAfter blocks, each time the scan waits for
// a block, the goroutine gets another buffer, up to maxAhead: when both
// cores are busy, the goroutine reads little at a time, and the scan of a
// large list waited for it 20 to 70 times (5 to 30 ms in all) with two.
// Past largeAfter blocks (16 MiB, twice the 10,000-item lists, whose peak
// memory counts) the buffers that come back are replaced by ones of
// largeBlockSize, with maxAheadLarge of them ahead at most: from a pipe, a read of
// 128 KiB woke the writer each time it had filled the pipe, and at
// 100,000 items the writer's CPU went from 84 to 61 ms, mirrorset's from
// 1.91 to 1.81 s, with blocks of a MiB (medians of ten runs).
const (
	blockSize      = 128 << 10
	aheadBlocks    = 2
	maxAhead       = 8
	moreAfter      = 64
	largeBlockSize = 1 << 20
	largeAfter     = 128
	maxAheadLarge  = 3
)

func newLineReader(in io.Reader) *lineReader { return &lineReader{in: in} }

// line returns the next line, valid until the next call; at the end of the
// input, the last bytes if they have no line break, then nothing. An error
// of the input comes with what came before it.
func (l *lineReader) line() ([]byte, error) {
	joined := false
	l.long, l.clean = l.long[:0], false
	for {
		i := -1
		switch {
		case l.ends == nil:
			i = bytes.IndexByte(l.cur, '\n')
		case l.nextEnd < len(l.ends):
			i = int(l.ends[l.nextEnd]) - l.off
			l.nextEnd++
		}
		if i >= 0 {
			b := l.cur[:i+1]
			l.cur, l.off = l.cur[i+1:], l.off+i+1
			if joined {
				l.long = append(l.long, b...)
				return l.long, nil
			}
			l.clean = l.blockClean
			return b, nil
		}
		if len(l.cur) > 0 {
			l.long = append(l.long, l.cur...)
			l.cur, joined = nil, true
		}
		if l.err != nil {
			err := l.err
			if err == io.EOF {
				err = nil
			}
			if joined {
				return l.long, err
			}
			return nil, err
		}
		l.next()
	}
}

// next takes the next block: the first one read here, those after it from
// the goroutine, which starts once the first block is full (a small input
// costs no goroutine).
func (l *lineReader) next() {
	if l.buf == nil && !l.ahead {
		buf := make([]byte, blockSize)
		n, err := io.ReadFull(l.in, buf)
		l.buf, l.cur, l.err = buf, buf[:n], blockErr(err)
		if l.err == nil {
			l.start()
		}
		return
	}
	size, most := blockSize, maxAhead
	if l.taken >= largeAfter {
		size, most = largeBlockSize, maxAheadLarge
	}
	switch {
	case cap(l.buf) == size:
		l.free <- block{b: l.buf[:cap(l.buf)], ends: l.ends[:0]}
	case l.buffers > most:
		l.buffers-- // fewer, larger buffers from here
	default:
		l.free <- block{b: make([]byte, size), ends: l.ends[:0]}
	}
	l.taken++
	if len(l.blocks) == 0 && l.taken > moreAfter && l.buffers < most {
		l.buffers++
		l.free <- block{b: make([]byte, size)}
	}
	b := <-l.blocks
	l.buf, l.cur, l.err = b.b, b.b, b.err
	l.ends, l.nextEnd, l.off, l.blockClean = b.ends, 0, 0, b.clean
}

// blockErr is io.ReadFull's error as the end of the input: a short last
// block is the end (io.EOF), any other error stays.
func blockErr(err error) error {
	if err == io.ErrUnexpectedEOF {
		return io.EOF
	}
	return err
}

func (l *lineReader) start() {
	l.ahead = true
	// Every buffer can be in blocks at once: fill never waits to hand
	// one over, and stop never loses one.
	l.blocks = make(chan block, maxAhead+1)
	l.free = make(chan block, maxAhead+1)
	l.stop, l.stopped = make(chan struct{}), make(chan struct{})
	for range aheadBlocks {
		l.free <- block{b: make([]byte, blockSize)}
	}
	l.buffers = aheadBlocks
	go l.fill()
}

// fill reads blocks into free buffers until the input ends or stop, and
// finds their line breaks.
func (l *lineReader) fill() {
	defer close(l.stopped)
	for {
		var b block
		select {
		case b = <-l.free:
		case <-l.stop:
			return
		}
		n, err := io.ReadFull(l.in, b.b)
		b.b, b.err = b.b[:n], blockErr(err)
		b.ends = lineEnds(b.ends[:0], b.b)
		b.clean = clean(b.b)
		l.blocks <- b
		if b.err != nil {
			return
		}
	}
}

// lineEnds appends to ends where the line breaks of b are.
func lineEnds(ends []int32, b []byte) []int32 {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return ends
		}
		i += j
		ends = append(ends, int32(i))
		i++
	}
}

// clean reports whether b holds only the bytes of cleanByte: its lines are
// then printable, without a tab.
func clean(b []byte) bool {
	// Eight bytes at a time, each byte on its own (no borrow or carry
	// crosses one): b&0x7f + 0x60 has the high bit for 0x20 and over,
	// b&0x7f + 1 for 0x7f; x itself for 0x80 and over; and a byte of
	// x^0x0a is zero for a line break.
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		control := ^((x & lows) + ones*0x60) & highs
		del := ((x & lows) + ones) & highs
		z := x ^ ones*'\n'
		lineBreak := ^(((z & lows) + lows) | z) & highs
		if (control&^lineBreak)|del|(x&highs) != 0 {
			return false
		}
	}
	for ; i < len(b); i++ {
		if !cleanByte(b[i]) {
			return false
		}
	}
	return true
}

// cleanByte reports whether c is printable ASCII (' ' to '~') or a line
// break.
func cleanByte(c byte) bool { return c >= ' ' && c <= '~' || c == '\n' }

// rest returns the input not yet given as lines, from the first byte after
// the last line, and ends the goroutine: the unread part of the current
// block, the blocks read ahead, then the input itself, or the error that
// ended it.
func (l *lineReader) rest() io.Reader {
	parts := []io.Reader{bytes.NewReader(l.cur)}
	err := l.err
	if l.ahead && err == nil {
		close(l.stop)
		<-l.stopped
		for err == nil && len(l.blocks) > 0 {
			b := <-l.blocks
			parts = append(parts, bytes.NewReader(b.b))
			err = b.err
		}
	}
	l.cur, l.err = nil, io.EOF // nothing more comes from here
	switch err {
	case nil:
		parts = append(parts, l.in)
	case io.EOF:
	default:
		parts = append(parts, errReader{err})
	}
	return io.MultiReader(parts...)
}
