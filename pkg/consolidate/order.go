package consolidate

import (
	"sort"

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
	g := newGraph()
	for _, l := range lists {
		if !(mirror.Entry{Source: source, Mirrors: l}).HasRealMirror() {
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

type node struct {
	name string
	used bool
	ins  map[*node]struct{}
	outs []*node // in insertion order; sorted where order matters
	out  map[*node]struct{}
}

type graph struct {
	nodes map[string]*node
}

func newGraph() *graph { return &graph{nodes: map[string]*node{}} }

func (g *graph) get(name string) *node {
	n, ok := g.nodes[name]
	if !ok {
		n = &node{name: name, ins: map[*node]struct{}{}, out: map[*node]struct{}{}}
		g.nodes[name] = n
	}
	return n
}

func (g *graph) edge(from, to string) {
	f, t := g.get(from), g.get(to)
	if _, ok := f.out[t]; ok {
		return
	}
	f.out[t] = struct{}{}
	f.outs = append(f.outs, t)
	t.ins[f] = struct{}{}
}

// sorted is runtime-utils' topoGraph.Sorted: Kahn's algorithm with a FIFO
// queue fed in sorted batches, loops broken by the first unused node in name
// order. The exact queue discipline matters: it decides the order on the node.
func (g *graph) sorted() ([]string, bool) {
	all := make([]*node, 0, len(g.nodes))
	for _, n := range g.nodes {
		all = append(all, n)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })

	var queue []*node
	for _, n := range all {
		if len(n.ins) == 0 {
			queue = append(queue, n)
		}
	}
	res := make([]string, 0, len(all))
	looped := false
	next := 0
	for len(queue) > 0 || next < len(all) {
		var n *node
		if len(queue) > 0 {
			n, queue = queue[0], queue[1:]
		} else {
			n = all[next]
			next++
			if n.used {
				continue
			}
			looped = true
		}
		n.used = true
		res = append(res, n.name)
		var batch []*node
		for _, o := range n.outs {
			delete(o.ins, n)
			if len(o.ins) == 0 && !o.used {
				batch = append(batch, o)
			}
		}
		sort.Slice(batch, func(i, j int) bool { return batch[i].name < batch[j].name })
		queue = append(queue, batch...)
	}
	return res, looped
}
