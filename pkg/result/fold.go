package result

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxWarningsOfAKind is how many warnings of one kind FoldWarnings lists
// one by one; past it, one warning counts the rest and names the first
// few, so that a list of thousands of objects does not bury stderr.
const MaxWarningsOfAKind = 20

// namedInFold is how many objects a folded warning names.
const namedInFold = 5

// FoldWarnings returns rs with the warnings of each kind past
// MaxWarningsOfAKind replaced by one warning, where the first of them
// was, that counts them and names their first few objects. Two warnings
// are of one kind when their messages are the same apart from names,
// values and numbers (see kindOf). Errors and info results stay as they
// are: the errors each stop the run, and the info results are folded
// where they are made.
func FoldWarnings(rs Results) Results {
	count := map[string]int{}
	for _, r := range rs {
		if r.Severity == Warning {
			count[kindOf(r.Message)]++
		}
	}
	fold := false
	for _, n := range count {
		fold = fold || n > MaxWarningsOfAKind
	}
	if !fold {
		return rs
	}
	type folded struct {
		r      *Result
		n      int
		named  []string
		onlyOf map[string]bool
	}
	byKind := map[string]*folded{}
	seen := map[string]int{}
	out := make(Results, 0, len(rs))
	for _, r := range rs {
		if r.Severity != Warning {
			out = append(out, r)
			continue
		}
		k := kindOf(r.Message)
		seen[k]++
		if seen[k] <= MaxWarningsOfAKind {
			out = append(out, r)
			continue
		}
		f := byKind[k]
		if f == nil {
			f = &folded{r: &Result{Severity: Warning}, onlyOf: map[string]bool{}}
			byKind[k] = f
			out = append(out, f.r)
		}
		f.n++
		if name := objectOf(r); name != "" && !f.onlyOf[name] && len(f.named) < namedInFold {
			f.onlyOf[name] = true
			f.named = append(f.named, name)
		}
		about := ""
		if len(f.named) > 0 {
			about = "; the first about " + strings.Join(f.named, ", ")
		}
		f.r.Message = fmt.Sprintf("%d more warnings of this kind, not listed (%d in all): %s%s", f.n, count[k], templateOf(r.Message), about)
	}
	return out
}

// objectOf names the object a result is about, "" when it names none.
func objectOf(r *Result) string {
	if r.ResourceRef == nil {
		return ""
	}
	return r.ResourceRef.Kind + " " + strconv.Quote(r.ResourceRef.Name)
}

// kindOf is a message with its names, values and numbers taken out: the
// words that every message of one kind shares.
func kindOf(msg string) string { return templateOf(msg) }

// templateOf replaces each word of msg that holds a name, a value or a
// number (a quote, a digit, a dot, a slash, a bracket, ...) by "…", and
// each run of them by one.
func templateOf(msg string) string {
	var b strings.Builder
	b.Grow(len(msg))
	gap := false
	for i, w := range strings.Fields(msg) {
		if strings.ContainsAny(w, "\"'0123456789./[]@*`") {
			if !gap {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString("…")
			}
			gap = true
			continue
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		gap = false
	}
	return b.String()
}
