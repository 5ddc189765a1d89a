package check

// The API's patterns (mirrorPattern, wildcardPattern), matched by hand: a
// list of tens of thousands of entries checks every source and mirror, and
// the regexp package's backtracker took a tenth of a run. FuzzPatterns
// holds these to the regexps.

// matchMirror reports whether s matches mirrorPattern: a host of one or more
// labels joined by dots, an optional port, then any number of "/" path
// components.
func matchMirror(s string) bool {
	i := hostEnd(s)
	if i == 0 {
		return false
	}
	if i < len(s) && s[i] == ':' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i+1 {
			return false
		}
		i = j
	}
	for i < len(s) {
		if s[i] != '/' {
			return false
		}
		j := componentEnd(s, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	return true
}

// matchWildcard reports whether s matches wildcardPattern: "*" followed by
// one or more ".label", that is "*." and a host.
func matchWildcard(s string) bool {
	return len(s) > 2 && s[0] == '*' && s[1] == '.' && hostEnd(s[2:]) == len(s)-2
}

// hostEnd returns where the longest run of dot-joined labels at the start
// of s ends, 0 if s starts with none. A label that a dot follows must be
// followed by another: "a." ends at 1, as the pattern then fails on the
// dot anyway.
func hostEnd(s string) int {
	end := labelEnd(s, 0)
	if end == 0 {
		return 0
	}
	for end < len(s) && s[end] == '.' {
		j := labelEnd(s, end+1)
		if j == end+1 {
			break
		}
		end = j
	}
	return end
}

// labelEnd returns the end of the label that starts at i: letters, digits
// and hyphens, starting and ending with a letter or digit; i when there is
// none. The pattern's label, [a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9],
// backtracks to the last letter or digit of a run with trailing hyphens,
// which then cannot be followed by what the pattern allows after a label
// (".", ":", "/", the end): returning that shorter end gives the same
// result.
func labelEnd(s string, i int) int {
	if i >= len(s) || !isAlnum(s[i]) {
		return i
	}
	end := i + 1
	for j := i + 1; j < len(s) && (isAlnum(s[j]) || s[j] == '-'); j++ {
		if s[j] != '-' {
			end = j + 1
		}
	}
	return end
}

// componentEnd returns the end of the path component that starts at i:
// runs of [a-z0-9] separated by ".", "_", "__" or any number of "-"; i when
// there is none. A separator must be followed by a run.
func componentEnd(s string, i int) int {
	end := i
	for end < len(s) && isLowerAlnum(s[end]) {
		end++
	}
	if end == i {
		return i
	}
	for end < len(s) {
		j := end
		switch {
		case s[j] == '.':
			j++
		case s[j] == '_':
			j++
			if j < len(s) && s[j] == '_' {
				j++
			}
		case s[j] == '-':
			for j < len(s) && s[j] == '-' {
				j++
			}
		default:
			return end
		}
		k := j
		for k < len(s) && isLowerAlnum(s[k]) {
			k++
		}
		if k == j {
			return end
		}
		end = k
	}
	return end
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isLowerAlnum(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'z' }
func isAlnum(c byte) bool      { return isLowerAlnum(c) || 'A' <= c && c <= 'Z' }
