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
// values and numbers (see templateOf). Errors and info results stay as they
// are: the errors each stop the run, and the info results are folded
// where they are made.
func FoldWarnings(rs Results) Results {
	kinds := make([]string, len(rs)) // each warning's template; "" for the rest
	count := map[string]int{}
	fold := false
	for i, r := range rs {
		if r.Severity == Warning {
			kinds[i] = templateOf(r.Message)
			count[kinds[i]]++
			fold = fold || count[kinds[i]] > MaxWarningsOfAKind
		}
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
	for i, r := range rs {
		k := kinds[i]
		if r.Severity != Warning {
			out = append(out, r)
			continue
		}
		if seen[k]++; seen[k] <= MaxWarningsOfAKind {
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
	}
	for k, f := range byKind {
		about := ""
		if len(f.named) > 0 {
			about = "; the first about " + strings.Join(f.named, ", ")
		}
		f.r.Message = fmt.Sprintf("%d more warnings of this kind, not listed (%d in all): %s%s", f.n, count[k], k, about)
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

// templateOf is msg with its names, values and numbers taken out, the
// words every message of one kind shares: each word that holds a name, a
// value or a number (a quote, a digit, a dot, a slash, a bracket, ...)
// becomes "…", and each run of them one.
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
