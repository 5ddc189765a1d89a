// Package consolidate merges mirror entries the way a node merges them
// anyway, so that fewer rules reach registries.conf while each node tries the
// same mirrors in the same order. Within one pool (digest: ImageDigestMirrorSet,
// tag: ImageTagMirrorSet), entries with the same source, across all objects,
// become one entry that stays where the source first appeared; its mirrors are
// in the order the node would use, without duplicates, and without the source
// unless the node tries it before a mirror.
package consolidate

import (
	"slices"
	"strings"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// Filter merges entries with the same source within each pool.
type Filter struct {
	// Fixed holds mirror lists that reach the node beside the sets being
	// merged but must stay as they are (the entries of ICSPs that are kept),
	// keyed by source; they join the digest pool's order.
	Fixed map[string][][]string
	// KeepEntries merges nothing (consolidate off): only entries that
	// repeat a mirror, which the API rejects, are rewritten, each into a
	// list that keeps the node's order.
	KeepEntries bool
}

// Merge is what the filter did to one source.
//
// It rests on one property of the node's merge (NodeOrder): whatever the
// other lists F, one list in the order O that lists G and F give the node
// gives the node O again beside F. So a source's entries can always become
// one list without changing what the node tries, repeats and contradicting
// orders included. The one list names the source only where the node tries
// the source before some mirror.
type Merge struct {
	Pool   mirror.Pool
	Source string
	// Into is the set that holds the merged entry; From are the other sets
	// whose entries for Source were merged into it (a set may repeat).
	Into *mirror.Set
	From []*mirror.Set
	// Entries is how many entries became one (with KeepEntries, how many
	// were rewritten).
	Entries int
	// Mirrors is the merged list, in the node's order.
	Mirrors []string
	// Unmerged is true when the node tries the source before a mirror, no
	// list repeats a mirror, and one list would have to name the source:
	// the entries are left as they are.
	Unmerged bool
	// Order is nil where the lists say one order plainly; else it says
	// what the node does that they do not.
	Order *Order
}

// Order is what the node makes of lists that do not say one order
// plainly: lists that disagree, repeat a mirror, or name the source before
// a mirror.
type Order struct {
	// NodeOrder is what the node tries, the source included where it
	// stands before a mirror: the order of the input, which Mirrors keeps.
	NodeOrder []string
	// Looped reports that the lists disagree on the order: the node broke
	// the loop by name, and NodeOrder is the order it chose.
	Looped bool
	// WithoutSource is true when a list repeats a mirror and one list
	// would have to name the source, which the MCO refuses there: a source
	// with NeverContactSource (the node blocks it as a mirror too) or a
	// wildcard (the node fails every pull that would try it). Mirrors is
	// then the node's order without the source, and After the order the
	// node tries then: the one case where the node's order cannot be kept.
	WithoutSource bool
	// Repeats are the mirrors that a list repeats (the API rejects them);
	// the node's order is what the repeats made of it.
	Repeats []string
	// Plain is true when the lists without their repeats, each read in
	// its own order, give the node the same order: the repeats change
	// nothing on the node.
	Plain bool
	After []string
}

// Report is what the filter did.
type Report struct {
	Merges []Merge
	// Emptied are sets that lost all their entries to merges.
	Emptied []*mirror.Set
}

type place struct {
	set   *mirror.Set
	entry int32
	at    int32 // the entry's place among all the entries group saw, in order
}

type key struct {
	pool   mirror.Pool
	source string
}

// Filter merges the entries of the IDMS and ITMS in sets, in place. ICSPs are
// left alone: they are either converted already or kept on purpose.
func (f Filter) Filter(sets []*mirror.Set) Report {
	order, groups, total := group(sets)
	var rep Report
	// The entries merged into another, in group's order of all entries: a
	// map by set made a slice for each of tens of thousands of sets.
	drop := make([]bool, total)
	dropped := false
	for gi, k := range order {
		g := groups[gi]
		first := &g[0].set.Entries[g[0].entry]
		fixed := f.Fixed[k.source]
		if k.pool != mirror.DigestPool {
			fixed = nil
		}
		if f.KeepEntries && !anyRepeats(g) {
			continue
		}
		if len(g) == 1 && len(fixed) == 0 && clean(first) {
			continue
		}
		lists := make([][]string, 0, len(g)+len(fixed))
		policy := first.Policy
		for _, p := range g {
			e := &p.set.Entries[p.entry]
			lists = append(lists, e.Mirrors)
			policy = stronger(policy, e.Policy)
		}
		nodeOrder, looped := NodeOrder(k.source, append(lists, fixed...))
		m := Merge{Pool: k.pool, Source: k.source, Into: g[0].set, Entries: len(g)}
		if looped || slices.Contains(nodeOrder, k.source) {
			// Most sources need no note: the Merges stay small.
			m.Order = &Order{NodeOrder: nodeOrder, Looped: looped}
		}
		// The one list that gives the node its order: nodeOrder, which
		// names the source only where the node tries it before a mirror.
		one := nodeOrder
		if m.Order != nil && slices.Contains(nodeOrder, k.source) {
			m.Order.Repeats = repeats(g)
			switch {
			case m.Order.Repeats == nil:
				// The entries are valid as they are; one list naming
				// its own source would be stranger than they are.
				m.Unmerged = true
				rep.Merges = append(rep.Merges, m)
				continue
			case policy == mirror.NeverContactSource || strings.HasPrefix(k.source, "*."):
				// The MCO refuses the source among these mirrors. The
				// node blocks a NeverContactSource source as a mirror
				// too, and fails every pull that would try a wildcard.
				one = dedupe(nodeOrder, k.source)
				m.Order.WithoutSource = true
			}
		} else if looped {
			m.Order.Repeats = repeats(g)
		}
		if m.Order != nil && m.Order.Repeats != nil {
			m.Order.Plain = plainRepeats(k.source, lists, fixed, nodeOrder)
		}
		if f.KeepEntries {
			f.rewrite(g, fixed, one, &m)
			rep.Merges = append(rep.Merges, m)
			continue
		}
		if m.Order != nil && m.Order.WithoutSource {
			m.Order.After, _ = NodeOrder(k.source, append([][]string{one}, fixed...))
			if !slices.Contains(m.Order.After, k.source) {
				// Beside the fixed lists the order may still move; one
				// list in the order it moves to stays (see Merge), so a
				// second run changes nothing.
				one = m.Order.After
			}
		}
		merged := one
		if len(nodeOrder) == 0 {
			// No list has a real mirror: the node ignores the source. Keep
			// the first entry's mirrors, without duplicates, for the record.
			merged = dedupe(first.Mirrors, "")
		}
		if len(g) == 1 && policy == first.Policy && equal(merged, first.Mirrors) {
			continue
		}
		m.Mirrors = merged
		first.Mirrors = merged
		first.Policy = policy
		for _, p := range g[1:] {
			m.From = append(m.From, p.set)
			drop[p.at], dropped = true, true
		}
		rep.Merges = append(rep.Merges, m)
	}

	at := 0
	for _, s := range sets {
		if !dropped || s.Kind == mirror.ICSP {
			continue // as group skips them
		}
		d := drop[at : at+len(s.Entries)]
		at += len(s.Entries)
		if !slices.Contains(d, true) {
			continue
		}
		kept := s.Entries[:0]
		for i, e := range s.Entries {
			if !d[i] {
				kept = append(kept, e)
			}
		}
		s.Entries = kept
		if len(kept) == 0 {
			rep.Emptied = append(rep.Emptied, s)
		}
	}
	return rep
}

// rewrite replaces, without merging, each entry of g that repeats a mirror.
// It tries each entry's own mirrors in the node's order first, which keeps
// the node's order where the other lists already say it; where they do not,
// every such entry gets one, which always keeps it (see Merge). An entry
// without a real mirror, which the node ignores, just loses its repeats.
// Without the source (Order.WithoutSource), where even that leaves another
// order beside the other lists, they get one too.
func (f Filter) rewrite(g []place, fixed [][]string, one []string, m *Merge) {
	var at []int // indexes in g of the entries that repeat a mirror
	for i, p := range g {
		if HasRepeats(p.set.Entries[p.entry].Mirrors) {
			at = append(at, i)
		}
	}
	lists := make([][]string, len(g), len(g)+len(fixed))
	for i, p := range g {
		lists[i] = p.set.Entries[p.entry].Mirrors
	}
	for _, i := range at {
		l := lists[i]
		if !(mirror.Entry{Source: m.Source, Mirrors: l}).HasRealMirror() {
			lists[i] = dedupe(l, "")
			continue
		}
		own := make([]string, 0, len(l))
		for _, x := range one {
			if slices.Contains(l, x) {
				own = append(own, x)
			}
		}
		lists[i] = own
	}
	without := m.Order != nil && m.Order.WithoutSource
	real := func(i int) bool { return (mirror.Entry{Source: m.Source, Mirrors: lists[i]}).HasRealMirror() }
	order := func() []string {
		o, _ := NodeOrder(m.Source, append(slices.Clone(lists), fixed...))
		return o
	}
	if !slices.Equal(order(), one) {
		for _, i := range at {
			if real(i) {
				lists[i] = slices.Clone(one)
			}
		}
		if without && !slices.Equal(order(), one) {
			for i := range lists {
				if real(i) && !slices.Contains(at, i) {
					at = append(at, i)
					lists[i] = slices.Clone(one)
				}
			}
			slices.Sort(at)
		}
	}
	if without {
		m.Order.After = order()
	}
	m.Entries = len(at)
	for _, i := range at {
		p := g[i]
		p.set.Entries[p.entry].Mirrors = lists[i]
	}
	m.Mirrors = lists[at[0]]
}

func anyRepeats(g []place) bool {
	for _, p := range g {
		if HasRepeats(p.set.Entries[p.entry].Mirrors) {
			return true
		}
	}
	return false
}

// repeats returns the mirrors that an entry of g repeats, in the order
// they first repeat, or nil.
func repeats(g []place) []string {
	var out []string
	for _, p := range g {
		l := p.set.Entries[p.entry].Mirrors
		for i, m := range l {
			if slices.Contains(l[:i], m) && !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// HasRepeats reports whether a mirror list names a mirror twice, which the
// API rejects in ImageDigestMirrorSet and ImageTagMirrorSet.
func HasRepeats(l []string) bool {
	if len(l) < 8 {
		for i, m := range l {
			if slices.Contains(l[:i], m) {
				return true
			}
		}
		return false
	}
	seen := make(map[string]bool, len(l))
	for _, m := range l {
		if seen[m] {
			return true
		}
		seen[m] = true
	}
	return false
}

// group returns the pools' sources in the order they first appear, and for
// each the places of its entries, in order: one map lookup per entry, and
// the places of all groups in one allocation, where a slice per group was
// most of the filter's garbage. The map is not sized up front: sized for
// every entry, it spreads a few sources over more memory than the caches
// hold.
func group(sets []*mirror.Set) (order []key, groups [][]place, total int) {
	for _, s := range sets {
		if s.Kind != mirror.ICSP {
			total += len(s.Entries)
		}
	}
	index := map[key]int32{}
	var sizes []int32
	at := make([]place, 0, total)  // every entry, in the order of the sets
	ids := make([]int32, 0, total) // and its group
	for _, s := range sets {
		if s.Kind == mirror.ICSP {
			continue
		}
		for i := range s.Entries {
			k := key{s.Kind.Pool(), s.Entries[i].Source}
			gi, ok := index[k]
			if !ok {
				gi = int32(len(order))
				index[k] = gi
				order = append(order, k)
				sizes = append(sizes, 0)
			}
			sizes[gi]++
			at = append(at, place{s, int32(i), int32(len(at))})
			ids = append(ids, gi)
		}
	}
	all := make([]place, len(at))
	groups = make([][]place, len(order))
	start := 0
	for gi, size := range sizes {
		groups[gi] = all[start : start : start+int(size)]
		start += int(size)
	}
	for j, p := range at {
		groups[ids[j]] = append(groups[ids[j]], p)
	}
	return order, groups, total
}

// clean reports whether an entry is already what a merge would make of it:
// no duplicate mirrors, and not the source among them.
func clean(e *mirror.Entry) bool {
	if len(e.Mirrors) < 8 {
		for i, m := range e.Mirrors {
			if m == e.Source {
				return false
			}
			for _, n := range e.Mirrors[:i] {
				if n == m {
					return false
				}
			}
		}
		return true
	}
	seen := make(map[string]bool, len(e.Mirrors))
	for _, m := range e.Mirrors {
		if m == e.Source || seen[m] {
			return false
		}
		seen[m] = true
	}
	return true
}

// stronger returns the policy that says more: NeverContactSource over
// AllowContactingSource over none. Conflicts are settled before merging, so
// this only keeps an explicit value.
func stronger(a, b mirror.Policy) mirror.Policy {
	rank := func(p mirror.Policy) int {
		switch p {
		case mirror.NeverContactSource:
			return 2
		case mirror.AllowContactingSource:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// plainRepeats reports whether lists, each without its repeats, give the
// node nodeOrder too.
func plainRepeats(source string, lists, fixed [][]string, nodeOrder []string) bool {
	once := make([][]string, 0, len(lists)+len(fixed))
	for _, l := range lists {
		once = append(once, dedupe(l, ""))
	}
	order, looped := NodeOrder(source, append(once, fixed...))
	return !looped && equal(order, nodeOrder)
}

func dedupe(list []string, source string) []string {
	out := make([]string, 0, len(list))
	seen := make(map[string]bool, len(list))
	for _, m := range list {
		if m != source && !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
