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
// the ImageDigestMirrorSet, then the ImageTagMirrorSet. Mirrors lose their
// duplicates, which the API rejects in both kinds.
func (f Filter) Convert(icsp *mirror.Set) []*mirror.Set {
	kinds := []mirror.Kind{mirror.IDMS}
	if f.TagMirrors {
		kinds = append(kinds, mirror.ITMS)
	}
	out := make([]*mirror.Set, 0, len(kinds))
	for _, k := range kinds {
		s := *icsp
		s.Kind = k
		s.Entries = make([]mirror.Entry, len(icsp.Entries))
		for i, e := range icsp.Entries {
			s.Entries[i] = mirror.Entry{Source: e.Source, Mirrors: unique(e.Mirrors)}
		}
		out = append(out, &s)
	}
	return out
}

func unique(list []string) []string {
	out := make([]string, 0, len(list))
	seen := make(map[string]bool, len(list))
	for _, m := range list {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}
