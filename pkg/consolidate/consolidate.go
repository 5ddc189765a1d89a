// Package consolidate merges mirror entries the way a node merges them
// anyway, so that fewer rules reach registries.conf while each node tries the
// same mirrors in the same order. Within one pool (digest: ImageDigestMirrorSet,
// tag: ImageTagMirrorSet), entries with the same source, across all objects,
// become one entry that stays where the source first appeared; its mirrors are
// in the order the node would use, without duplicates and without the source.
package consolidate

import (
	"slices"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// Filter merges entries with the same source within each pool.
type Filter struct {
	// Fixed holds mirror lists that reach the node beside the sets being
	// merged but must stay as they are (the entries of ICSPs that are kept),
	// keyed by source; they join the digest pool's order.
	Fixed map[string][][]string
}

// Merge is what the filter did to one source.
type Merge struct {
	Pool   mirror.Pool
	Source string
	// Into is the set that holds the merged entry; From are the other sets
	// whose entries for Source were merged into it (a set may repeat).
	Into *mirror.Set
	From []*mirror.Set
	// Entries is how many entries became one.
	Entries int
	// Mirrors is the merged list, in the node's order.
	Mirrors []string
	// Unmerged is true when one list could not say what the lists say
	// together, so the entries were left as they are: the lists disagree
	// on the order (Looped), or the source stands among the mirrors before
	// the last one. NodeOrder is then what the node tries, the source
	// included.
	Unmerged  bool
	Looped    bool
	NodeOrder []string
	// After is, when duplicates had to go (the API rejects them), the
	// node's order without them; it differs from NodeOrder. Where without
	// them one list can say what the lists say, the entries are merged
	// (Unmerged is false) into Mirrors, which is then After.
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
	entry int
}

type key struct {
	pool   mirror.Pool
	source string
}

// Filter merges the entries of the IDMS and ITMS in sets, in place. ICSPs are
// left alone: they are either converted already or kept on purpose.
func (f Filter) Filter(sets []*mirror.Set) Report {
	order, groups := group(sets)
	var rep Report
	drop := map[*mirror.Set]map[int]bool{}
	for gi, k := range order {
		g := groups[gi]
		first := &g[0].set.Entries[g[0].entry]
		fixed := f.Fixed[k.source]
		if k.pool != mirror.DigestPool {
			fixed = nil
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
		merged := make([]string, 0, len(nodeOrder))
		for _, m := range nodeOrder {
			if m != k.source {
				merged = append(merged, m)
			}
		}
		var repeats *Merge // the repeated mirrors removed, when that let the lists merge
		if looped || len(merged) != len(nodeOrder) {
			m := Merge{Pool: k.pool, Source: k.source, Into: g[0].set, Entries: len(g),
				Unmerged: true, Looped: looped, NodeOrder: nodeOrder}
			if !f.dedupe(g) {
				rep.Merges = append(rep.Merges, m)
				continue
			}
			after := make([][]string, 0, len(g)+len(fixed))
			for _, p := range g {
				after = append(after, p.set.Entries[p.entry].Mirrors)
			}
			var afterLooped bool
			m.After, afterLooped = NodeOrder(k.source, append(after, fixed...))
			if afterLooped || slices.Contains(m.After, k.source) {
				rep.Merges = append(rep.Merges, m)
				continue
			}
			// Without the repeats one list can say what the lists say: merge
			// them now, or a second run would.
			repeats, nodeOrder, merged = &m, m.After, m.After
		}
		if len(nodeOrder) == 0 {
			// No list has a real mirror: the node ignores the source. Keep
			// the first entry's mirrors, without duplicates, for the record.
			merged = dedupe(first.Mirrors, "")
		}
		if len(g) == 1 && policy == first.Policy && equal(merged, first.Mirrors) && repeats == nil {
			continue
		}
		m := Merge{Pool: k.pool, Source: k.source, Into: g[0].set, Entries: len(g), Mirrors: merged}
		if repeats != nil {
			m.Looped, m.NodeOrder, m.After = repeats.Looped, repeats.NodeOrder, repeats.After
		}
		first.Mirrors = merged
		first.Policy = policy
		for _, p := range g[1:] {
			m.From = append(m.From, p.set)
			if drop[p.set] == nil {
				drop[p.set] = map[int]bool{}
			}
			drop[p.set][p.entry] = true
		}
		rep.Merges = append(rep.Merges, m)
	}

	for _, s := range sets {
		d := drop[s]
		if len(d) == 0 {
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

// group returns the pools' sources in the order they first appear, and for
// each the places of its entries, in order: one map lookup per entry, and
// the places of all groups in one allocation, where a slice per group was
// most of the filter's garbage. The map is not sized up front: sized for
// every entry, it spreads a few sources over more memory than the caches
// hold.
func group(sets []*mirror.Set) ([]key, [][]place) {
	index := map[key]int32{}
	var order []key
	var sizes []int32
	var at []place  // every entry, in the order of the sets
	var ids []int32 // and its group
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
			at = append(at, place{s, i})
			ids = append(ids, gi)
		}
	}
	all := make([]place, len(at))
	groups := make([][]place, len(order))
	start := 0
	for gi, size := range sizes {
		groups[gi] = all[start : start : start+int(size)]
		start += int(size)
	}
	for j, p := range at {
		groups[ids[j]] = append(groups[ids[j]], p)
	}
	return order, groups
}

// dedupe removes repeated mirrors from the entries of g, which the API
// rejects, and reports whether there were any.
func (Filter) dedupe(g []place) bool {
	any := false
	for _, p := range g {
		e := &p.set.Entries[p.entry]
		if d := dedupe(e.Mirrors, ""); len(d) != len(e.Mirrors) {
			e.Mirrors, any = d, true
		}
	}
	return any
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
