package yamlprint

import "unicode/utf8"

// analysis is the part of yaml_emitter_analyze_scalar's scalar_data that
// block output uses.
type analysis struct {
	multiline           bool
	flowPlainAllowed    bool
	blockPlainAllowed   bool
	singleQuotedAllowed bool
	blockAllowed        bool
}

// safeFirst and safe are the ASCII bytes that set none of
// yaml_emitter_analyze_scalar's flags at the start of a value and after
// it; ':' is safe when another safe byte follows it.
var safeFirst, safe [256]bool

func init() {
	for c := 0; c < 256; c++ {
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		safeFirst[c] = alnum || c == '/' || c == '_'
		safe[c] = alnum || c == '/' || c == '_' || c == '.' || c == '-' || c == '@' || c == '=' || c == '+' || c == ':'
	}
}

// everythingAllowed is the analysis of a value that needs nothing.
var everythingAllowed = analysis{flowPlainAllowed: true, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true}

// analyze is yaml_emitter_analyze_scalar, in the same order of checks,
// after a shortcut for the names, paths and image references that most
// values are.
func analyze(value string) analysis {
	if len(value) > 0 && safeFirst[value[0]] && value[len(value)-1] != ':' {
		i := 1
		for i < len(value) && safe[value[i]] {
			i++
		}
		if i == len(value) {
			a := everythingAllowed
			// ':' is a flow indicator wherever it is.
			for j := 1; j < len(value); j++ {
				if value[j] == ':' {
					a.flowPlainAllowed = false
					break
				}
			}
			return a
		}
	}
	return analyzeAll(value)
}

// analyzeAll is yaml_emitter_analyze_scalar.
func analyzeAll(value string) analysis {
	if len(value) == 0 {
		return analysis{blockPlainAllowed: true, singleQuotedAllowed: true}
	}
	var (
		blockIndicators, flowIndicators                          bool
		lineBreaks, specialCharacters, tabCharacters             bool
		leadingSpace, leadingBreak, trailingSpace, trailingBreak bool
		breakSpace, spaceBreak, previousSpace, previousBreak     bool
	)
	if len(value) >= 3 && (value[:3] == "---" || value[:3] == "...") {
		blockIndicators = true
		flowIndicators = true
	}
	precededByWhitespace := true
	for i, w := 0, 0; i < len(value); i += w {
		w = width(value[i])
		followedByWhitespace := i+w >= len(value) || isBlank(value, i+w)
		if i == 0 {
			switch value[i] {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				flowIndicators = true
				blockIndicators = true
			case '?', ':':
				flowIndicators = true
				if followedByWhitespace {
					blockIndicators = true
				}
			case '-':
				if followedByWhitespace {
					flowIndicators = true
					blockIndicators = true
				}
			}
		} else {
			switch value[i] {
			case ',', '?', '[', ']', '{', '}':
				flowIndicators = true
			case ':':
				flowIndicators = true
				if followedByWhitespace {
					blockIndicators = true
				}
			case '#':
				if precededByWhitespace {
					flowIndicators = true
					blockIndicators = true
				}
			}
		}
		// The emitter is in unicode mode (encoder sets it), so only
		// non-printable characters are special.
		if value[i] == '\t' {
			tabCharacters = true
		} else if !isPrintable(value, i) {
			specialCharacters = true
		}
		if value[i] == ' ' {
			if i == 0 {
				leadingSpace = true
			}
			if i+w == len(value) {
				trailingSpace = true
			}
			if previousBreak {
				breakSpace = true
			}
			previousSpace, previousBreak = true, false
		} else if isBreak(value, i) {
			lineBreaks = true
			if i == 0 {
				leadingBreak = true
			}
			if i+w == len(value) {
				trailingBreak = true
			}
			if previousSpace {
				spaceBreak = true
			}
			previousSpace, previousBreak = false, true
		} else {
			previousSpace, previousBreak = false, false
		}
		precededByWhitespace = isBlankz(value, i)
	}
	a := everythingAllowed
	a.multiline = lineBreaks
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
		a.flowPlainAllowed = false
		a.blockPlainAllowed = false
	}
	if trailingSpace {
		a.blockAllowed = false
	}
	if breakSpace {
		a.flowPlainAllowed = false
		a.blockPlainAllowed = false
		a.singleQuotedAllowed = false
	}
	if spaceBreak || tabCharacters || specialCharacters {
		a.flowPlainAllowed = false
		a.blockPlainAllowed = false
		a.singleQuotedAllowed = false
	}
	if spaceBreak || specialCharacters {
		a.blockAllowed = false
	}
	if lineBreaks {
		a.flowPlainAllowed = false
		a.blockPlainAllowed = false
	}
	if flowIndicators {
		a.flowPlainAllowed = false
	}
	if blockIndicators {
		a.blockPlainAllowed = false
	}
	return a
}

// The character classes of yamlprivateh.go, on a string.

func width(b byte) int {
	switch {
	case b&0x80 == 0x00:
		return 1
	case b&0xE0 == 0xC0:
		return 2
	case b&0xF0 == 0xE0:
		return 3
	case b&0xF8 == 0xF0:
		return 4
	}
	return 0
}

func isPrintable(b string, i int) bool {
	return b[i] == 0x0A ||
		b[i] >= 0x20 && b[i] <= 0x7E ||
		b[i] == 0xC2 && b[i+1] >= 0xA0 ||
		b[i] > 0xC2 && b[i] < 0xED ||
		b[i] == 0xED && b[i+1] < 0xA0 ||
		b[i] == 0xEE ||
		b[i] == 0xEF && !(b[i+1] == 0xBB && b[i+2] == 0xBF) && !(b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF))
}

func isBlank(b string, i int) bool { return b[i] == ' ' || b[i] == '\t' }

func isBreak(b string, i int) bool {
	return b[i] == '\r' || b[i] == '\n' ||
		b[i] == 0xC2 && b[i+1] == 0x85 ||
		b[i] == 0xE2 && b[i+1] == 0x80 && (b[i+2] == 0xA8 || b[i+2] == 0xA9)
}

// isBlankz is is_blankz; the end of the string counts as its NUL.
func isBlankz(b string, i int) bool {
	return i >= len(b) || isBlank(b, i) || isBreak(b, i) || b[i] == 0
}

// isBOM is is_bom, which looks at the start of the value whatever i is.
func isBOM(b string) bool {
	return len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF
}

// put is put: one ASCII byte, one column.
func (p *printer) put(c byte) {
	p.out = append(p.out, c)
	p.col++
}

// putBreak is put_break with line_break LN.
func (p *printer) putBreak() {
	p.out = append(p.out, '\n')
	p.col = 0
	p.ind = true
}

// write is write: one character of s at i, one column; it returns the
// index after it.
func (p *printer) write(s string, i int) int {
	w := width(s[i])
	p.out = append(p.out, s[i:i+w]...)
	p.col++
	return i + w
}

// writeBreak is write_break.
func (p *printer) writeBreak(s string, i int) int {
	if s[i] == '\n' {
		p.putBreak()
		return i + 1
	}
	i = p.write(s, i)
	p.col = 0
	p.ind = true
	return i
}

// writeIndent is yaml_emitter_write_indent: after a foot comment at the
// same indent, a blank line.
func (p *printer) writeIndent() {
	indent := p.indent
	if indent < 0 {
		indent = 0
	}
	if !p.ind || p.col > indent || p.col == indent && !p.ws {
		p.putBreak()
	}
	if p.footIndent == indent {
		p.putBreak()
	}
	for p.col < indent {
		p.put(' ')
	}
	p.ws = true
	p.footIndent = -1
}

// processHead is yaml_emitter_process_head_comment: the tail (a key's foot
// comment) and the head comment waiting.
func (p *printer) processHead() {
	if p.tail != "" {
		p.writeIndent()
		p.writeComment(p.tail)
		p.tail = ""
		p.footIndent = max(p.indent, 0)
	}
	if p.head == "" {
		return
	}
	p.writeIndent()
	p.writeComment(p.head)
	p.head = ""
}

// processLine is yaml_emitter_process_line_comment_linebreak.
func (p *printer) processLine(linebreak bool) {
	if p.line == "" {
		if linebreak {
			p.putBreak()
		}
		return
	}
	if !p.ws {
		p.put(' ')
	}
	p.writeComment(p.line)
	p.line = ""
}

// processFoot is yaml_emitter_process_foot_comment.
func (p *printer) processFoot() {
	if p.foot == "" {
		return
	}
	p.writeIndent()
	p.writeComment(p.foot)
	p.foot = ""
	p.footIndent = max(p.indent, 0)
}

// writeComment is yaml_emitter_write_comment: each line starts with "# "
// unless it has its '#'.
func (p *printer) writeComment(comment string) {
	breaks, pound := false, false
	for i := 0; i < len(comment); {
		if isBreak(comment, i) {
			i = p.writeBreak(comment, i)
			breaks, pound = true, false
			continue
		}
		if breaks {
			p.writeIndent()
		}
		if !pound {
			if comment[i] != '#' {
				p.put('#')
				p.put(' ')
			}
			pound = true
		}
		i = p.write(comment, i)
		p.ind = false
		breaks = false
	}
	if !breaks {
		p.putBreak()
	}
	p.ws = true
}

// writeIndicator is yaml_emitter_write_indicator, for ASCII indicators.
func (p *printer) writeIndicator(indicator string, needWhitespace, isWhitespace, isIndention bool) {
	if needWhitespace && !p.ws {
		p.put(' ')
	}
	p.out = append(p.out, indicator...)
	p.col += len(indicator)
	p.ws = isWhitespace
	p.ind = p.ind && isIndention
}

// writePlain is yaml_emitter_write_plain_scalar. best_width is unlimited
// (kyaml sets no width), so no line is folded, and a plain scalar has no
// line breaks (analyze does not allow it).
func (p *printer) writePlain(value string) {
	if len(value) > 0 && !p.ws {
		p.put(' ')
	}
	p.out = append(p.out, value...)
	p.col += utf8.RuneCountInString(value)
	if len(value) > 0 {
		p.ws = false
	}
	p.ind = false
}

// writeSingleQuoted is yaml_emitter_write_single_quoted_scalar without
// folding at best_width.
func (p *printer) writeSingleQuoted(value string) {
	p.writeIndicator("'", true, false, false)
	breaks := false
	for i := 0; i < len(value); {
		switch {
		case value[i] == ' ':
			i = p.write(value, i)
		case isBreak(value, i):
			if !breaks && value[i] == '\n' {
				p.putBreak()
			}
			i = p.writeBreak(value, i)
			breaks = true
		default:
			if breaks {
				p.writeIndent()
			}
			if value[i] == '\'' {
				p.put('\'')
			}
			i = p.write(value, i)
			p.ind = false
			breaks = false
		}
	}
	p.writeIndicator("'", false, false, false)
	p.ws = false
	p.ind = false
}

// writeDoubleQuoted is yaml_emitter_write_double_quoted_scalar without
// folding at best_width.
func (p *printer) writeDoubleQuoted(value string) {
	p.writeIndicator("\"", true, false, false)
	bom := isBOM(value)
	for i := 0; i < len(value); {
		if !isPrintable(value, i) || bom || isBreak(value, i) || value[i] == '"' || value[i] == '\\' {
			v, w := utf8.DecodeRuneInString(value[i:])
			i += w
			p.put('\\')
			switch v {
			case 0x00:
				p.put('0')
			case 0x07:
				p.put('a')
			case 0x08:
				p.put('b')
			case 0x09:
				p.put('t')
			case 0x0A:
				p.put('n')
			case 0x0b:
				p.put('v')
			case 0x0c:
				p.put('f')
			case 0x0d:
				p.put('r')
			case 0x1b:
				p.put('e')
			case 0x22:
				p.put('"')
			case 0x5c:
				p.put('\\')
			case 0x85:
				p.put('N')
			case 0xA0:
				p.put('_')
			case 0x2028:
				p.put('L')
			case 0x2029:
				p.put('P')
			default:
				digits := 8
				switch {
				case v <= 0xFF:
					p.put('x')
					digits = 2
				case v <= 0xFFFF:
					p.put('u')
					digits = 4
				default:
					p.put('U')
				}
				for k := (digits - 1) * 4; k >= 0; k -= 4 {
					d := byte(v>>uint(k)) & 0x0F
					if d < 10 {
						p.put(d + '0')
					} else {
						p.put(d + 'A' - 10)
					}
				}
			}
			continue
		}
		i = p.write(value, i)
	}
	p.writeIndicator("\"", false, false, false)
	p.ws = false
	p.ind = false
}

// writeBlockScalarHints is yaml_emitter_write_block_scalar_hints.
func (p *printer) writeBlockScalarHints(value string) {
	if len(value) > 0 && (value[0] == ' ' || isBreak(value, 0)) {
		p.writeIndicator(string(rune('0'+bestIndent)), false, false, false)
	}
	chomp := ""
	if len(value) == 0 {
		chomp = "-"
	} else {
		i := len(value) - 1
		for value[i]&0xC0 == 0x80 {
			i--
		}
		if !isBreak(value, i) {
			chomp = "-"
		} else if i == 0 {
			chomp = "+"
		} else {
			i--
			for value[i]&0xC0 == 0x80 {
				i--
			}
			if isBreak(value, i) {
				chomp = "+"
			}
		}
	}
	if chomp != "" {
		p.writeIndicator(chomp, false, false, false)
	}
}

// writeLiteral is yaml_emitter_write_literal_scalar: the line comment
// waiting goes on the header line.
func (p *printer) writeLiteral(value string) {
	p.writeIndicator("|", true, false, false)
	p.writeBlockScalarHints(value)
	p.processLine(true)
	p.ws = true
	breaks := true
	for i := 0; i < len(value); {
		if isBreak(value, i) {
			i = p.writeBreak(value, i)
			breaks = true
			continue
		}
		if breaks {
			p.writeIndent()
		}
		i = p.write(value, i)
		p.ind = false
		breaks = false
	}
}

// writeFolded is yaml_emitter_write_folded_scalar without folding at
// best_width; like it, it looks for the next non-break from the start of
// the value (k := 0), not from i.
func (p *printer) writeFolded(value string) {
	p.writeIndicator(">", true, false, false)
	p.writeBlockScalarHints(value)
	p.processLine(true)
	p.ws = true
	breaks := true
	leadingSpaces := true
	for i := 0; i < len(value); {
		if isBreak(value, i) {
			if !breaks && !leadingSpaces && value[i] == '\n' {
				k := 0
				for k < len(value) && isBreak(value, k) {
					k += width(value[k])
				}
				if !isBlankz(value, k) {
					p.putBreak()
				}
			}
			i = p.writeBreak(value, i)
			breaks = true
			continue
		}
		if breaks {
			p.writeIndent()
			leadingSpaces = isBlank(value, i)
		}
		i = p.write(value, i)
		p.ind = false
		breaks = false
	}
}
