// Package inputlimit bounds what mirrorset reads, so that hostile YAML gets
// a clear error within bounded memory and time instead of an out-of-memory
// kill: the size of the input and of its lines (on the bytes, as they are
// read), how many YAML nodes the text may hold (on the bytes, before a
// parse), and, on a parsed tree, its nodes, nesting depth, scalar and key
// sizes, and what its aliases expand to (a "billion laughs" document is a
// few hundred bytes that alias their way to billions of nodes).
//
// Each limit has a default and an environment variable that changes it.
package inputlimit

import (
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"strings"
)

// Limits are the bounds on one input. A zero field means no limit.
type Limits struct {
	// MaxInputBytes bounds the size of the input.
	MaxInputBytes int64
	// MaxLineBytes bounds each line of the input.
	MaxLineBytes int
	// MaxNodes bounds the YAML nodes of what is parsed. Before a parse,
	// text that may hold more than EstimateFactor times as many (by
	// EstimateNodes) is refused, since parsing it would already cost the
	// memory the limit is there to save.
	MaxNodes int
	// MaxDepth bounds how deeply collections nest.
	MaxDepth int
	// MaxScalarBytes bounds each scalar value and map key.
	MaxScalarBytes int
	// MaxAliasNodes bounds the nodes that aliases add when expanded.
	MaxAliasNodes int
	// MaxItems bounds the items of a ResourceList that is parsed whole:
	// each costs a few kilobytes on top of its nodes.
	MaxItems int
}

// EstimateFactor is how far EstimateNodes may exceed MaxNodes before the
// text is refused unparsed: the estimate counts every separator, also those
// inside strings, so ordinary YAML estimates at one to three times its nodes.
const EstimateFactor = 4

// Default returns the limits mirrorset uses unless told otherwise. They
// admit any object a cluster could hold (at most about 1.5 MiB in etcd)
// and lists of some 25,000 mirror objects, and keep mirrorset's peak memory
// under 768 MiB whatever the input (measured: about 610 MiB at worst, for
// the full parse of lists just under the node and item limits).
func Default() Limits {
	return Limits{
		MaxInputBytes:  64 << 20,
		MaxLineBytes:   4 << 20,
		MaxNodes:       500_000,
		MaxDepth:       1000,
		MaxScalarBytes: 4 << 20,
		MaxAliasNodes:  100_000,
		MaxItems:       50_000,
	}
}

// The environment variables that change the limits.
const (
	EnvMaxInputBytes  = "MIRRORSET_MAX_INPUT_BYTES"
	EnvMaxLineBytes   = "MIRRORSET_MAX_LINE_BYTES"
	EnvMaxNodes       = "MIRRORSET_MAX_NODES"
	EnvMaxDepth       = "MIRRORSET_MAX_DEPTH"
	EnvMaxScalarBytes = "MIRRORSET_MAX_SCALAR_BYTES"
	EnvMaxAliasNodes  = "MIRRORSET_MAX_ALIAS_NODES"
	EnvMaxItems       = "MIRRORSET_MAX_ITEMS"
)

// FromEnv returns Default changed by the environment variables that
// lookup finds (os.LookupEnv). Sizes accept a suffix Ki, Mi or Gi; 0 turns
// a limit off.
func FromEnv(lookup func(string) (string, bool)) (Limits, error) {
	l := Default()
	for _, v := range []struct {
		name string
		set  func(int64)
	}{
		{EnvMaxInputBytes, func(n int64) { l.MaxInputBytes = n }},
		{EnvMaxLineBytes, func(n int64) { l.MaxLineBytes = int(n) }},
		{EnvMaxNodes, func(n int64) { l.MaxNodes = int(n) }},
		{EnvMaxDepth, func(n int64) { l.MaxDepth = int(n) }},
		{EnvMaxScalarBytes, func(n int64) { l.MaxScalarBytes = int(n) }},
		{EnvMaxAliasNodes, func(n int64) { l.MaxAliasNodes = int(n) }},
		{EnvMaxItems, func(n int64) { l.MaxItems = int(n) }},
	} {
		s, ok := lookup(v.name)
		if !ok || s == "" {
			continue
		}
		n, err := parseSize(s)
		if err != nil {
			return l, fmt.Errorf("environment variable %s=%q: %w; use a whole number, with Ki, Mi or Gi for sizes, or 0 for no limit", v.name, s, err)
		}
		v.set(n)
	}
	return l, nil
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30} {
		if strings.HasSuffix(s, suffix) {
			s, mult = strings.TrimSuffix(s, suffix), m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errors.New("not a number")
	}
	if n < 0 {
		return 0, errors.New("negative")
	}
	if n > (1<<62)/mult {
		return 0, errors.New("too large")
	}
	return n * mult, nil
}

// Error is an input that exceeds a limit.
type Error struct {
	// Env is the environment variable of the limit, Limit its value.
	Env   string
	Limit int64
	// Line is the input line where the limit was exceeded, 0 if unknown.
	Line int
	// Msg says what exceeds the limit.
	Msg string
}

func (e *Error) Error() string {
	at := ""
	if e.Line > 0 {
		at = fmt.Sprintf("line %d: ", e.Line)
	}
	return fmt.Sprintf("%s%s (limit %s=%d; raise it if the input is meant to be so)", at, e.Msg, e.Env, e.Limit)
}

// Size writes a size in bytes the way a reader thinks of it.
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// SoftMemoryLimit is the Go runtime's memory limit for a full parse, unless
// GOMEMLIMIT or the caller set one. Parsing and printing every item with
// kyaml leaves much garbage; near this limit the collector runs more often
// instead of letting the heap double, which keeps the peak of a worst-case
// input under the limits near its live data (see the README). It is soft:
// a run that needs more still gets it, only more slowly.
const SoftMemoryLimit = 512 << 20

// SetSoftMemoryLimit sets SoftMemoryLimit as the runtime's memory limit,
// unless the environment variable GOMEMLIMIT is set or a limit is set
// already, and returns what undoes it.
func SetSoftMemoryLimit(lookup func(string) (string, bool)) (undo func()) {
	if _, ok := lookup("GOMEMLIMIT"); ok {
		return func() {}
	}
	old := debug.SetMemoryLimit(-1)
	if old != math.MaxInt64 {
		return func() {}
	}
	debug.SetMemoryLimit(SoftMemoryLimit)
	return func() { debug.SetMemoryLimit(old) }
}
