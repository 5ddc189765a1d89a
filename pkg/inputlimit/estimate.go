package inputlimit

import (
	"bytes"
	"fmt"
)

// nodeWeight is, for each byte, how many YAML nodes it can introduce at
// most. Every node but a document's root stands after a separator: a
// mapping's key and value after ':' (or '?'), a block sequence's entry
// after '-', a flow collection's first entry and the collection itself
// after '[' or '{', each further entry after ',' (a flow mapping's entry
// being a key and its value), a new line for a nested block collection.
var nodeWeight = func() (w [256]uint8) {
	w['\n'] = 1
	w[':'], w['-'] = 2, 2
	w[','], w['['], w['{'], w['?'] = 3, 3, 3, 3
	return w
}()

// EstimateNodes returns an upper bound on the number of nodes a YAML
// parser builds from data, counting separators without parsing: a few
// bytes of flow style ("[a,a,a]") make a node each, and a parser spends
// about 150 bytes of memory on every node.
func EstimateNodes(data []byte) int {
	n := 3 // the document, its root, and a value after a last separator
	// A count for each byte that weighs, which the bytes package does
	// many bytes at a time: several times faster than a table lookup for
	// each byte.
	for _, c := range weighing {
		n += int(nodeWeight[c]) * bytes.Count(data, []byte{c})
	}
	return n
}

// weighing are the bytes whose nodeWeight is not 0.
var weighing = func() (b []byte) {
	for c := range 256 {
		if nodeWeight[c] != 0 {
			b = append(b, byte(c))
		}
	}
	return b
}()

// CheckEstimate refuses data that may hold more than EstimateFactor times
// MaxNodes nodes, before it is parsed.
func (l Limits) CheckEstimate(data []byte) error {
	if l.MaxNodes <= 0 {
		return nil
	}
	if est, max := EstimateNodes(data), EstimateFactor*l.MaxNodes; est > max {
		return &Error{Env: EnvMaxNodes, Limit: int64(l.MaxNodes),
			Msg: fmt.Sprintf("by its separators (':', '-', ',', brackets, line breaks) the input may hold up to %d YAML nodes, more than %d times the limit, so it is refused before parsing", est, EstimateFactor)}
	}
	return nil
}
