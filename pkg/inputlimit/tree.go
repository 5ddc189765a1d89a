package inputlimit

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Checker checks parsed YAML trees against the limits. Its counts of nodes
// and of alias expansion run across all the trees it checks, which are
// parts of one input.
type Checker struct {
	l Limits
	// nodes counts the nodes checked; expanded the nodes that aliases add.
	nodes, expanded int
	// expansions memoizes what each aliased node expands to; a size of
	// -1 marks a node being counted.
	expansions map[*yaml.Node]expansion
}

// expansion is what a node stands for with its aliases expanded: so many
// nodes, nesting so many levels below it.
type expansion struct{ size, height int }

// NewChecker returns a Checker for l.
func (l Limits) NewChecker() *Checker {
	return &Checker{l: l, expansions: map[*yaml.Node]expansion{}}
}

// Check checks the tree under root: how deeply it nests, its nodes, the
// size of its scalars and keys, and what its aliases expand to. It does not
// expand anything, so a hostile tree costs no more than its own nodes.
func (c *Checker) Check(root *yaml.Node) error {
	return c.walk(root, 0, false)
}

func (c *Checker) walk(n *yaml.Node, depth int, key bool) error {
	if n == nil {
		return nil
	}
	c.nodes++
	if max := c.l.MaxNodes; max > 0 && c.nodes > max {
		return &Error{Env: EnvMaxNodes, Limit: int64(max), Line: n.Line, Msg: fmt.Sprintf("the input holds more than %d YAML nodes", max)}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if max := c.l.MaxScalarBytes; max > 0 && len(n.Value) > max {
			what := "scalar value"
			if key {
				what = "key"
			}
			return &Error{Env: EnvMaxScalarBytes, Limit: int64(max), Line: n.Line,
				Msg: fmt.Sprintf("a %s of %d bytes, larger than %s", what, len(n.Value), Size(int64(max)))}
		}
		return nil
	case yaml.AliasNode:
		e, err := c.expand(n.Alias)
		if err != nil {
			return err
		}
		if max := c.l.MaxDepth; max > 0 && depth+e.height > max {
			return c.depthError(n)
		}
		c.expanded = addCapped(c.expanded, e.size)
		if max := c.l.MaxAliasNodes; max > 0 && c.expanded > max {
			return c.aliasError(n)
		}
		return nil
	case yaml.DocumentNode:
		depth-- // a document is no level of nesting
	}
	if max := c.l.MaxDepth; max > 0 && depth+1 > max {
		return c.depthError(n)
	}
	for i, child := range n.Content {
		if err := c.walk(child, depth+1, n.Kind == yaml.MappingNode && i%2 == 0); err != nil {
			return err
		}
	}
	return nil
}

// expand returns what n stands for with every alias expanded, its size
// capped just past MaxAliasNodes. Aliases only refer back, to nodes that
// Check has walked, so the recursion goes no deeper than the tree itself.
func (c *Checker) expand(n *yaml.Node) (expansion, error) {
	if n == nil {
		return expansion{}, nil
	}
	if e, ok := c.expansions[n]; ok {
		if e.size < 0 {
			return e, &Error{Env: EnvMaxAliasNodes, Limit: int64(c.l.MaxAliasNodes), Line: n.Line, Msg: "an alias refers to a node that holds the alias"}
		}
		return e, nil
	}
	c.expansions[n] = expansion{size: -1}
	e := expansion{size: 1}
	switch n.Kind {
	case yaml.AliasNode:
		a, err := c.expand(n.Alias)
		if err != nil {
			return e, err
		}
		e = a
	case yaml.DocumentNode, yaml.MappingNode, yaml.SequenceNode:
		for _, child := range n.Content {
			ce, err := c.expand(child)
			if err != nil {
				return e, err
			}
			e.size = addCapped(e.size, ce.size)
			e.height = max(e.height, ce.height+1)
		}
	}
	if limit := c.l.MaxAliasNodes; limit > 0 && e.size > limit {
		e.size = limit + 1 // enough to tell; keeps the sums small
	}
	c.expansions[n] = e
	return e, nil
}

func (c *Checker) aliasError(n *yaml.Node) error {
	return &Error{Env: EnvMaxAliasNodes, Limit: int64(c.l.MaxAliasNodes), Line: n.Line,
		Msg: fmt.Sprintf("aliases expand to more than %d YAML nodes (an alias bomb, such as \"billion laughs\", does that)", c.l.MaxAliasNodes)}
}

func (c *Checker) depthError(n *yaml.Node) error {
	return &Error{Env: EnvMaxDepth, Limit: int64(c.l.MaxDepth), Line: n.Line,
		Msg: fmt.Sprintf("collections nest deeper than %d levels", c.l.MaxDepth)}
}

func addCapped(a, b int) int {
	const top = 1 << 40
	if a > top-b {
		return top
	}
	return a + b
}

// Counted adds what a reader that builds no tree saw of one (its nodes, how
// deeply its collections nest, its longest scalar or key) to the counts, as
// Check would for the tree, and checks them. It adds nothing when it
// refuses: the caller then checks the tree itself, for the error's line.
func (c *Checker) Counted(nodes, height, maxScalar int) error {
	if max := c.l.MaxNodes; max > 0 && c.nodes+nodes > max {
		return &Error{Env: EnvMaxNodes, Limit: int64(max), Msg: fmt.Sprintf("the input holds more than %d YAML nodes", max)}
	}
	if max := c.l.MaxDepth; max > 0 && height > max {
		return &Error{Env: EnvMaxDepth, Limit: int64(max), Msg: fmt.Sprintf("collections nest deeper than %d levels", max)}
	}
	if max := c.l.MaxScalarBytes; max > 0 && maxScalar > max {
		return &Error{Env: EnvMaxScalarBytes, Limit: int64(max), Msg: fmt.Sprintf("a scalar of %d bytes, larger than %s", maxScalar, Size(int64(max)))}
	}
	c.nodes += nodes
	return nil
}
