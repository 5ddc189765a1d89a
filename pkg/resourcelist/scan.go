package resourcelist

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// lineKind says what a line is, in the block context of a YAML document.
type lineKind uint8

const (
	blankLine   lineKind = iota // empty, or spaces only
	commentLine                 // a comment after the indentation
	contentLine                 // starts a token: a key, a "- ", a value
	insideLine                  // continues a block scalar, a quoted or plain scalar, or a flow collection
)

// valueKind is the form of the value that a content line holds.
type valueKind uint8

const (
	noValue     valueKind = iota // "key:" or "-" with the value on later lines
	plainValue                   // a plain scalar on this line
	quotedValue                  // a quoted scalar closed on this line
	otherValue                   // a block scalar, a flow collection, a tagged or multi-line value
)

// line is what the tokenizer found in one line.
type line struct {
	kind   lineKind
	indent int // leading spaces
	// For content lines:
	dashes    int    // "- " indicators before the first token
	col       int    // column of the token after the dashes; -1 if none
	key       []byte // the key on this line, unquoted; nil if none
	quotedKey bool
	keyQuote  byte   // the quote of a quoted key
	quote     byte   // the quote of a quoted value
	value     []byte // a plain or quoted scalar value, unquoted
	// valueAt is where value starts in the line; -1 when unquoting made
	// it a copy.
	valueAt  int
	valueIs  valueKind
	hasValue bool // a key with a value on this line (not only a comment)
	// escaped: a double-quoted key or value with escapes, whose text is
	// not what value or key hold.
	escaped bool
}

// tokenizer follows the YAML constructs that can span lines, so that the
// reader knows for each line whether it starts a new token or continues an
// earlier one: block scalars (whose lines can look like anything), quoted
// and plain scalars over several lines, and flow collections (where even
// a line at column 0 may continue a value). It understands one form of
// each line exactly (the form kyaml prints); anything else sets complex,
// and the reader then parses that item to check the item's bounds and to
// read it.
type tokenizer struct {
	state tokState
	// owner is the indentation of the collection that holds the block or
	// plain scalar being continued: lines must be indented more.
	owner int
	// indent is a block scalar's content indentation (0 until its first
	// non-blank line); maxBlank the longest all-space line before it.
	indent, maxBlank int
	quote            byte   // the quote of a multi-line quoted scalar
	flow             []byte // open brackets of a multi-line flow collection
	flowPlain        bool   // inside a plain scalar in the flow collection

	complex bool // a form that needs the full parse of the item
	// noTabs: the caller knows the line has no tab, which would make it
	// complex; the tokenizer then does not look for one.
	noTabs bool
	// unsafe is a form that kyaml itself reads differently from a YAML
	// parser that sees one item, or that the fast path does not follow at
	// all: the whole input must go the full parse.
	unsafe string
}

type tokState uint8

const (
	normal tokState = iota
	inBlockScalar
	inQuoted
	inFlow
	inPlain // after a plain scalar: more indented lines continue it
)

// next reads one line, without its line break, into ln: the caller's, so
// that the line's fields are written once, not copied out (the reader
// takes millions of lines).
func (t *tokenizer) next(b []byte, ln *line) {
	switch t.state {
	case inBlockScalar:
		if t.blockScalarLine(b, ln) {
			return
		}
	case inQuoted:
		t.complex = true
		end, closed := scanQuoted(b, 0, t.quote)
		if closed {
			t.state, t.quote = normal, 0
			t.afterScalar(b, end)
		}
		*ln = line{kind: insideLine, indent: indentOf(b)}
		return
	case inFlow:
		t.complex = true
		t.continueFlow(b, 0)
		*ln = line{kind: insideLine, indent: indentOf(b)}
		return
	case inPlain:
		ind := indentOf(b)
		if ind == len(b) {
			*ln = line{kind: blankLine, indent: ind}
			return
		}
		if b[ind] != '#' && ind > t.owner {
			// A plain scalar goes on: the line is text (and "key: x"
			// there is invalid, which the parse says).
			t.complex = true
			*ln = line{kind: insideLine, indent: ind}
			return
		}
		t.state = normal
	}
	t.contentOrComment(b, ln)
}

func indentOf(b []byte) int {
	i := 0
	// Eight bytes at a time: the first that is not a space is the lowest
	// byte of x^spaces that is not zero.
	const spaces = 0x2020202020202020
	for ; i+8 <= len(b); i += 8 {
		if x := binary.LittleEndian.Uint64(b[i:]) ^ spaces; x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
	}
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

// blockScalarLine handles a line after a block scalar header; it is false,
// ln untouched, when the line ends the scalar.
func (t *tokenizer) blockScalarLine(b []byte, ln *line) bool {
	ind := indentOf(b)
	if ind == len(b) {
		if t.indent == 0 && ind > t.maxBlank {
			t.maxBlank = ind
		}
		*ln = line{kind: blankLine, indent: ind}
		return true
	}
	if t.indent == 0 {
		if ind > t.owner {
			t.indent = ind
			if t.maxBlank > ind {
				// The parser takes the longest blank line as the indentation.
				t.complex = true
			}
			*ln = line{kind: insideLine, indent: ind}
			return true
		}
	} else if ind >= t.indent {
		*ln = line{kind: insideLine, indent: ind}
		return true
	}
	t.state = normal
	return false
}

// contentOrComment reads a line in the block context.
func (t *tokenizer) contentOrComment(b []byte, ln *line) {
	ind := indentOf(b)
	*ln = line{indent: ind, col: -1}
	if ind == len(b) {
		ln.kind = blankLine
		return
	}
	if b[ind] == '\t' {
		t.unsafe = "a tab in the indentation"
		ln.kind = blankLine
		return
	}
	if !t.noTabs && bytes.IndexByte(b, '\t') >= 0 {
		t.complex = true
	}
	if b[ind] == '#' {
		ln.kind = commentLine
		return
	}
	ln.kind = contentLine
	p, dashCol := ind, -1
	for p < len(b) && b[p] == '-' && (p+1 == len(b) || b[p+1] == ' ') {
		ln.dashes++
		dashCol = p
		p++
		for p < len(b) && b[p] == ' ' {
			p++
		}
	}
	if p == len(b) || b[p] == '#' {
		return
	}
	ln.col = p
	owner := p // a key's value belongs to the mapping at the key's column
	switch c := b[p]; {
	case c == '"' || c == '\'':
		end, closed := scanQuoted(b, p+1, c)
		if !closed {
			t.complex = true
			t.state, t.quote = inQuoted, c
			return
		}
		text := b[p+1 : end-1]
		q := skipSpaces(b, end)
		if q < len(b) && b[q] == ':' && (q+1 == len(b) || b[q+1] == ' ') {
			ln.key, ln.escaped = unquote(text, c)
			ln.quotedKey, ln.keyQuote = true, c
			if ln.escaped {
				t.complex = true
			}
			t.value(b, q+1, owner, ln)
			return
		}
		ln.value, ln.escaped = unquote(text, c)
		ln.valueAt = quotedAt(ln.value, text, p+1)
		ln.valueIs, ln.hasValue, ln.quote = quotedValue, true, c
		t.afterScalar(b, end)
		return
	case c == '?' && (p+1 == len(b) || b[p+1] == ' '):
		t.unsafe = "an explicit key (\"? \")"
		return
	case c == '[' || c == '{':
		t.complex = true
		t.startFlow(b, p)
		return
	}
	if ln.dashes > 0 {
		owner = dashCol
	}
	keyEnd, isKey := plainKey(b, p)
	if !isKey {
		// A value on its own line: a list entry, or the value of the
		// key above, or the next line of a plain scalar. Only the
		// first is simple.
		if ln.dashes == 0 {
			t.complex = true
			owner = ind - 1
		}
		t.value(b, p, owner, ln)
		return
	}
	k := keyEnd
	for k > p && b[k-1] == ' ' {
		k--
	}
	ln.key = b[p:k]
	if !simpleKey(ln.key) {
		t.complex = true
	}
	t.value(b, keyEnd+1, p, ln)
}

// value reads the value that starts at b[p:] (after "key:" or "- "); owner
// is the indentation of the collection that holds it.
func (t *tokenizer) value(b []byte, p, owner int, ln *line) {
	p = skipSpaces(b, p)
	if p == len(b) || b[p] == '#' {
		return
	}
	ln.hasValue = true
	switch c := b[p]; c {
	case '|', '>':
		ln.valueIs = otherValue
		t.blockHeader(b, p+1, owner)
		return
	case '"', '\'':
		end, closed := scanQuoted(b, p+1, c)
		if !closed {
			t.complex = true
			ln.valueIs = otherValue
			t.state, t.quote = inQuoted, c
			return
		}
		ln.value, ln.escaped = unquote(b[p+1:end-1], c)
		ln.valueAt = quotedAt(ln.value, b[p+1:end-1], p+1)
		ln.valueIs, ln.quote = quotedValue, c
		t.afterScalar(b, end)
		return
	case '[', '{':
		t.complex = true
		ln.valueIs = otherValue
		t.startFlow(b, p)
		return
	case '&':
		t.unsafe = "an anchor"
		return
	case '*':
		t.unsafe = "an alias"
		return
	case '!':
		// A tag: read what follows it as the value.
		t.complex = true
		q := p
		for q < len(b) && b[q] != ' ' {
			q++
		}
		ln.valueIs = otherValue
		var rest line
		t.value(b, q, owner, &rest)
		return
	case '%', '@', '`', ',', ']', '}':
		t.complex = true // not a valid start of a plain scalar
	case '-', '?', ':':
		if p+1 == len(b) || b[p+1] == ' ' {
			t.complex = true // "key: - x" and the like
		}
	}
	// A plain scalar, to the end of the line or a comment.
	end := plainEnd(b, p)
	ln.value, ln.valueAt = b[p:end], p
	ln.valueIs = plainValue
	if ln.value[len(ln.value)-1] == ':' || hasColonSpace(ln.value) {
		t.complex = true
	}
	t.state, t.owner = inPlain, owner
}

// plainEnd returns where a plain scalar that starts at p ends on its line:
// at a comment or the end, trailing spaces cut.
func plainEnd(b []byte, p int) int {
	end := len(b)
	if i := indexSpaced(b[p:], '#'); i >= 0 {
		end = p + i - 1
	}
	for end > p && b[end-1] == ' ' {
		end--
	}
	return end
}

// indexSpaced is where c first follows a space in b, -1 if nowhere:
// bytes.Index(b, " "+c)+1 in one pass of IndexByte, as c is rare in values.
func indexSpaced(b []byte, c byte) int {
	for at := 0; ; {
		i := bytes.IndexByte(b[at:], c)
		if i < 0 {
			return -1
		}
		if at+i > 0 && b[at+i-1] == ' ' {
			return at + i
		}
		at += i + 1
	}
}

// hasColonSpace reports whether b holds ": ".
func hasColonSpace(b []byte) bool {
	for at := 0; ; {
		i := bytes.IndexByte(b[at:], ':')
		if i < 0 || at+i+1 >= len(b) {
			return false
		}
		if b[at+i+1] == ' ' {
			return true
		}
		at += i + 1
	}
}

// afterScalar checks what follows a quoted scalar or a flow collection that
// ended at b[end]: nothing, or a comment.
func (t *tokenizer) afterScalar(b []byte, end int) {
	q := skipSpaces(b, end)
	if q < len(b) && b[q] != '#' {
		t.complex = true // "x": y on a continued line, or text after the value
	}
	if q < len(b) && b[q] == '#' && q == end {
		t.complex = true // a comment must follow a space
	}
}

func (t *tokenizer) blockHeader(b []byte, p, owner int) {
	t.state, t.owner, t.indent, t.maxBlank = inBlockScalar, owner, 0, 0
	for i := 0; i < 2 && p < len(b); i++ {
		switch c := b[p]; {
		case c == '+' || c == '-':
			p++
		case c >= '1' && c <= '9':
			// An explicit indentation: relative to the collection.
			t.indent = owner + int(c-'0')
			if owner < 0 {
				t.indent = int(c - '0')
			}
			t.complex = true
			p++
		}
	}
	q := skipSpaces(b, p)
	if q < len(b) && (b[q] != '#' || q == p) {
		t.complex = true // the parse will refuse it
	}
}

func skipSpaces(b []byte, p int) int {
	for p < len(b) && b[p] == ' ' {
		p++
	}
	return p
}

// scanQuoted looks for the end of a quoted scalar whose text starts at
// b[p]; end is just after the closing quote.
func scanQuoted(b []byte, p int, quote byte) (end int, closed bool) {
	for p < len(b) {
		c := b[p]
		switch {
		case quote == '"' && c == '\\':
			p += 2
			continue
		case c == quote:
			if quote == '\'' && p+1 < len(b) && b[p+1] == '\'' {
				p += 2
				continue
			}
			return p + 1, true
		}
		p++
	}
	return len(b), false
}

// unquote returns the text of a quoted scalar that fits on one line;
// escaped is true for a double-quoted one with escapes, whose text the
// parser must work out.
func unquote(text []byte, quote byte) (value []byte, escaped bool) {
	if quote == '"' {
		return text, bytes.IndexByte(text, '\\') >= 0
	}
	if bytes.Contains(text, []byte("''")) {
		return bytes.ReplaceAll(text, []byte("''"), []byte("'")), false
	}
	return text, false
}

// quotedAt is where a quoted value's text starts in its line, or -1 when
// unquoting copied it.
func quotedAt(value, text []byte, at int) int {
	if len(value) != len(text) {
		return -1
	}
	return at
}

// plainKey finds the ": " (or final ":") that ends a plain key starting at
// b[p], before any comment.
func plainKey(b []byte, p int) (colon int, ok bool) {
	for i := p; i < len(b); i++ {
		switch b[i] {
		case ':':
			if i+1 == len(b) || b[i+1] == ' ' {
				return i, true
			}
		case '#':
			if b[i-1] == ' ' {
				return 0, false
			}
		}
	}
	return 0, false
}

// simpleKey reports whether a plain key is one the fast path reads as it
// is: one that does not start with an indicator.
func simpleKey(k []byte) bool {
	if len(k) == 0 {
		return false
	}
	switch k[0] {
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return false
	}
	return true
}

// startFlow reads a flow collection that starts at b[p].
func (t *tokenizer) startFlow(b []byte, p int) {
	t.flow = t.flow[:0]
	t.flowPlain, t.quote = false, 0
	t.state = inFlow
	t.continueFlow(b, p)
}

// continueFlow reads flow content from b[p:]: brackets, quoted scalars and
// comments, so that it finds where the collection ends.
func (t *tokenizer) continueFlow(b []byte, p int) {
	for p < len(b) {
		if t.quote != 0 {
			end, closed := scanQuoted(b, p, t.quote)
			if !closed {
				return
			}
			t.quote, p = 0, end
			continue
		}
		c := b[p]
		switch {
		case c == '#' && (p == 0 || b[p-1] == ' '):
			return // a comment, to the end of the line
		case c == '[' || c == '{':
			t.flow = append(t.flow, c)
			t.flowPlain = false
		case c == ']' || c == '}':
			if len(t.flow) == 0 || (c == ']') != (t.flow[len(t.flow)-1] == '[') {
				t.complex = true
				t.state = normal
				return
			}
			t.flow = t.flow[:len(t.flow)-1]
			t.flowPlain = false
			if len(t.flow) == 0 {
				t.state = normal
				t.afterScalar(b, p+1)
				return
			}
		case c == ',':
			t.flowPlain = false
		case c == ':' && (p+1 == len(b) || b[p+1] == ' ' || b[p+1] == ',' || b[p+1] == ']' || b[p+1] == '}'):
			t.flowPlain = false
		case c == ' ':
		case (c == '"' || c == '\'') && !t.flowPlain:
			t.quote = c
		case c == '&' || c == '*':
			if !t.flowPlain {
				t.unsafe = "an anchor or alias"
				return
			}
		default:
			t.flowPlain = true
		}
		p++
	}
	// The line ends inside the collection: the next line goes on.
	t.complex = true
}

// printable checks that a line holds only characters that kyaml reads as
// this reader does: no control characters, no carriage returns, valid UTF-8
// without the line breaks NEL, LS and PS and without a byte-order mark.
// tab says whether a printable line holds a tab, which the tokenizer would
// otherwise look for again.
func printable(b []byte) (ok bool, why string, tab bool) {
	i := 0
	// Eight bytes at a time while they are all between ' ' and '~'. A
	// byte below 0x20 sets its high bit in x-0x20 (where x's is clear), a
	// byte of 0x7f sets it in x+1, and a byte of 0x80 or over has it (the
	// bit tricks' "hasless" and "hasmore"). A borrow or a carry moves a
	// high bit only past a byte that has one already.
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if ((x-ones*0x20)&^x|(x+ones)|x)&highs != 0 {
			break // the byte loop looks closer
		}
	}
	if i < len(b) && i >= 8 && i+8 > len(b) {
		// The last few bytes: the last eight, some of them looked at
		// already, at once.
		x := binary.LittleEndian.Uint64(b[len(b)-8:])
		if ((x-ones*0x20)&^x|(x+ones)|x)&highs == 0 {
			return true, "", false
		}
	}
	for ; i < len(b); i++ {
		c := b[i]
		if plainASCII[c] {
			tab = tab || c == '\t'
			continue
		}
		if c == '\r' {
			return false, "a carriage return (CRLF line ends)", false
		}
		if c < 0x80 {
			return false, "a control character", false
		}
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return false, "invalid UTF-8", false
		case r == 0x85 || r == 0x2028 || r == 0x2029:
			return false, "a NEL, LS or PS line break", false
		case r == 0xFEFF:
			return false, "a byte-order mark", false
		case r < 0xA0 || r >= 0xD800 && r < 0xE000 || r == 0xFFFE || r == 0xFFFF:
			return false, "a non-printable character", false
		}
		i += size - 1
	}
	return true, "", tab
}

// plainASCII are the bytes that printable passes without a closer look.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\t'] = true
	return t
}()
