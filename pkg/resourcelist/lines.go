package resourcelist

import (
	"bytes"
	"io"
)

// lineReader gives the input's lines, each with its line break. Past its
// first block, the input is read by a goroutine a few blocks ahead of the
// lines being scanned: the reads, their copying and any wait on a pipe go
// to another core than the scan, which is the read's critical path.
type lineReader struct {
	in   io.Reader
	cur  []byte // the unread part of the current block
	buf  []byte // the current block, given back when done
	long []byte // a line across blocks
	// err ended the input after the current block: io.EOF, or a read's
	// error.
	err error

	ahead   bool       // the goroutine runs
	blocks  chan block // read, in order; never full (see fill)
	free    chan []byte
	buffers int // given to free so far
	taken   int // blocks taken
	stop    chan struct{}
	stopped chan struct{}
}

type block struct {
	b   []byte
	err error
}

// The input is read in blocks of blockSize, with aheadBlocks of them read
// and not yet scanned; past moreAfter blocks, each time the scan waits for
// a block, the goroutine gets another buffer, up to maxAhead: when both
// cores are busy, the goroutine reads little at a time, and the scan of a
// large list waited for it 20 to 70 times (5 to 30 ms in all) with two.
const (
	blockSize   = 128 << 10
	aheadBlocks = 2
	maxAhead    = 8
	moreAfter   = 64
)

func newLineReader(in io.Reader) *lineReader { return &lineReader{in: in} }

// line returns the next line, valid until the next call; at the end of the
// input, the last bytes if they have no line break, then nothing. An error
// of the input comes with what came before it.
func (l *lineReader) line() ([]byte, error) {
	joined := false
	l.long = l.long[:0]
	for {
		if i := bytes.IndexByte(l.cur, '\n'); i >= 0 {
			b := l.cur[:i+1]
			l.cur = l.cur[i+1:]
			if joined {
				l.long = append(l.long, b...)
				return l.long, nil
			}
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
	l.free <- l.buf[:cap(l.buf)]
	l.taken++
	if len(l.blocks) == 0 && l.taken > moreAfter && l.buffers < maxAhead {
		l.buffers++
		l.free <- make([]byte, blockSize)
	}
	b := <-l.blocks
	l.buf, l.cur, l.err = b.b, b.b, b.err
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
	l.free = make(chan []byte, maxAhead+1)
	l.stop, l.stopped = make(chan struct{}), make(chan struct{})
	for range aheadBlocks {
		l.free <- make([]byte, blockSize)
	}
	l.buffers = aheadBlocks
	go l.fill()
}

// fill reads blocks into free buffers until the input ends or stop.
func (l *lineReader) fill() {
	defer close(l.stopped)
	for {
		var buf []byte
		select {
		case buf = <-l.free:
		case <-l.stop:
			return
		}
		n, err := io.ReadFull(l.in, buf)
		err = blockErr(err)
		l.blocks <- block{buf[:n], err}
		if err != nil {
			return
		}
	}
}

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
