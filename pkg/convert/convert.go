// Package convert turns ImageContentSourcePolicies into the objects that
// replace them: an ImageDigestMirrorSet with the same entries and, on
// request, an ImageTagMirrorSet too. An ICSP never applied to tag pulls, so
// the tag set is opt-in.
package convert

import (
	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// Filter converts ICSPs.
type Filter struct {
	// TagMirrors also makes an ImageTagMirrorSet from each ICSP.
	TagMirrors bool
}

// Convert returns the sets that replace icsp, in the order they go out:
// the ImageDigestMirrorSet, then the ImageTagMirrorSet. The mirror lists stay
// as they are, duplicates included: which duplicates can go without changing
// what the node does is for consolidation to decide, seeing every list.
func (f Filter) Convert(icsp *mirror.Set) []*mirror.Set {
	kinds := []mirror.Kind{mirror.IDMS}
	if f.TagMirrors {
		kinds = append(kinds, mirror.ITMS)
	}
	n := 0
	for _, e := range icsp.Entries {
		n += len(e.Mirrors)
	}
	out := make([]*mirror.Set, 0, len(kinds))
	for _, k := range kinds {
		s := *icsp
		s.Kind = k
		s.Entries = make([]mirror.Entry, len(icsp.Entries))
		// The set's mirror lists are copies, in one allocation.
		mirrors := make([]string, 0, n)
		for i, e := range icsp.Entries {
			s.Entries[i] = mirror.Entry{Source: e.Source}
			if len(e.Mirrors) > 0 {
				from := len(mirrors)
				mirrors = append(mirrors, e.Mirrors...)
				s.Entries[i].Mirrors = mirrors[from:len(mirrors):len(mirrors)]
			}
		}
		out = append(out, &s)
	}
	return out
}
