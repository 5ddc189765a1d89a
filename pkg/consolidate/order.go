package consolidate

import (
	"slices"
	"strings"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// NodeOrder returns the order in which a node tries the mirrors of source,
// given every mirror list that the node gets for it in one pool. It is the
// Machine Config Operator's merge (runtime-utils registries.mergedMirrors):
// each list adds the edges m[i] -> m[i+1], and last -> source unless the list
// names the source; the graph is sorted topologically, and loops are broken
// by the smallest unused name. A trailing source is dropped, as the node
// does. Lists without a mirror other than the source are ignored, as the node
// ignores them. looped reports whether a loop had to be broken, that is
// whether the lists disagree on the order.
func NodeOrder(source string, lists [][]string) (order []string, looped bool) {
	var g graph
	for _, l := range lists {
		// A first mirror other than the source settles it, as it does
		// for most lists.
		if len(l) == 0 || l[0] == source && !(mirror.Entry{Source: source, Mirrors: l}).HasRealMirror() {
			continue
		}
		named := false
		for i, m := range l {
			if i+1 < len(l) {
				g.edge(m, l[i+1])
			}
			named = named || m == source
		}
		if !named {
			g.edge(l[len(l)-1], source)
		}
	}
	if len(g.nodes) == 0 {
		return nil, false
	}
	order, looped = g.sorted()
	if order[len(order)-1] == source {
		order = order[:len(order)-1]
	}
	return order, looped
}

// The graph is small (a source's mirrors) and made once per source, so it
// lives in slices: nodes by index, a node found by a linear scan until there
// are many, and each node's remaining predecessors counted rather than kept
// in a set. Fewer allocations than the MCO's maps, and the same order.
type node struct {
	name string
	used bool
	ins  int     // distinct predecessors not taken yet
	outs []int32 // distinct successors, in insertion order
}

type graph struct {
	nodes []node
	// index and edges replace the linear scans once the graph is large.
	index map[string]int32
	edges map[[2]int32]struct{}
}

// scanLimit is how many nodes, or successors, a linear scan looks through
// before maps take over.
const scanLimit = 16

func (g *graph) get(name string) int32 {
	if g.index != nil {
		if i, ok := g.index[name]; ok {
			return i
		}
	} else {
		for i := range g.nodes {
			if g.nodes[i].name == name {
				return int32(i)
			}
		}
	}
	g.nodes = append(g.nodes, node{name: name})
	n := int32(len(g.nodes) - 1)
	switch {
	case g.index != nil:
		g.index[name] = n
	case len(g.nodes) > scanLimit:
		g.index = make(map[string]int32, 2*len(g.nodes))
		for i := range g.nodes {
			g.index[g.nodes[i].name] = int32(i)
		}
	}
	return n
}

func (g *graph) edge(from, to string) {
	f, t := g.get(from), g.get(to)
	outs := g.nodes[f].outs
	if g.edges != nil {
		if _, ok := g.edges[[2]int32{f, t}]; ok {
			return
		}
		g.edges[[2]int32{f, t}] = struct{}{}
	} else {
		for _, o := range outs {
			if o == t {
				return
			}
		}
		if len(outs) >= scanLimit {
			g.edges = map[[2]int32]struct{}{}
			for i := range g.nodes {
				for _, o := range g.nodes[i].outs {
					g.edges[[2]int32{int32(i), o}] = struct{}{}
				}
			}
			g.edges[[2]int32{f, t}] = struct{}{}
		}
	}
	g.nodes[f].outs = append(outs, t)
	g.nodes[t].ins++
}

// sorted is runtime-utils' topoGraph.Sorted: Kahn's algorithm with a FIFO
// queue fed in sorted batches, loops broken by the first unused node in name
// order. The exact queue discipline matters: it decides the order on the node.
func (g *graph) sorted() ([]string, bool) {
	byName := func(a, b int32) int { return strings.Compare(g.nodes[a].name, g.nodes[b].name) }
	all := make([]int32, len(g.nodes))
	for i := range all {
		all[i] = int32(i)
	}
	slices.SortFunc(all, byName)

	queue := make([]int32, 0, len(all))
	for _, n := range all {
		if g.nodes[n].ins == 0 {
			queue = append(queue, n)
		}
	}
	res := make([]string, 0, len(all))
	looped := false
	next := 0
	for len(queue) > 0 || next < len(all) {
		var n int32
		if len(queue) > 0 {
			n, queue = queue[0], queue[1:]
		} else {
			n = all[next]
			next++
			if g.nodes[n].used {
				continue
			}
			looped = true
		}
		g.nodes[n].used = true
		res = append(res, g.nodes[n].name)
		start := len(queue)
		for _, o := range g.nodes[n].outs {
			on := &g.nodes[o]
			on.ins--
			if on.ins == 0 && !on.used {
				queue = append(queue, o)
			}
		}
		slices.SortFunc(queue[start:], byName)
	}
	return res, looped
}
