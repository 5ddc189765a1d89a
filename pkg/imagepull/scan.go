package imagepull

import "bytes"

// Candidates returns the values of the lines of raw (an item's YAML) whose
// key is image, as written on one line, plain or quoted: a superset of
// the references Find reads, found without a parse. sure is false when a
// line names image in a form this does not read (a value on later lines,
// a block or flow value, a quoted key, an escape): only a parse tells then.
// The fast path parses an item only when a candidate needs a closer look.
func Candidates(raw []byte) (images []string, sure bool) {
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		at := bytes.Index(line, []byte("image"))
		if at < 0 {
			continue
		}
		rest := bytes.TrimLeft(line, " ")
		for bytes.HasPrefix(rest, []byte("- ")) {
			rest = bytes.TrimLeft(rest[2:], " ")
		}
		if !bytes.HasPrefix(rest, []byte("image:")) {
			if namesImageKey(line) {
				return nil, false
			}
			continue
		}
		v, ok := oneLineValue(bytes.TrimLeft(rest[len("image:"):], " "))
		if !ok {
			return nil, false
		}
		images = append(images, v)
	}
	return images, true
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
	if len(v) == 0 {
		return "", false // on later lines, or null
	}
	switch q := v[0]; q {
	case '"', '\'':
		end := bytes.IndexByte(v[1:], q)
		if end < 0 || bytes.IndexByte(v[1:end+1], '\\') >= 0 {
			return "", false
		}
		tail := bytes.TrimLeft(v[end+2:], " ")
		if len(tail) > 0 && tail[0] != '#' || q == '\'' && bytes.HasPrefix(v[end+2:], []byte("'")) {
			return "", false
		}
		return string(v[1 : end+1]), true
	case '|', '>', '{', '[', '&', '*', '!', '%', '@', '`', '#':
		return "", false
	}
	if i := bytes.Index(v, []byte(" #")); i >= 0 {
		v = v[:i]
	}
	return string(bytes.TrimRight(v, " ")), true
}
