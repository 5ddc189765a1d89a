package krm

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/resourcelist"
	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/transform"
)

// runFast runs the function on a list read by the fast path: decide sees
// every item, parses only those it reads, and the items it does not change
// go out as their bytes, one at a time. replay is non-nil when, before
// anything was written, the list turned out to need the full parse; it
// replays the input. read is what the predecoder read while the list was;
// tune says whether the run may cap the heap (see tuning).
func runFast(l *resourcelist.List, inputBytes int64, read predecoded, tune bool, stdout, stderr io.Writer) (code int, replay io.Reader) {
	lim, err := inputLimits()
	if err != nil {
		return refuse(stdout, stderr, err), nil
	}
	if tune {
		defer limitMemory(inputBytes)()
	}
	budget := newFastPathBudget(lim)
	block := make([]entry, len(l.Items)) // one allocation for all
	entries := make([]*entry, len(l.Items))
	for i, it := range l.Items {
		at := read.at(it.Index)
		block[i] = entry{apiVersion: it.APIVersion, kind: it.Kind, item: it, budget: budget, pre: at.set, lines: at.lines}
		entries[i] = &block[i]
	}
	p, results, err := decide(l.FunctionConfig, entries, read.strs, l.ReleaseItems)
	if err != nil {
		debugf(stderr, "full parse: %v", err)
		return 0, l.Replay()
	}
	if i := commentsMove(l, p, results); i >= 0 {
		debugf(stderr, "full parse: the YAML parser would give the comments next to item %d other owners in the output than in the input", i)
		return 0, l.Replay()
	}
	if n := l.Spooled(); n > 0 {
		debugf(stderr, "fast path: %d items, their bytes past the first MiB in a %d MiB spool", len(l.Items), n>>20)
	} else {
		debugf(stderr, "fast path: %d items", len(l.Items))
	}
	w := l.NewWriter(stdout)
	if werr := writeItems(w, l, p, &results); werr != nil {
		report(stderr, results)
		fmt.Fprintf(stderr, "error: writing the ResourceList: %v\n", werr)
		return 1, nil
	}
	var rn *yaml.RNode
	if len(results) > 0 {
		var err error
		if rn, err = resultsNode(results); err != nil {
			fmt.Fprintf(stderr, "error: writing the results: %v\n", err)
			return 1, nil
		}
	}
	report(stderr, results)
	if err := w.Close(rn); err != nil {
		fmt.Fprintf(stderr, "error: writing the ResourceList: %v\n", err)
		return 1, nil
	}
	if result.Failed(results) {
		return 1, nil
	}
	return 0, nil
}

// writeItems writes what the plan says, or every item as it came when there
// is no plan. An error in making an output object (which decide's checks
// leave no room for) comes as an error result: from there on the items go
// out as they came.
func writeItems(w *resourcelist.Writer, l *resourcelist.List, p *plan, results *result.Results) error {
	if p == nil {
		for _, it := range l.Items {
			if err := w.Item(it); err != nil {
				return err
			}
		}
		return nil
	}
	asItCame := false
	outputs, stop := p.outputsAhead()
	defer stop()
	for i, e := range p.entries {
		var nodes []*yaml.RNode
		if asItCame {
			nodes = []*yaml.RNode{nil}
		} else {
			var err error
			if nodes, err = outputs(i); err != nil {
				*results = append(*results, &result.Result{Severity: result.Error, Message: "writing the output: " + err.Error()})
				asItCame, nodes = true, []*yaml.RNode{nil}
			}
		}
		for _, n := range nodes {
			var err error
			switch {
			case n != nil:
				err = w.Node(n, e.item)
			case e.node != nil:
				err = w.Node(e.node, e.item)
			default:
				err = w.Item(e.item)
			}
			if err != nil {
				return err
			}
		}
	}
	if asItCame {
		return nil
	}
	if p.preview != nil {
		if err := w.Node(p.preview, nil); err != nil {
			return err
		}
	}
	for _, n := range p.notes {
		*results = append(*results, &result.Result{Severity: result.Info, Message: n})
	}
	return nil
}

// outputsAhead returns what gives plan.outputs of each entry in turn,
// from 0 on, and what stops the work beside it. On a list of many
// entries the outputs are made on a goroutine of their own, a batch ahead
// of the writer: the parses and conversions of the owned items run beside
// the writing of the items before them. outputs claims the entries' file
// indexes in their order (placeOutputs), which one goroutine keeps; it
// stops after an error, which writeItems stops at.
func (p *plan) outputsAhead() (outputs func(i int) ([]*yaml.RNode, error), stop func()) {
	if len(p.entries) < aheadFrom {
		return p.outputs, func() {}
	}
	type made struct {
		nodes []*yaml.RNode
		err   error
	}
	batches := make(chan []made, 1)
	done := make(chan struct{})
	go func() {
		defer close(batches)
		batch := make([]made, 0, aheadBatch)
		for i := range p.entries {
			nodes, err := p.outputs(i)
			batch = append(batch, made{nodes, err})
			if len(batch) == aheadBatch || err != nil || i == len(p.entries)-1 {
				select {
				case batches <- batch:
				case <-done:
					return
				}
				if err != nil {
					return
				}
				batch = make([]made, 0, aheadBatch)
			}
		}
	}()
	var batch []made
	next := 0 // the entry of batch[0]
	outputs = func(i int) ([]*yaml.RNode, error) {
		for i-next >= len(batch) {
			next += len(batch)
			b, ok := <-batches
			if !ok {
				return nil, fmt.Errorf("no output made for item %d", i)
			}
			batch = b
		}
		m := batch[i-next]
		return m.nodes, m.err
	}
	return outputs, func() { close(done) }
}

// aheadFrom is how many entries a list has from which outputsAhead works
// beside the writer; aheadBatch how many entries' outputs go at once.
const (
	aheadFrom  = 512
	aheadBatch = 64
)

// tuning is held by the run that sets the collector's settings
// (fewerCollections, limitMemory), which are the process's: a run beside it
// leaves them alone, and the settings come back as they were when it ends.
var tuning sync.Mutex

// largeInput is the size of input from which limitMemory caps the heap
// after the read; below it, fewerCollections goes on.
const largeInput = 4 << 20

// fewerCollections lets the heap grow to five times what a collection
// leaves (GOGC 400), with a soft cap of 64 MiB, and returns what undoes it;
// the undo may be called more than once. Run keeps it for the read, and
// for the rest of the run of an input under largeInput: the read keeps
// almost all it makes, and a small input's run makes little, so that most
// collections at GOGC 100 would find little to free. The cap keeps an input
// that is small but costly (thousands of entries) near what GOGC 100 gives
// it. Measured on make bench's lists (medians of 30 and 10 runs): 1,000
// items 30.5 ms and 19.8 MiB at GOGC 100, 27.6 ms and 21.1 MiB with it;
// 10,000 and 100,000 items, the same time, and at most 3 MiB more. GOGC or
// GOMEMLIMIT set by the user are left alone.
func fewerCollections() (undo func()) {
	_, gogc := os.LookupEnv("GOGC")
	_, gomemlimit := os.LookupEnv("GOMEMLIMIT")
	if gogc || gomemlimit {
		return func() {}
	}
	oldPercent := debug.SetGCPercent(400)
	oldLimit := debug.SetMemoryLimit(64 << 20)
	done := false
	return func() {
		if !done {
			done = true
			debug.SetMemoryLimit(oldLimit)
			debug.SetGCPercent(oldPercent)
		}
	}
}

// limitMemory caps the memory of the runtime at what it holds after the
// read plus room for the rest (see afterRead; 20 MiB at least), for the
// rest of the run, and returns what undoes it. The work after the read
// (transform's own data, the registries.conf rendering, the image check,
// the objects written) makes garbage many times the input's size; with the
// default GOGC the heap doubles before each collection. The read leaves the
// items' records, and their bytes too unless the list spools them
// (resourcelist), so the cap follows the input's size, not the heap's.
// The runtime counts toward the cap all the memory it holds (the heap, its
// free spans not yet returned, the collector's own data), not the heap
// alone: a cap of the heap plus three quarters of the input left a list
// whose bytes stay on the heap (no spool: a $TMPDIR in memory, the
// container image, another system than Linux) almost no room above what
// it keeps, and the collector ran all the time: 64 collections instead of
// 10 at 10,000 items, and 2.2 times the time on the overlapping list, at
// about the same RSS. Measured on the generated lists of make bench,
// spooled: at 100,000 items (81 MiB) the peak RSS is about 120 MB with
// three quarters of the input as room (112 MB with the heap in place of
// the runtime's memory); half the input's size on top costs 10% more
// time, all of it 20 MB more. At 10,000 items the floor decides: the RSS
// is 30 MB with 18 MiB and 32-33 MB with 22 MiB;
// below 20 MiB the collector costs a third more time on the overlapping
// list. A lower cap (the input limits' soft one, or GOMEMLIMIT) stays,
// GOMEMLIMIT is left alone, and so are small inputs. The cap is soft: the
// runtime lets the heap grow past it rather than spend more than half the
// CPU on collecting.
func limitMemory(inputBytes int64) (undo func()) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return func() {}
	}
	// A small input leaves a small heap (the read keeps about the input's
	// size), and asking the runtime costs a small run's start: ReadMemStats
	// stops the world, and runtime/metrics builds its tables at start-up,
	// a hundred microseconds of every run, so it is not imported.
	if inputBytes < largeInput {
		return func() {}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	held := int64(ms.Sys - ms.HeapReleased) // what the runtime counts toward the cap
	limit := max(held+afterRead(inputBytes), 20<<20)
	old := debug.SetMemoryLimit(-1)
	if limit >= old {
		return func() {}
	}
	debug.SetMemoryLimit(limit)
	if _, gogc := os.LookupEnv("GOGC"); gogc || inputBytes <= roomyInput {
		return func() { debug.SetMemoryLimit(old) }
	}
	oldPercent := debug.SetGCPercent(roomyPercent)
	return func() {
		debug.SetMemoryLimit(old)
		debug.SetGCPercent(oldPercent)
	}
}

// Past roomyInput, limitMemory also lets the heap triple between
// collections (GOGC roomyPercent): at GOGC 100 the collections after the
// read came at twice what the last one left, each marking 40 to 70 MB,
// well below the cap. On make bench's 100,000-item list (81 MiB), from a
// pipe, it takes 686 ms in place of 715 (CPU 1.16 s in place of 1.20) at a
// peak RSS of 119.5 MiB in place of 111.4 (medians of seven runs). The
// 10,000-item lists (8 MiB), whose peak is what counts there, keep GOGC
// 100. A GOGC set by the user stays.
const (
	roomyInput   = 16 << 20
	roomyPercent = 200
)

// afterRead is the room limitMemory leaves above what the read holds:
// three quarters of the input.
// Past a few thousand items the work after the read (its garbage, and the
// data each collection marks: the items' records, the mirror sets, the
// image check's verdicts) grows with the input. Five quarters of the input
// past its first 16 MiB took the 100,000-item list (81 MiB) to a peak RSS
// of 136 to 139 MiB in five collections; three quarters throughout, 119 to
// 123 MiB in six, for 1 % more CPU (built as make builds, seven runs each
// from a pipe and six from a file). The identity's peak there went down
// from 8.1 GiB to 6.9 to 7.5 GiB as the machine got faster, and with it the
// room that make bench's 0.02x leaves.
func afterRead(inputBytes int64) int64 {
	return inputBytes / 4 * 3
}

// commentsMove returns the index of an item whose comments the output could
// give other owners than the input gives them, or -1. The parser gives
// comment lines between items to one or the other by rules that look at
// what follows them; the fast path keeps comments with the item the parser
// gives them to in the input, which holds as long as what follows an item
// written as it came is alike, and an item that changes has no comments
// whose owner is in doubt.
func commentsMove(l *resourcelist.List, p *plan, results result.Results) int {
	tail := resourcelist.AtEnd
	if l.FunctionConfig != nil || l.Results != nil || len(results) > 0 || p != nil && len(p.notes) > 0 {
		tail = resourcelist.BeforeKey
	}
	if p == nil { // every item as it came
		for i, it := range l.Items {
			next := tail
			if i+1 < len(l.Items) {
				next = l.Items[i+1].Start()
			}
			if it.Moves(next) || l.Rewrites(it) && it.Ambiguous() {
				return it.Index
			}
		}
		return -1
	}
	if p.preview != nil {
		tail = resourcelist.BeforeItem // a new object
	}
	next := tail
	for i := len(p.entries) - 1; i >= 0; i-- {
		e := p.entries[i]
		writes := !p.skip[i] && (!p.owned[i] || len(p.at[i]) > 0)
		if !writes {
			// Its comments go with it; the parser might have given some
			// to a neighbour.
			if e.item != nil && e.item.Ambiguous() {
				return e.item.Index
			}
			continue
		}
		if e.item != nil && e.node == nil {
			// Rewrites may still write the bytes, when kyaml would not
			// change them.
			changes := p.changes(i)
			if !changes && e.item.Moves(next) || (changes || l.Rewrites(e.item)) && e.item.Ambiguous() {
				return e.item.Index
			}
		}
		// What the entry's first output makes for the one before.
		switch {
		case e.node != nil, p.edits[i] != nil:
			next = resourcelist.BeforeOther // an edit keeps the item's comments, as Updated does
		case !p.owned[i] || p.at[i][0].How == transform.Unchanged:
			next = e.item.Start()
		case p.at[i][0].How == transform.Updated:
			next = resourcelist.BeforeOther // its comments stay, and decide its first line
		default:
			next = resourcelist.BeforeItem // a new object
		}
	}
	return -1
}

// Once its items pass reserveAfter bytes, a run reserves heapReserve bytes
// of heap in huge pages (hugeheap.Reserve): the heap it fills from then on
// takes a page fault for each 2 MiB in place of each 4 KiB. The reserve
// costs a collection, 5 to 10 ms. On make bench's 100,000-item list (81 MiB;
// alternate runs, medians of 16) it took the time from 1,083 ms to 902 from
// a pipe (CPU 1.83 s to 1.52) and from 1,080 to 859 from a file, the faults
// from 30,700 to 10,000, at 5 to 9 MiB more peak RSS (median and highest of
// eight runs from a pipe: 126 and 143 MiB against 119 and 134). From the
// first MiB on, it took 2,500 items from 73.2 ms to 68.7 and 10,000 from 137
// to 134, but the 10,000-item lists' peak RSS up by 1.5 to 2 MiB, where make
// bench's ratio has the least room; from the first 512 KiB, 1,000 items took
// longer (58.5 ms to 64.8). From 16 MiB on, the 100,000-item list is as fast
// as from the first MiB, in that noise. heapReserve is more than the heap of
// the largest input under the default limits (64 MiB) takes; what is not
// used costs address space.
const (
	reserveAfter = 16 << 20
	heapReserve  = 256 << 20
)
