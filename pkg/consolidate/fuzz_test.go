package consolidate_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/consolidate"
	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// Small alphabets, so that random bytes make sources and mirrors collide.
var (
	fuzzSources  = []string{"a.io/x", "a.io", "b.io/y", "*.c.io"}
	fuzzMirrors  = []string{"m1.io/x", "m2.io/x", "m3.io/x", "m4.io/x", "a.io/x", "a.io", "b.io/y"}
	fuzzKinds    = []mirror.Kind{mirror.IDMS, mirror.ITMS, mirror.IDMS, mirror.ICSP}
	fuzzPolicies = []mirror.Policy{"", mirror.NeverContactSource, mirror.AllowContactingSource}
)

// setsFromBytes builds mirror sets from fuzz input, one byte per choice.
func setsFromBytes(data []byte) []*mirror.Set {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := int(data[0])
		data = data[1:]
		return b
	}
	var sets []*mirror.Set
	for i := 0; len(data) > 0 && i < 6; i++ {
		h := next()
		s := &mirror.Set{Kind: fuzzKinds[h%len(fuzzKinds)], Name: fmt.Sprint("s", i), Item: i}
		for j := 0; j < 1+(h>>2)%4 && len(data) > 0; j++ {
			e := mirror.Entry{Source: fuzzSources[next()%len(fuzzSources)]}
			p := next()
			if s.Kind != mirror.ICSP {
				e.Policy = fuzzPolicies[p%len(fuzzPolicies)]
			}
			for k := 0; k < (p>>2)%6 && len(data) > 0; k++ {
				e.Mirrors = append(e.Mirrors, fuzzMirrors[next()%len(fuzzMirrors)])
			}
			s.Entries = append(s.Entries, e)
		}
		sets = append(sets, s)
	}
	return sets
}

func cloneSets(sets []*mirror.Set) []*mirror.Set {
	out := make([]*mirror.Set, len(sets))
	for i, s := range sets {
		out[i] = s.Clone()
	}
	return out
}

// fixedLists are the kept ICSPs' lists, as transform passes them.
func fixedLists(sets []*mirror.Set) map[string][][]string {
	fixed := map[string][][]string{}
	for _, s := range sets {
		if s.Kind == mirror.ICSP {
			for _, e := range s.Entries {
				fixed[e.Source] = append(fixed[e.Source], e.Mirrors)
			}
		}
	}
	return fixed
}

type poolSource struct {
	pool   mirror.Pool
	source string
}

// entriesByPool collects the IDMS and ITMS entries for each pool and source.
func entriesByPool(sets []*mirror.Set) (map[poolSource][]mirror.Entry, []poolSource) {
	by := map[poolSource][]mirror.Entry{}
	var order []poolSource
	for _, s := range sets {
		if s.Kind == mirror.ICSP {
			continue
		}
		for _, e := range s.Entries {
			k := poolSource{s.Kind.Pool(), e.Source}
			if _, ok := by[k]; !ok {
				order = append(order, k)
			}
			by[k] = append(by[k], e)
		}
	}
	return by, order
}

func mirrorLists(es []mirror.Entry) [][]string {
	var l [][]string
	for _, e := range es {
		l = append(l, e.Mirrors)
	}
	return l
}

func policyRank(p mirror.Policy) int {
	return map[mirror.Policy]int{mirror.NeverContactSource: 2, mirror.AllowContactingSource: 1}[p]
}

// FuzzConsolidate checks the filter on typed entries: it never panics; the
// node tries the same mirrors in the same order before and after; a second
// run changes nothing; each pool keeps one entry per source, with the
// strongest policy and every mirror other than the source, unless the report
// says the entries were left unmerged (then they are as they came); ICSPs
// stay. With consolidation off, only entries that repeat a mirror change.
func FuzzConsolidate(f *testing.F) {
	for _, seed := range [][]byte{
		{0, 0, 4, 0, 1, 0, 0, 4, 1, 2},                  // two IDMS entries for one source
		{4, 0, 8, 0, 1, 4, 0, 8, 1, 0},                  // conflicting orders
		{0, 0, 12, 0, 4, 1},                             // the source among the mirrors
		{3, 0, 8, 1, 0, 0, 0, 8, 0, 1},                  // a kept ICSP beside an IDMS
		{1, 2, 5, 3, 2, 1, 2, 6, 3, 1},                  // ITMS
		{0, 1, 0, 4, 0, 0, 8, 5, 5, 5, 9, 13, 2, 6, 20}, // mixed
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := setsFromBytes(data)
		fixed := fixedLists(in)
		out := cloneSets(in)
		rep := consolidate.Filter{Fixed: fixed}.Filter(out)

		for i, s := range out {
			if s.Kind == mirror.ICSP && !mirror.Equal(s.Entries, in[i].Entries) {
				t.Fatalf("ICSP %s changed: %v -> %v", s.Name, in[i].Entries, s.Entries)
			}
		}
		emptied := map[string]bool{}
		for _, s := range rep.Emptied {
			emptied[s.Name] = true
		}
		for i, s := range out {
			if (len(s.Entries) == 0 && len(in[i].Entries) > 0) != emptied[s.Name] {
				t.Fatalf("set %s: %d entries left of %d, reported emptied: %v", s.Name, len(s.Entries), len(in[i].Entries), emptied[s.Name])
			}
		}

		inBy, keys := entriesByPool(in)
		outBy, _ := entriesByPool(out)
		merges := map[poolSource]consolidate.Merge{}
		for _, m := range rep.Merges {
			merges[poolSource{m.Pool, m.Source}] = m
		}
		for _, k := range keys {
			got := outBy[k]
			var lists [][]string
			if k.pool == mirror.DigestPool {
				lists = fixed[k.source]
			}
			before, _ := consolidate.NodeOrder(k.source, append(mirrorLists(inBy[k]), lists...))
			after, _ := consolidate.NodeOrder(k.source, append(mirrorLists(got), lists...))
			m, merged := merges[k]
			checkOrder(t, k, m, merged, before, after, inBy[k], got)
			if merged && m.Unmerged {
				continue
			}
			if len(got) != 1 {
				t.Fatalf("%v: %d entries after the merge, want 1", k, len(got))
			}
			e := got[0]
			if HasRepeats(e.Mirrors) {
				t.Fatalf("%v: repeated mirrors left: %v", k, e.Mirrors)
			}
			if slices.Contains(e.Mirrors, k.source) && len(before) > 0 && !slices.Contains(before, k.source) {
				t.Fatalf("%v: the source among the merged mirrors %v, where the node tried %v", k, e.Mirrors, before)
			}
			strongest := mirror.Policy("")
			for _, ie := range inBy[k] {
				if policyRank(ie.Policy) > policyRank(strongest) {
					strongest = ie.Policy
				}
				for _, m := range ie.Mirrors {
					if m != k.source && !slices.Contains(e.Mirrors, m) {
						t.Fatalf("%v: mirror %q of %v lost: %v", k, m, ie.Mirrors, e.Mirrors)
					}
				}
			}
			if e.Policy != strongest {
				t.Fatalf("%v: policy %q, want %q", k, e.Policy, strongest)
			}
		}
		for k := range outBy {
			if _, ok := inBy[k]; !ok {
				t.Fatalf("%v: a source that was not in the input", k)
			}
		}

		again := cloneSets(out)
		rep2 := consolidate.Filter{Fixed: fixed}.Filter(again)
		for i := range again {
			if !mirror.Equal(again[i].Entries, out[i].Entries) {
				t.Fatalf("a second run changed %s: %v -> %v", out[i].Name, out[i].Entries, again[i].Entries)
			}
		}
		for _, m := range rep2.Merges {
			if !m.Unmerged {
				t.Fatalf("a second run merges %q again: %+v", m.Source, m)
			}
		}
		if len(rep2.Emptied) > 0 {
			t.Fatalf("a second run empties %d sets", len(rep2.Emptied))
		}

		checkKeepEntries(t, in, fixed)
	})
}

// checkOrder checks that the node tries what it tried: exactly, but where
// the report says why not (repeats put a wildcard or NeverContactSource
// source among its own mirrors, which the MCO refuses there); and that
// entries left unmerged are as they came.
func checkOrder(t *testing.T, k poolSource, m consolidate.Merge, merged bool, before, after []string, in, got []mirror.Entry) {
	t.Helper()
	var o consolidate.Order
	if m.Order != nil {
		o = *m.Order
	}
	switch {
	case merged && o.WithoutSource:
		never := slices.ContainsFunc(in, func(e mirror.Entry) bool { return e.Policy == mirror.NeverContactSource })
		if !(strings.HasPrefix(k.source, "*.") || never) || !slices.Contains(before, k.source) || o.Repeats == nil {
			t.Fatalf("%v: the source left out of its order %v, but it is neither a wildcard nor blocked among its mirrors with repeats", k, before)
		}
		if !slices.Equal(after, o.After) || !slices.Equal(before, o.NodeOrder) {
			t.Fatalf("%v: the node tried %v and tries %v now, the report says %v and %v", k, before, after, o.NodeOrder, o.After)
		}
	case !slices.Equal(before, after):
		t.Fatalf("%v: the node tried %v and tries %v now (input %v, output %v)", k, before, after, mirrorLists(in), mirrorLists(got))
	}
	if merged && m.Unmerged {
		if !slices.Contains(before, k.source) {
			t.Fatalf("%v: left unmerged, but the node does not try the source among the mirrors %v", k, before)
		}
		if !mirror.Equal(got, in) {
			t.Fatalf("%v: left unmerged, but the entries changed: %v -> %v", k, in, got)
		}
		if o.Repeats != nil || slices.ContainsFunc(in, func(e mirror.Entry) bool { return HasRepeats(e.Mirrors) }) {
			t.Fatalf("%v: left unmerged with repeated mirrors %v, which the API rejects: %v", k, o.Repeats, mirrorLists(in))
		}
	}
}

// checkKeepEntries runs the filter with consolidation off: only entries
// that repeat a mirror change (all of the source's, where the source had
// to leave the list), no entry moves, and the node's order stays.
func checkKeepEntries(t *testing.T, in []*mirror.Set, fixed map[string][][]string) {
	t.Helper()
	out := cloneSets(in)
	rep := consolidate.Filter{Fixed: fixed, KeepEntries: true}.Filter(out)
	if len(rep.Emptied) > 0 {
		t.Fatalf("consolidation off emptied %d sets", len(rep.Emptied))
	}
	merges := map[poolSource]consolidate.Merge{}
	for _, m := range rep.Merges {
		merges[poolSource{m.Pool, m.Source}] = m
	}
	for i, s := range out {
		if len(s.Entries) != len(in[i].Entries) {
			t.Fatalf("consolidation off: %s has %d entries, had %d", s.Name, len(s.Entries), len(in[i].Entries))
		}
		for j, e := range s.Entries {
			ie := in[i].Entries[j]
			m := merges[poolSource{s.Kind.Pool(), e.Source}]
			if s.Kind == mirror.ICSP || !HasRepeats(ie.Mirrors) && (m.Order == nil || !m.Order.WithoutSource) {
				if !slices.Equal(e.Mirrors, ie.Mirrors) || e.Policy != ie.Policy {
					t.Fatalf("consolidation off: %s %v changed to %v", s.Name, ie, e)
				}
				continue
			}
			if HasRepeats(e.Mirrors) || e.Policy != ie.Policy {
				t.Fatalf("consolidation off: %s %v became %v", s.Name, ie, e)
			}
		}
	}
	inBy, keys := entriesByPool(in)
	outBy, _ := entriesByPool(out)
	for _, k := range keys {
		var lists [][]string
		if k.pool == mirror.DigestPool {
			lists = fixed[k.source]
		}
		before, _ := consolidate.NodeOrder(k.source, append(mirrorLists(inBy[k]), lists...))
		after, _ := consolidate.NodeOrder(k.source, append(mirrorLists(outBy[k]), lists...))
		m, merged := merges[k]
		checkOrder(t, k, m, merged, before, after, inBy[k], outBy[k])
	}
}

func HasRepeats(l []string) bool {
	for i, m := range l {
		if slices.Contains(l[:i], m) {
			return true
		}
	}
	return false
}
