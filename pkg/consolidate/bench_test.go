package consolidate_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/consolidate"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// BenchmarkConsolidate merges n entries, first over as many sources (every
// entry its own: the lookups alone), then over n/10 sources (each source
// in ten objects: the merges), to show how the cost grows with n.
func BenchmarkConsolidate(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000, 100000} {
		for _, sources := range []int{n, max(1, n/10)} {
			b.Run(fmt.Sprintf("entries=%d/sources=%d", n, sources), func(b *testing.B) {
				benchFilter(b, gen.Sets(mirror.IDMS, n, sources, 1))
			})
		}
	}
}

// benchFilter times the filter on copies of in: it works in place.
func benchFilter(b *testing.B, in []*mirror.Set) {
	for b.Loop() {
		b.StopTimer()
		sets := cloneSets(in)
		b.StartTimer()
		consolidate.Filter{}.Filter(sets)
	}
}

// BenchmarkConsolidateLocal is BenchmarkConsolidate's merging series on the
// same entries, moved so that each source's entries lie next to each other
// in memory (the sets keep their sizes). The work is the same; what differs
// is how often it waits for memory. Read beside BenchmarkConsolidate, it
// shows how much of the growth from 10,000 to 100,000 entries is the
// caches: entries spread at random over 10,000 objects outgrow them.
func BenchmarkConsolidateLocal(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000, 100000} {
		sources := max(1, n/10)
		b.Run(fmt.Sprintf("entries=%d/sources=%d", n, sources), func(b *testing.B) {
			in := gen.Sets(mirror.IDMS, n, sources, 1)
			var all []mirror.Entry
			for _, s := range in {
				all = append(all, s.Entries...)
			}
			slices.SortStableFunc(all, func(x, y mirror.Entry) int { return strings.Compare(x.Source, y.Source) })
			for _, s := range in {
				s.Entries, all = all[:len(s.Entries):len(s.Entries)], all[len(s.Entries):]
			}
			benchFilter(b, in)
		})
	}
}
