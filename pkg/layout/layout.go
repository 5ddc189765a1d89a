// Package layout regroups mirror entries into one object per source registry
// host, the common advice for teams whose mirror sets grew by hand or came
// from oc-mirror in pieces. The node sees the same entries either way; only
// the objects that hold them change.
package layout

import (
	"strings"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// PerRegistry regroups ImageDigestMirrorSet and ImageTagMirrorSet entries by
// the host of their source. Each group becomes one object named after the
// host ("quay.io", "registry.example.com-5000", "wildcard.example.com"), in
// the place and file of the first object that held the host. ICSPs stay.
type PerRegistry struct{}

// Filter returns the regrouped sets, in output order. A group whose name an
// input set of the same kind already has reuses that set (and its place), so
// that a second run changes nothing. created reports the sets that are new.
func (PerRegistry) Filter(sets []*mirror.Set) (out []*mirror.Set, created map[*mirror.Set]bool) {
	type group struct {
		set   *mirror.Set
		first *mirror.Set // where the host first appeared
	}
	byName := map[mirror.Kind]map[string]*mirror.Set{}
	for _, s := range sets {
		if s.Kind == mirror.ICSP {
			continue
		}
		if byName[s.Kind] == nil {
			byName[s.Kind] = map[string]*mirror.Set{}
		}
		if _, dup := byName[s.Kind][s.Name]; !dup {
			byName[s.Kind][s.Name] = s
		}
	}

	groups := map[mirror.Kind]map[string]*group{}
	var order []*group
	for _, s := range sets {
		if s.Kind == mirror.ICSP {
			continue
		}
		for _, e := range s.Entries {
			name := Name(e.Source)
			if groups[s.Kind] == nil {
				groups[s.Kind] = map[string]*group{}
			}
			g, ok := groups[s.Kind][name]
			if !ok {
				g = &group{first: s, set: &mirror.Set{Kind: s.Kind, Name: name, Item: s.Item, File: s.File, FileIndex: s.FileIndex}}
				if old := byName[s.Kind][name]; old != nil {
					g.set.Item, g.set.File, g.set.FileIndex = old.Item, old.File, old.FileIndex
				}
				groups[s.Kind][name] = g
				order = append(order, g)
			}
			g.set.Entries = append(g.set.Entries, e)
		}
	}

	created = map[*mirror.Set]bool{}
	for _, s := range sets {
		if s.Kind == mirror.ICSP {
			out = append(out, s)
		}
	}
	for _, g := range order {
		if old := byName[g.set.Kind][g.set.Name]; old != nil {
			old.Entries = g.set.Entries
			out = append(out, old)
			continue
		}
		created[g.set] = true
		out = append(out, g.set)
	}
	return out, created
}

// Name is the object name for the registry host of source: the host in lower
// case, ':' as '-', and a wildcard '*' as "wildcard".
func Name(source string) string {
	host, _, _ := strings.Cut(source, "/")
	host = strings.ToLower(host)
	if strings.HasPrefix(host, "*.") {
		host = "wildcard" + host[1:]
	}
	return strings.ReplaceAll(host, ":", "-")
}
