// Package unified writes the difference between two texts as a unified
// diff (the format of `diff -u` and `git diff`), line by line. The edit
// script is Myers' greedy shortest one ("An O(ND) Difference Algorithm and
// Its Variations", 1986), run after the common head and tail are cut off,
// so that its cost follows the size of the change, not of the files. A
// change of more than maxD lines is first cut at the lines that occur
// once on each side, in an order both keep (patience diff, as git's
// --patience does), and the pieces between them are diffed the same way:
// the script is then short, though not always the shortest.
package unified

import (
	"fmt"
	"sort"
	"strings"
)

// Op is what an edit does to one line.
type Op byte

const (
	Equal  Op = ' '
	Delete Op = '-'
	Insert Op = '+'
)

// Edit is one line of the edit script: a line of a kept (Equal), of a only
// (Delete), or of b only (Insert).
type Edit struct {
	Op   Op
	Line string
}

// maxD bounds the edits Myers' search looks for at once: its memory grows
// with the square of the edits.
const maxD = 1000

// Lines returns an edit script that turns a into b: the shortest one when
// it has at most maxD edits.
func Lines(a, b []string) []Edit {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out := make([]Edit, 0, len(a)+len(b))
	for _, l := range a[:pre] {
		out = append(out, Edit{Equal, l})
	}
	out = append(out, middle(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		out = append(out, Edit{Equal, l})
	}
	return out
}

// middle diffs a and b, which differ at both ends.
func middle(a, b []string) []Edit {
	if edits, ok := myers(a, b); ok {
		return edits
	}
	// Too many edits for one search: cut at the common unique lines.
	anchors := patience(a, b)
	if len(anchors) == 0 {
		return replace(a, b)
	}
	var out []Edit
	ai, bi := 0, 0
	for _, p := range anchors {
		out = append(out, Lines(a[ai:p[0]], b[bi:p[1]])...)
		out = append(out, Edit{Equal, a[p[0]]})
		ai, bi = p[0]+1, p[1]+1
	}
	return append(out, Lines(a[ai:], b[bi:])...)
}

func replace(a, b []string) []Edit {
	out := make([]Edit, 0, len(a)+len(b))
	for _, l := range a {
		out = append(out, Edit{Delete, l})
	}
	for _, l := range b {
		out = append(out, Edit{Insert, l})
	}
	return out
}

// patience returns the pairs (i, j), a[i] == b[j], of lines that occur
// once in a and once in b, keeping the longest run in which both indexes
// increase.
func patience(a, b []string) [][2]int {
	type seen struct{ na, nb, ia, ib int }
	count := map[string]*seen{}
	for i, l := range a {
		c := count[l]
		if c == nil {
			c = &seen{}
			count[l] = c
		}
		c.na++
		c.ia = i
	}
	for j, l := range b {
		if c := count[l]; c != nil {
			c.nb++
			c.ib = j
		}
	}
	var pairs [][2]int
	for i, l := range a {
		if c := count[l]; c.na == 1 && c.nb == 1 {
			pairs = append(pairs, [2]int{i, c.ib})
		}
	}
	// Longest increasing subsequence of the b indexes, by patience sorting.
	var tops []int // tops[k]: the pair ending the best run of length k+1
	prev := make([]int, len(pairs))
	for i, p := range pairs {
		k := sort.Search(len(tops), func(k int) bool { return pairs[tops[k]][1] >= p[1] })
		if k > 0 {
			prev[i] = tops[k-1]
		} else {
			prev[i] = -1
		}
		if k == len(tops) {
			tops = append(tops, i)
		} else {
			tops[k] = i
		}
	}
	if len(tops) == 0 {
		return nil
	}
	run := make([][2]int, len(tops))
	for i, k := tops[len(tops)-1], len(tops)-1; k >= 0; i, k = prev[i], k-1 {
		run[k] = pairs[i]
	}
	return run
}

// myers finds the furthest-reaching path for each number of edits d,
// keeping each round's frontier (diagonals -d..d) to walk back from the end;
// it gives up past maxD edits.
func myers(a, b []string) ([]Edit, bool) {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return replace(a, b), true
	}
	// trace[d][k+d] is the furthest x on diagonal k (x-y) after d edits.
	var trace [][]int
	at := func(v []int, d, k int) int { return v[k+d] }
	prev := []int{0} // d = -1 seen as one diagonal ending at x = 0
	for d := 0; d <= maxD; d++ {
		v := make([]int, 2*d+1)
		for k := -d; k <= d; k += 2 {
			var x int
			switch {
			case d == 0:
				x = 0
			case k == -d || (k != d && at(prev, d-1, k-1) < at(prev, d-1, k+1)):
				x = at(prev, d-1, k+1) // down: a line of b inserted
			default:
				x = at(prev, d-1, k-1) + 1 // right: a line of a deleted
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[k+d] = x
			if x >= n && y >= m {
				trace = append(trace, v)
				return backtrack(a, b, trace), true
			}
		}
		trace = append(trace, v)
		prev = v
	}
	return nil, false
}

func backtrack(a, b []string, trace [][]int) []Edit {
	x, y := len(a), len(b)
	var rev []Edit
	for d := len(trace) - 1; d > 0; d-- {
		v := trace[d-1]
		k := x - y
		var pk int
		if k == -d || (k != d && v[k-1+d-1] < v[k+1+d-1]) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := v[pk+d-1]
		py := px - pk
		for x > px && y > py {
			rev = append(rev, Edit{Equal, a[x-1]})
			x, y = x-1, y-1
		}
		if x == px {
			rev = append(rev, Edit{Insert, b[y-1]})
		} else {
			rev = append(rev, Edit{Delete, a[x-1]})
		}
		x, y = px, py
	}
	for x > 0 {
		rev = append(rev, Edit{Equal, a[x-1]})
		x--
	}
	out := make([]Edit, len(rev))
	for i, e := range rev {
		out[len(rev)-1-i] = e
	}
	return out
}

// Diff returns the unified diff of a and b under the names aName and bName,
// with context lines of context around each change, or "" when they are
// equal. A text that does not end in a newline gets git's marker.
func Diff(aName, bName string, a, b []byte, context int) string {
	if string(a) == string(b) {
		return ""
	}
	la, lb := split(a), split(b)
	edits := Lines(la, lb)
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", aName, bName)
	// Walk the script, grouping changes less than 2*context lines apart.
	i := 0
	for i < len(edits) {
		for i < len(edits) && edits[i].Op == Equal {
			i++
		}
		if i == len(edits) {
			break
		}
		start := max(i-context, 0)
		end := i
		for j := i; j < len(edits); j++ {
			if edits[j].Op != Equal {
				end = j + 1
				continue
			}
			if j-end >= 2*context {
				break
			}
		}
		end = min(end+context, len(edits))
		writeHunk(&sb, edits, start, end)
		i = end
	}
	return sb.String()
}

// split cuts text into lines, each with its newline, so that a last line
// without one differs from the same line with one.
func split(text []byte) []string {
	var lines []string
	s := string(text)
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

func writeHunk(sb *strings.Builder, edits []Edit, start, end int) {
	// Line numbers of the hunk's first line in a and b.
	aLine, bLine := 1, 1
	for _, e := range edits[:start] {
		if e.Op != Insert {
			aLine++
		}
		if e.Op != Delete {
			bLine++
		}
	}
	var aCount, bCount int
	for _, e := range edits[start:end] {
		if e.Op != Insert {
			aCount++
		}
		if e.Op != Delete {
			bCount++
		}
	}
	fmt.Fprintf(sb, "@@ -%s +%s @@\n", hunkRange(aLine, aCount), hunkRange(bLine, bCount))
	for _, e := range edits[start:end] {
		sb.WriteByte(byte(e.Op))
		sb.WriteString(e.Line)
		if !strings.HasSuffix(e.Line, "\n") {
			sb.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange spells a range as diff -u does: "l" for one line, "l,n"
// otherwise, and the line before for an empty range.
func hunkRange(line, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", line-1)
	case 1:
		return fmt.Sprintf("%d", line)
	}
	return fmt.Sprintf("%d,%d", line, count)
}
