// Package explain tells where a node pulls an image from: every location
// CRI-O tries, in order, for one image reference, which mirror-set entry
// put each there, and which of them are blocked. The answers come from
// containers/image itself (FindRegistry, PullSourcesFromReference, and the
// blocked check it makes before contacting each location) run on a
// rendered registries.conf; this package only maps them back to objects.
package explain

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/containers/image/v5/docker/reference"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
	"github.com/openshift/runtime-utils/pkg/registries"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// Origins are the objects a registries.conf was rendered from, to name
// where each mirror and each block comes from. Both may be empty.
type Origins struct {
	Sets  []mirror.Set
	Image *registriesconf.Image

	// bySource are the entries of Sets that have a real mirror, by
	// source, in order; nil until Indexed.
	bySource map[string][]entryAt
}

// entryAt is entry number entry of Sets[set].
type entryAt struct{ set, entry int }

// Indexed returns o with its entries indexed by source, for explaining
// many images: the reasons and origins of each are then looked up rather
// than found by a pass over every entry. The index is of Sets as they are
// now; the answers are the same.
func (o Origins) Indexed() Origins {
	o.bySource = map[string][]entryAt{}
	for i := range o.Sets {
		for j, e := range o.Sets[i].Entries {
			if e.HasRealMirror() {
				o.bySource[e.Source] = append(o.bySource[e.Source], entryAt{i, j})
			}
		}
	}
	return o
}

// realMirrorEntries returns the entries for source that have a real
// mirror, in the order of Sets and their entries.
func (o *Origins) realMirrorEntries(source string) []entryAt {
	if o.bySource != nil {
		return o.bySource[source]
	}
	var out []entryAt
	for i := range o.Sets {
		for j, e := range o.Sets[i].Entries {
			if e.Source == source && e.HasRealMirror() {
				out = append(out, entryAt{i, j})
			}
		}
	}
	return out
}

// Explanation is where a node pulls one image from.
type Explanation struct {
	// Ref is the reference asked about, fully spelled out (":latest"
	// added when it has neither tag nor digest).
	Ref string
	// ByDigest is true for a pull by digest, which uses digest-only
	// mirrors; a pull by tag uses tag-only mirrors.
	ByDigest bool
	// Registry is the prefix of the [[registry]] entry that matches Ref,
	// or "" when none does and the image is pulled from where it says.
	Registry string
	// MirrorByDigestOnly is the registry's old-style switch that keeps
	// every mirror out of pulls by tag.
	MirrorByDigestOnly bool
	// Locations are tried in this order; the first one that serves the
	// image wins. The last is always the source itself.
	Locations []Location
	// Skipped are mirrors of Registry not used for this kind of pull.
	Skipped []Location
}

// SourceContacted reports whether the node contacts the image's own
// registry, when every mirror before it fails.
func (e *Explanation) SourceContacted() bool {
	last := e.Locations[len(e.Locations)-1]
	return last.IsSource && !last.Blocked
}

// Pullable reports whether any location is not blocked.
func (e *Explanation) Pullable() bool {
	for _, l := range e.Locations {
		if !l.Blocked {
			return true
		}
	}
	return false
}

// Location is one place the node may pull the image from.
type Location struct {
	// Ref is the image at this location.
	Ref string
	// Endpoint is the location as registries.conf spells it ("" for a
	// wildcard source, whose own location is the image's).
	Endpoint string
	// IsSource is true for the image's own registry, false for a mirror.
	IsSource bool
	// PullFromMirror is the mirror's pull-from-mirror setting.
	PullFromMirror string
	// Insecure locations are reached without TLS verification.
	Insecure bool
	// Blocked locations are never contacted. BlockedBy is the prefix of the
	// [[registry]] entry whose blocked flag applies to Ref, and Blocks say
	// what set that flag.
	Blocked   bool
	BlockedBy string
	Blocks    []string
	// Origins are the entries that list this mirror.
	Origins []Origin
}

// Origin is one mirror-set entry.
type Origin struct {
	Kind  mirror.Kind
	Name  string
	File  string
	Entry int
	// Field is the entry's path: "spec.imageDigestMirrors[2]".
	Field  string
	Source string
	// Mirror is the mirror as the entry lists it. For a registry nested
	// under the source (an insecure or blocked registry inside it), the
	// location adds the rest of the path to it.
	Mirror string
	Policy mirror.Policy
}

// String names the entry as mirror.Set.Ref names objects:
// `ImageDigestMirrorSet "x" in a.yaml, spec.imageDigestMirrors[0]`.
func (o Origin) String() string {
	s := string(o.Kind) + " " + strconv.Quote(o.Name)
	if o.File != "" {
		s += " in " + o.File
	}
	return s + ", " + o.Field
}

// ErrShortName is returned for a reference without a registry host.
var ErrShortName = errors.New("short name")

// Explain loads conf with containers/image and explains imageRef.
func Explain(conf []byte, imageRef string, from Origins) (*Explanation, error) {
	p, err := registriesconf.Parse(conf)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	return Parsed(p, imageRef, from)
}

// ParseRef parses an image reference as the node's pull does: a tag or a
// digest, ":latest" when neither. A name without a registry host is an
// ErrShortName error, since CRI-O resolves those through
// unqualified-search-registries, not through mirrors.
func ParseRef(imageRef string) (reference.Named, error) {
	ref, err := reference.ParseNormalizedNamed(imageRef)
	if err != nil {
		return nil, fmt.Errorf("image reference %q: %w", imageRef, err)
	}
	if reference.Domain(ref) == "docker.io" && !hasExplicitDockerDomain(imageRef) {
		return nil, fmt.Errorf("image reference %q: %w: the node resolves it through unqualified-search-registries; give the registry, as %s", imageRef, ErrShortName, ref.String())
	}
	return reference.TagNameOnly(ref), nil
}

func hasExplicitDockerDomain(s string) bool {
	for _, d := range []string{"docker.io/", "index.docker.io/", "registry-1.docker.io/"} {
		if strings.HasPrefix(s, d) {
			return true
		}
	}
	return false
}

// Parsed explains imageRef with an already parsed registries.conf.
func Parsed(p *registriesconf.Parsed, imageRef string, from Origins) (*Explanation, error) {
	return parsed(p, imageRef, from, false)
}

// Brief is Parsed without origins and without the references the skipped
// mirrors would have pulled (Skipped holds their endpoints only): the same
// lookups for where the pull goes and what is blocked, at a third of the
// cost, for checking thousands of images.
func Brief(p *registriesconf.Parsed, imageRef string) (*Explanation, error) {
	return parsed(p, imageRef, Origins{}, true)
}

// BriefRef is Brief on a reference that ParseRef returned, which it does
// not parse again.
func BriefRef(p *registriesconf.Parsed, ref reference.Named) (*Explanation, error) {
	return parsedRef(p, ref, Origins{}, true)
}

func parsed(p *registriesconf.Parsed, imageRef string, from Origins, brief bool) (*Explanation, error) {
	ref, err := ParseRef(imageRef)
	if err != nil {
		return nil, err
	}
	return parsedRef(p, ref, from, brief)
}

func parsedRef(p *registriesconf.Parsed, ref reference.Named, from Origins, brief bool) (*Explanation, error) {
	_, byDigest := ref.(reference.Canonical)
	ex := &Explanation{Ref: ref.String(), ByDigest: byDigest}

	reg, err := p.FindRegistry(ref.Name())
	if err != nil {
		return nil, err
	}
	if reg == nil {
		// What containers/image's docker transport does with no match.
		reg = &sysregistriesv2.Registry{
			Endpoint: sysregistriesv2.Endpoint{Location: ref.String()},
			Prefix:   ref.String(),
		}
	} else {
		ex.Registry, ex.MirrorByDigestOnly = reg.Prefix, reg.MirrorByDigestOnly
	}
	sources, err := reg.PullSourcesFromReference(ref)
	if err != nil {
		return nil, err
	}
	for i, s := range sources {
		loc := Location{
			Ref:            s.Reference.String(),
			Endpoint:       s.Endpoint.Location,
			IsSource:       i == len(sources)-1,
			PullFromMirror: s.Endpoint.PullFromMirror,
			Insecure:       s.Endpoint.Insecure,
		}
		if err := blocked(p, s.Reference.Name(), &loc, from); err != nil {
			return nil, err
		}
		if !loc.IsSource && ex.Registry != "" {
			loc.Origins = mirrorOrigins(&from, ex.Registry, s.Endpoint)
		}
		ex.Locations = append(ex.Locations, loc)
	}
	switch {
	case ex.Registry != "" && brief:
		ex.Skipped = unused(reg, sources)
	case ex.Registry != "":
		if ex.Skipped, err = skipped(reg, ref, sources, from); err != nil {
			return nil, err
		}
	}
	return ex, nil
}

// blocked makes the check containers/image makes before it contacts a
// location: the [[registry]] matching the location's name is not blocked.
func blocked(p *registriesconf.Parsed, name string, loc *Location, from Origins) error {
	r, err := p.FindRegistry(name)
	if err != nil {
		return err
	}
	if r == nil || !r.Blocked {
		return nil
	}
	loc.Blocked, loc.BlockedBy = true, r.Prefix
	loc.Blocks = blockReasons(r.Prefix, from)
	return nil
}

// blockReasons names what sets blocked on the [[registry]] scope: entries
// with NeverContactSource for it (which the node honours only when they
// have a real mirror), and blockedRegistries of the Image around it.
func blockReasons(scope string, from Origins) []string {
	var reasons []string
	for _, at := range from.realMirrorEntries(scope) {
		s := &from.Sets[at.set]
		if s.Entries[at.entry].Policy == mirror.NeverContactSource {
			reasons = append(reasons, "mirrorSourcePolicy NeverContactSource in "+origin(s, at.entry).String())
		}
	}
	if img := from.Image; img != nil {
		for _, b := range img.BlockedRegistries {
			if registries.ScopeIsNestedInsideScope(scope, b) {
				reasons = append(reasons, fmt.Sprintf("blockedRegistries %q in %s", b, img.Ref()))
			}
		}
	}
	return reasons
}

// mirrorOrigins returns the entries whose mirror became endpoint of the
// [[registry]] scope: entries for that source, in the pool the mirror
// serves, that list it; or, for a scope nested under a source (which then
// has no mirrors of its own), entries of that source whose mirror plus the
// rest of the scope's path is the endpoint. A source (not a wildcard) that
// the scope is nested in is a part of the scope that ends before a '/'
// (the MCO's ScopeIsNestedInsideScope), so only those are looked up.
func mirrorOrigins(from *Origins, scope string, ep sysregistriesv2.Endpoint) []Origin {
	type candidate struct {
		at     entryAt
		nested bool
	}
	var cands []candidate
	for _, at := range from.realMirrorEntries(scope) {
		cands = append(cands, candidate{at, false})
	}
	if len(cands) == 0 {
		for k := 0; k < len(scope); k++ {
			if scope[k] != '/' || strings.HasPrefix(scope[:k], "*.") {
				continue
			}
			for _, at := range from.realMirrorEntries(scope[:k]) {
				cands = append(cands, candidate{at, true})
			}
		}
		// In the order of the sets and their entries.
		slices.SortFunc(cands, func(a, b candidate) int {
			if a.at.set != b.at.set {
				return a.at.set - b.at.set
			}
			return a.at.entry - b.at.entry
		})
	}
	var out []Origin
	for _, c := range cands {
		s := &from.Sets[c.at.set]
		if !poolServes(s.Kind.Pool(), ep.PullFromMirror) {
			continue
		}
		e := s.Entries[c.at.entry]
		if !c.nested {
			if slices.Contains(e.Mirrors, ep.Location) {
				o := origin(s, c.at.entry)
				o.Mirror = ep.Location
				out = append(out, o)
			}
			continue
		}
		suffix := scope[len(e.Source):]
		for _, m := range e.Mirrors {
			if m+suffix == ep.Location {
				o := origin(s, c.at.entry)
				o.Mirror = m
				out = append(out, o)
			}
		}
	}
	return out
}

// poolServes reports whether entries of pool can have written a mirror with
// the pull-from-mirror value pfm; the MCO writes digest-only for the digest
// pool and tag-only for the tag pool.
func poolServes(pool mirror.Pool, pfm string) bool {
	switch pfm {
	case sysregistriesv2.MirrorByDigestOnly:
		return pool == mirror.DigestPool
	case sysregistriesv2.MirrorByTagOnly:
		return pool == mirror.TagPool
	}
	return true
}

// unused returns the mirrors of reg that this pull does not use.
func unused(reg *sysregistriesv2.Registry, used []sysregistriesv2.PullSource) []Location {
	var out []Location
	for _, m := range reg.Mirrors {
		if !slices.ContainsFunc(used[:len(used)-1], func(u sysregistriesv2.PullSource) bool { return u.Endpoint == m }) {
			out = append(out, Location{Endpoint: m.Location, PullFromMirror: m.PullFromMirror, Insecure: m.Insecure})
		}
	}
	return out
}

// skipped returns the mirrors of reg that this pull does not use, each with
// the reference it would have pulled there.
func skipped(reg *sysregistriesv2.Registry, ref reference.Named, used []sysregistriesv2.PullSource, from Origins) ([]Location, error) {
	var out []Location
	for _, m := range reg.Mirrors {
		isUsed := false
		for _, u := range used[:len(used)-1] {
			if u.Endpoint == m {
				isUsed = true
			}
		}
		if isUsed {
			continue
		}
		// Ask containers/image for the rewritten reference, with the mirror
		// alone and unrestricted.
		one := *reg
		one.MirrorByDigestOnly = false
		one.Mirrors = []sysregistriesv2.Endpoint{{Location: m.Location, Insecure: m.Insecure}}
		sources, err := one.PullSourcesFromReference(ref)
		if err != nil {
			return nil, err
		}
		out = append(out, Location{
			Ref:            sources[0].Reference.String(),
			Endpoint:       m.Location,
			PullFromMirror: m.PullFromMirror,
			Insecure:       m.Insecure,
			Origins:        mirrorOrigins(&from, reg.Prefix, m),
		})
	}
	return out, nil
}

func origin(s *mirror.Set, entry int) Origin {
	e := s.Entries[entry]
	return Origin{
		Kind: s.Kind, Name: s.Name, File: s.File, Entry: entry,
		Field: s.EntryField(entry), Source: e.Source, Policy: e.Policy,
	}
}
