// Package policy decides each entry's mirrorSourcePolicy: it writes a default
// into entries that have none, finds sources whose entries disagree (which
// the Machine Config Operator refuses, counting no policy as
// AllowContactingSource), and settles such conflicts when asked to.
package policy

import (
	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// Default writes Policy into every ImageDigestMirrorSet and
// ImageTagMirrorSet entry that has none. An explicit policy is never
// overwritten, and ICSPs have no policy field.
type Default struct {
	Policy mirror.Policy
}

// Filter applies the default and returns how many entries got it, per set.
func (d Default) Filter(sets []*mirror.Set) map[*mirror.Set]int {
	changed := map[*mirror.Set]int{}
	if d.Policy == "" {
		return changed
	}
	for _, s := range sets {
		if s.Kind == mirror.ICSP {
			continue
		}
		for i := range s.Entries {
			if s.Entries[i].Policy == "" {
				s.Entries[i].Policy = d.Policy
				changed[s]++
			}
		}
	}
	return changed
}

// Effective is the policy the node applies: none means AllowContactingSource.
func Effective(p mirror.Policy) mirror.Policy {
	if p == "" {
		return mirror.AllowContactingSource
	}
	return p
}

// Place is one entry of one set.
type Place struct {
	Set   *mirror.Set
	Entry int
}

// Conflict is a source whose entries disagree on the policy.
type Conflict struct {
	Source string
	Never  []Place // entries with NeverContactSource
	Allow  []Place // entries with AllowContactingSource or none
}

// Conflicts finds the sources whose entries, across all kinds, disagree, in
// the order the sources first appear. Entries with an unknown policy value
// are left to the checks.
func Conflicts(sets []*mirror.Set) []Conflict {
	idx := map[string]int{}
	var all []Conflict
	for _, s := range sets {
		for i, e := range s.Entries {
			p := Effective(e.Policy)
			if p != mirror.NeverContactSource && p != mirror.AllowContactingSource {
				continue
			}
			j, ok := idx[e.Source]
			if !ok {
				j = len(all)
				idx[e.Source] = j
				all = append(all, Conflict{Source: e.Source})
			}
			if p == mirror.NeverContactSource {
				all[j].Never = append(all[j].Never, Place{s, i})
			} else {
				all[j].Allow = append(all[j].Allow, Place{s, i})
			}
		}
	}
	out := all[:0]
	for _, c := range all {
		if len(c.Never) > 0 && len(c.Allow) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// Settle makes every entry of c carry winner. It returns the places it could
// not change: ICSP entries, which cannot carry NeverContactSource.
func Settle(c Conflict, winner mirror.Policy) (stuck []Place) {
	losers := c.Allow
	if winner == mirror.AllowContactingSource {
		losers = c.Never
	}
	for _, p := range losers {
		if p.Set.Kind == mirror.ICSP {
			stuck = append(stuck, p)
			continue
		}
		p.Set.Entries[p.Entry].Policy = winner
	}
	return stuck
}
