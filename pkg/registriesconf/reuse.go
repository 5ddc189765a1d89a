package registriesconf

import (
	"slices"

	"github.com/mirrorset/mirrorset/pkg/check"
	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// Prerendered is the rendering of one set of mirror objects, kept so that
// another set that the MCO merges alike takes it without running the MCO's
// renderer again (Reuse). mirrorset renders the input's objects beside
// its transform: the output's objects, consolidated, most often give every
// source the mirrors, in the order, that the input's give it.
type Prerendered struct {
	opts  Options
	res   *Result
	merge map[poolSource]mergedSource
}

type poolSource struct {
	pool   mirror.Pool
	source string
}

// mergedSource is what the MCO's merge gives a source: whether it is never
// contacted, and its mirrors in order.
type mergedSource struct {
	never   bool
	mirrors []string
}

// Prerender renders sets as Render does, for Reuse, or returns nil where
// Reuse could not tell: a release image in opts (the payload's check reads
// the objects), the MCO refusing the sets, or a source whose lists leave
// the MCO's sort a choice (see uniqueMerge).
func Prerender(sets []mirror.Set, opts Options) *Prerendered {
	if opts.ReleaseImage != "" || len(sets) == 0 {
		return nil
	}
	// The distinct entries merge and render alike (see distinct); the
	// checks and warnings that read every entry run again in Reuse, on the
	// sets it is given.
	d := distinct(sets)
	merge, ok := uniqueMerge(d)
	if !ok {
		return nil
	}
	res, err := Render(d, opts)
	if err != nil || !res.Rewritten || res.Edited == nil {
		return nil
	}
	return &Prerendered{opts: opts, res: res, merge: merge}
}

// Edited is Edit of the sets p was made from, with p's options.
func (p *Prerendered) Edited() *Edited { return p.res.Edited }

// Reuse returns what Render returns for sets, with p's options, when the
// MCO merges sets as it merges p's: every source with a mirror other than
// itself the same in both, each with the same mirrors in the same order,
// never contacted in both or in neither. The renderer reads the objects
// only through that merge (EditRegistriesConfig); the rest of Render that
// reads them (check.MCO, the warnings of nestedUnblocked) runs here on
// sets. ok is false where the merges differ or cannot be told apart
// without the renderer, and where Render would fail: the caller renders.
func (p *Prerendered) Reuse(sets []mirror.Set) (res *Result, ok bool) {
	if p == nil || len(sets) == 0 {
		return nil, false
	}
	merge, ok := uniqueMerge(sets)
	if !ok || len(merge) != len(p.merge) {
		return nil, false
	}
	for k, m := range merge {
		if pm, ok := p.merge[k]; !ok || pm.never != m.never || !slices.Equal(pm.mirrors, m.mirrors) {
			return nil, false
		}
	}
	if err := check.MCO(sets); err != nil {
		return nil, false
	}
	// Render's steps on the same options gave no error for p; without a
	// release image, blockedAndAllowed does not read the objects.
	lists, err := blockedAndAllowed("", p.opts.Image, nil, nil)
	if err != nil {
		return nil, false
	}
	res = &Result{Conf: p.res.Conf, Rewritten: true, Edited: p.res.Edited}
	res.Warnings = append(res.Warnings, lists.warnings...)
	res.Warnings = append(res.Warnings, nestedUnblocked(p.res.Edited.Conf.Registries, sets)...)
	return res, true
}

// uniqueMerge returns the MCO's merge of sets (mergedDigestMirrorSets,
// mergedTagMirrorSets) by pool and source, where each source's lists give
// one order only. The MCO adds an edge from each mirror of a list to the
// next, and from its last to the source when the source is not in it
// (mergedMirrors), and sorts the graph: it takes a node with no edge in
// from those left, the first by name where several have none, and breaks
// a cycle by name (topoGraph.Sorted). Where at every step one node alone
// has no edge in, the graph has one order, which any such sort gives: this
// returns it, without the source when it comes last, as the MCO does. ok
// is false where a source's lists leave a choice, or loop.
func uniqueMerge(sets []mirror.Set) (merge map[poolSource]mergedSource, ok bool) {
	type lists struct {
		never bool
		d     distinctLists
		all   [][]string
	}
	var order []poolSource
	by := map[poolSource]*lists{}
	for i := range sets {
		s := &sets[i]
		for _, e := range s.Entries {
			if !e.HasRealMirror() {
				continue // addMirrorSet skips it, policy and all
			}
			k := poolSource{s.Kind.Pool(), e.Source}
			l := by[k]
			if l == nil {
				l = &lists{}
				by[k] = l
				order = append(order, k)
			}
			// An ICSP carries no policy: the MCO gives it none.
			l.never = l.never || s.Kind != mirror.ICSP && e.Policy == mirror.NeverContactSource
			if l.d.add(e.Mirrors) {
				l.all = append(l.all, e.Mirrors)
			}
		}
	}
	merge = make(map[poolSource]mergedSource, len(by))
	for _, k := range order {
		l := by[k]
		mirrors, ok := uniqueOrder(k.source, l.all)
		if !ok {
			return nil, false
		}
		merge[k] = mergedSource{never: l.never, mirrors: mirrors}
	}
	return merge, true
}

// uniqueOrder returns the one order of the graph that the MCO's merge
// makes of a source's lists (see uniqueMerge), or ok false.
func uniqueOrder(source string, lists [][]string) (order []string, ok bool) {
	index := map[string]int{}
	var names []string
	node := func(n string) int {
		i, ok := index[n]
		if !ok {
			i = len(names)
			index[n] = i
			names = append(names, n)
		}
		return i
	}
	type edge struct{ from, to int }
	edges := map[edge]bool{}
	var out [][]int
	var in []int
	add := func(from, to string) {
		f, t := node(from), node(to)
		for len(out) < len(names) {
			out = append(out, nil)
			in = append(in, 0)
		}
		if e := (edge{f, t}); !edges[e] {
			edges[e] = true
			out[f] = append(out[f], t)
			in[t]++
		}
	}
	for _, l := range lists {
		for i := 0; i+1 < len(l); i++ {
			add(l[i], l[i+1])
		}
		if !slices.Contains(l, source) {
			add(l[len(l)-1], source)
		}
	}
	var ready []int
	for i := range names {
		if in[i] == 0 {
			ready = append(ready, i)
		}
	}
	for len(order) < len(names) {
		if len(ready) != 1 {
			return nil, false // a choice, or a loop
		}
		n := ready[0]
		ready = ready[:0]
		order = append(order, names[n])
		for _, t := range out[n] {
			if in[t]--; in[t] == 0 {
				ready = append(ready, t)
			}
		}
	}
	if order[len(order)-1] == source {
		order = order[:len(order)-1]
	}
	return order, true
}
