package imagepull

import (
	"bytes"
	"iter"
	"slices"
	"strconv"
	"strings"
)

// Candidates returns the values of the lines of raw (an item's YAML) whose
// key is image, as written on one line, plain or quoted: a superset of
// the references Find reads, found without a parse. sure is false when a
// line names image in a form this does not read (a value on later lines,
// a block or flow value, a quoted key, an escape): only a parse tells then.
// The fast path parses an item only when a candidate needs a closer look.
func Candidates(raw []byte) (images []string, sure bool) {
	return candidates(linesWithImage(raw))
}

// linesWithImage yields the lines of raw that hold "image", in order: one
// search in the rest of the item for each, not one in each line.
func linesWithImage(raw []byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for len(raw) > 0 {
			at := bytes.Index(raw, []byte("image"))
			if at < 0 {
				return
			}
			line := raw[bytes.LastIndexByte(raw[:at], '\n')+1:]
			raw = nil
			if i := bytes.IndexByte(line, '\n'); i >= 0 {
				line, raw = line[:i], line[i+1:]
			}
			if !yield(line) {
				return
			}
		}
	}
}

// candidates reads the image lines as Candidates says.
func candidates(lines iter.Seq[[]byte]) (images []string, sure bool) {
	for line := range lines {
		v, found, sure := imageLine(line)
		if !sure {
			return nil, false
		}
		if found {
			images = append(images, v)
		}
	}
	return images, true
}

// imageLine reads a line that holds "image": its value when its key is
// image, written on the line (found); sure is false when it names image
// in a form Candidates does not read.
func imageLine(line []byte) (image string, found, sure bool) {
	rest := bytes.TrimLeft(line, " ")
	for bytes.HasPrefix(rest, []byte("- ")) {
		rest = bytes.TrimLeft(rest[2:], " ")
	}
	if !bytes.HasPrefix(rest, []byte("image:")) {
		return "", false, !namesImageKey(line)
	}
	v, ok := oneLineValue(bytes.TrimLeft(rest[len("image:"):], " "))
	return v, ok, ok
}

// namesImageKey reports whether line may hold a key image in a form other
// than `image: value`: quoted, before spaces and a colon, or in a flow map.
func namesImageKey(line []byte) bool {
	for {
		at := bytes.Index(line, []byte("image"))
		if at < 0 {
			return false
		}
		after := bytes.TrimLeft(line[at+len("image"):], `"' `)
		if len(after) > 0 && after[0] == ':' {
			return true
		}
		line = line[at+len("image"):]
	}
}

// oneLineValue returns a plain or quoted scalar that v holds whole, without
// a comment after it; ok is false for anything else.
func oneLineValue(v []byte) (string, bool) {
	b, ok := oneLineBytes(v)
	return string(b), ok
}

// oneLineBytes is oneLineValue, as the bytes of v that the value is.
func oneLineBytes(v []byte) ([]byte, bool) {
	if len(v) == 0 {
		return nil, false // on later lines, or null
	}
	switch q := v[0]; q {
	case '"', '\'':
		end := bytes.IndexByte(v[1:], q)
		if end < 0 || bytes.IndexByte(v[1:end+1], '\\') >= 0 {
			return nil, false
		}
		tail := bytes.TrimLeft(v[end+2:], " ")
		if len(tail) > 0 && tail[0] != '#' || q == '\'' && bytes.HasPrefix(v[end+2:], []byte("'")) {
			return nil, false
		}
		return v[1 : end+1], true
	case '|', '>', '{', '[', '&', '*', '!', '%', '@', '`', '#':
		return nil, false
	}
	if i := bytes.Index(v, []byte(" #")); i >= 0 {
		v = v[:i]
	}
	return bytes.TrimRight(v, " "), true
}

// Scan returns the references that Find returns for an item of apiVersion
// and kind (its bytes raw, as a list holds them: "- " and its fields), Image and Field set, in
// Find's order, without a parse, when raw is in the plain block form it
// reads whole: lines of printable ASCII, keys of plain characters, each
// once in its map, one-line scalars, block scalars without an indentation
// indicator, empty flow collections, images that are quoted
// or plain with a '/' (which YAML reads as strings only). ok is false for
// anything else, for a List, and for an item with the local-config
// annotation: only a parse tells then. The KRM check counts the findings
// it does not show from Scan, and parses the items it names.
func Scan(raw []byte, apiVersion, kind string) (refs []Ref, ok bool) {
	var sc Scanner
	return sc.Scan(raw, apiVersion, kind)
}

// Scanner is Scan with the room for its frames and keys kept from one
// call to the next: a goroutine that scans many items keeps one, and its
// scans allocate only what they return. Its zero value is ready for use.
type Scanner struct {
	stack []frame
	keys  [][]byte
}

// Scan is the package's Scan.
func (sc *Scanner) Scan(raw []byte, apiVersion, kind string) (refs []Ref, ok bool) {
	gk := groupKind{groupOf(apiVersion), kind}
	var targets []string // paths Find reads, joined by \x00
	if path, ok := imageFields[gk]; ok {
		targets = append(targets, strings.Join(path, "\x00"))
	}
	spec, isPod := podSpecs[gk]
	if len(targets) == 0 && !isPod {
		return nil, false
	}
	podSpec := strings.Join(spec, "\x00") + "\x00"
	type found struct {
		rank, index int
		ref         Ref
	}
	var all []found
	if sc.stack == nil {
		// Room for the frames and keys of common objects.
		sc.stack, sc.keys = make([]frame, 0, 16), make([][]byte, 0, 48)
	}
	s := scanner{stack: sc.stack[:0], keys: sc.keys[:0]}
	defer func() {
		// Keep what grew, without the item's bytes.
		sc.stack, sc.keys = s.stack[:0], s.keys[:0]
		clear(sc.stack[:cap(sc.stack)])
		clear(sc.keys[:cap(sc.keys)])
	}()
	err := s.run(raw, func(path []string, value string) bool {
		joined := strings.Join(path, "\x00")
		if joined == "metadata\x00annotations\x00"+localConfigKey {
			return false
		}
		if path[len(path)-1] != "image" {
			return true
		}
		for _, t := range targets {
			if joined == t {
				all = append(all, found{-1, 0, Ref{Image: value, Field: strings.Join(path, ".")}})
			}
		}
		if isPod && strings.HasPrefix(joined, podSpec) && len(path) == len(spec)+3 {
			list, at := path[len(spec)], path[len(spec)+1]
			rank := slices.Index(containerLists, list)
			if rank >= 0 && strings.HasPrefix(at, "[") {
				i, _ := strconv.Atoi(at[1 : len(at)-1])
				all = append(all, found{rank, i, Ref{Image: value, Field: strings.Join(spec, ".") + "." + list + at + ".image"}})
			}
		}
		return true
	})
	if err {
		return nil, false
	}
	slices.SortStableFunc(all, func(a, b found) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return a.index - b.index
	})
	for _, f := range all {
		if f.ref.Image == "" {
			continue // an empty image names none, as in Find
		}
		refs = append(refs, f.ref)
	}
	return refs, true
}

const localConfigKey = "config.kubernetes.io/local-config"

// frame is a map or sequence the scanner is in. Its path is the names of
// the frames under it in the stack, then its own: a key, or an element's
// index. Nothing is built for a path that Scan does not report.
type frame struct {
	col      int
	seq      bool
	index    int    // seq: the current element
	keysFrom int    // map: its keys are the scanner's keys from here on
	key      []byte // the key it is the value of, or nil for an element
	elem     int    // the index of the element it is, when key is nil
}

// scanner reads the plain block YAML that Scan describes, line by line.
type scanner struct {
	stack []frame
	// keys are the keys met so far in the open maps, each map's after
	// those of the maps under it.
	keys [][]byte
	// pending is a key without a value on its line (pendingKey), or the
	// element pendingElem of the sequence on top, which a nested block
	// (deeper, or a sequence at the key's column) takes: it becomes a
	// frame on top of the one it was met in, when the block opens.
	pendingKey  []byte
	pendingElem int
	pendingCol  int
	hasPending  bool
	rootCol     int
}

// run calls scalar for every key image or localConfigKey whose value is a
// one-line scalar, with the value as YAML reads it when the key is image
// ("" when it is not, or the value is not a string that Scan reads).
// scalar returns false to stop. failed is true when raw is not in the form
// read, or scalar stopped.
func (s *scanner) run(raw []byte, scalar func(path []string, value string) bool) (failed bool) {
	first := true
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		if !printableASCII(line) {
			return true // tabs, line ends and anything else the parser may read otherwise
		}
		rest := bytes.TrimLeft(line, " ")
		col := len(line) - len(rest)
		if len(rest) == 0 || rest[0] == '#' {
			continue
		}
		if first {
			first = false
			if !bytes.HasPrefix(rest, []byte("- ")) {
				return true // not an element of the list's items
			}
			rest = bytes.TrimLeft(rest[2:], " ")
			col = len(line) - len(rest)
			s.rootCol = col
			s.stack = append(s.stack[:0], frame{col: col})
		} else if col < s.rootCol {
			return true
		}
		// Dashes: sequence elements, possibly nested on one line.
		for bytes.HasPrefix(rest, []byte("- ")) || bytes.Equal(rest, []byte("-")) {
			if len(rest) == 1 || !s.dash(col) {
				return true
			}
			after := bytes.TrimLeft(rest[2:], " ")
			col += len(rest) - len(after)
			rest = after
			if len(rest) == 0 || rest[0] == '#' {
				return true // an element on later lines
			}
			// What follows the dash opens at its column.
			top := &s.stack[len(s.stack)-1]
			s.pendingKey, s.pendingElem, s.pendingCol, s.hasPending = nil, top.index, col-1, true
		}
		key, value, isKey := splitKey(rest)
		if !isKey {
			// A scalar element of a sequence, on the dash's line.
			if !s.hasPending || s.pendingCol != col-1 || !plainValue(value) {
				return true
			}
			s.hasPending = false
			continue
		}
		if !s.key(col, key) {
			return true
		}
		// Only these keys concern Scan: the rest are read for their form.
		named := string(key) == "image" || string(key) == localConfigKey
		if string(key) == "image" && (len(value) == 0 || !isQuoted(value) && !bytes.Contains(value, []byte("/"))) {
			return true // null, a block, or a plain value YAML may not read as a string
		}
		if len(value) == 0 || value[0] == '#' {
			if named && !scalar(s.path(key), "") {
				return true
			}
			s.pendingKey, s.pendingCol, s.hasPending = key, col, true
			continue
		}
		if value[0] == '|' || value[0] == '>' {
			if !blockHeader(value) {
				return true
			}
			// A block scalar: its lines are deeper than the key, and
			// as deep as its first, which no blank line before it passes.
			indent, blank := 0, 0
			for len(raw) > 0 {
				next := raw
				if i := bytes.IndexByte(raw, '\n'); i >= 0 {
					next = raw[:i]
				}
				r := bytes.TrimLeft(next, " ")
				at := len(next) - len(r)
				if len(r) > 0 && at <= col {
					break
				}
				switch {
				case !printableASCII(next):
					return true
				case len(r) == 0:
					blank = max(blank, at)
				case indent == 0:
					indent = at
					if blank > indent {
						return true
					}
				case at < indent:
					return true
				}
				raw = raw[len(next):]
				if len(raw) > 0 {
					raw = raw[1:]
				}
			}
			if string(key) == "image" || named && !scalar(s.path(key), "") {
				return true
			}
			continue
		}
		str, ok := oneLineScalar(value)
		if !ok {
			return true
		}
		if named && !scalar(s.path(key), string(str)) {
			return true
		}
	}
	return first // no item at all
}

// path is the path of key in the map on top.
func (s *scanner) path(key []byte) []string {
	p := make([]string, 0, len(s.stack))
	for _, f := range s.stack[1:] {
		if f.key != nil {
			p = append(p, string(f.key))
		} else {
			p = append(p, "["+strconv.Itoa(f.elem)+"]")
		}
	}
	return append(p, string(key))
}

// open puts the block of the pending slot on top.
func (s *scanner) open(col int, seq bool) {
	s.stack = append(s.stack, frame{col: col, seq: seq, keysFrom: len(s.keys), key: s.pendingKey, elem: s.pendingElem})
	s.hasPending = false
}

// dash opens a sequence element at col.
func (s *scanner) dash(col int) bool {
	s.popTo(col, true)
	top := &s.stack[len(s.stack)-1]
	switch {
	case top.seq && top.col == col:
		top.index++
		s.hasPending = false
		return true
	case s.hasPending && col >= s.pendingCol && !(top.seq):
		s.open(col, true)
		return true
	}
	return false
}

// key adds key to the map at col, opening it when a pending slot takes it.
func (s *scanner) key(col int, key []byte) bool {
	s.popTo(col, false)
	top := &s.stack[len(s.stack)-1]
	if s.hasPending && col > s.pendingCol && (top.col < col || top.seq) {
		s.open(col, false)
		top = &s.stack[len(s.stack)-1]
	}
	s.hasPending = false
	if top.seq || top.col != col {
		return false
	}
	for _, k := range s.keys[top.keysFrom:] {
		if bytes.Equal(k, key) {
			return false
		}
	}
	s.keys = append(s.keys, key)
	return true
}

// popTo leaves the frames that end before a node at col: the deeper ones,
// and a sequence at col when a key comes (a key there ends it).
func (s *scanner) popTo(col int, dash bool) {
	for len(s.stack) > 1 {
		top := s.stack[len(s.stack)-1]
		if top.col > col || !dash && top.seq && top.col == col {
			s.stack = s.stack[:len(s.stack)-1]
			s.keys = s.keys[:top.keysFrom]
			continue
		}
		break
	}
}

// splitKey splits `key: value` or `key:`, for keys of plain characters.
func splitKey(rest []byte) (key, value []byte, ok bool) {
	i := 0
	for i < len(rest) && plainKeyByte(rest[i]) {
		i++
	}
	if i == 0 || i == len(rest) || rest[i] != ':' {
		return nil, rest, false
	}
	if i+1 < len(rest) && rest[i+1] != ' ' {
		return nil, rest, false
	}
	return rest[:i], bytes.TrimLeft(rest[i+1:], " "), true
}

func plainKeyByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '.' || b == '-' || b == '/'
}

// plainValue reports whether v is a one-line scalar that Scan reads.
func plainValue(v []byte) bool {
	_, ok := oneLineScalar(v)
	return ok
}

func isQuoted(v []byte) bool { return v[0] == '"' || v[0] == '\'' }

// printableASCII reports whether line holds only the bytes from ' ' to '~'.
func printableASCII(line []byte) bool {
	for _, c := range line {
		if c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

// blockHeader reports whether v, a value that starts with | or >, is a
// block scalar's header in the form Scan reads: a chomping indicator or
// none, then nothing or a comment. An indentation indicator decides which
// lines the scalar holds; Scan leaves that to the parse.
func blockHeader(v []byte) bool {
	h := v[1:]
	if len(h) > 0 && (h[0] == '+' || h[0] == '-') {
		h = h[1:]
	}
	rest := bytes.TrimLeft(h, " ")
	return len(rest) == 0 || rest[0] == '#' && len(rest) < len(h)
}

// oneLineScalar returns the string of a one-line scalar value: quoted
// without escapes, an empty flow collection ("" then), or plain. A plain
// value is returned only when it holds a '/' (a string whatever YAML's
// rules for numbers, booleans and null), else "". It is v's own bytes.
func oneLineScalar(v []byte) ([]byte, bool) {
	if bytes.HasPrefix(v, []byte("{}")) || bytes.HasPrefix(v, []byte("[]")) {
		tail := bytes.TrimLeft(v[2:], " ")
		return nil, len(tail) == 0 || tail[0] == '#' && len(tail) < len(v[2:])
	}
	s, ok := oneLineBytes(v)
	if !ok {
		return nil, false
	}
	if isQuoted(v) {
		return s, true
	}
	if len(s) == 0 {
		return nil, false
	}
	if bytes.Contains(s, []byte(": ")) || s[len(s)-1] == ':' || bytes.Contains(s, []byte(" #")) || bytes.IndexByte([]byte(",]}"), s[0]) >= 0 ||
		bytes.IndexByte([]byte("-?:"), s[0]) >= 0 && (len(s) == 1 || s[1] == ' ') {
		return nil, false
	}
	if bytes.IndexByte(s, '/') < 0 {
		return nil, true
	}
	return s, true
}
