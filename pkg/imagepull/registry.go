package imagepull

import (
	"slices"
	"strings"
	"sync/atomic"

	"github.com/containers/image/v5/docker/reference"
	"github.com/containers/image/v5/pkg/sysregistriesv2"

	"github.com/mirrorset/mirrorset/pkg/explain"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// registryCache is what Check knows of one [[registry]] entry.
type registryCache struct {
	state atomic.Pointer[registryState]
	// verdicts by kind of pull (by tag, by digest), for the names that
	// share them (see shared).
	verdicts [2]atomic.Pointer[Verdict]
}

// registryState is what a registry's entry says of the names it holds.
type registryState struct {
	// uniform: no [[registry]] prefix is nested inside one of the
	// locations a pull through the registry tries (its mirrors, its own
	// location). containers/image's FindRegistry on a location with the
	// rest of a name after it then finds the entry it finds for the
	// location itself, so that whether each location is blocked is the
	// same for every name below the prefix (registriesconf.Below).
	uniform bool
	// plain: every location is plainly of the reference grammar's simple
	// forms (see plainLocation), and none is cut from what the rewrite
	// puts after it: a name below the prefix rewritten onto it parses as
	// it reads.
	plain bool
	// longest is the length of the longest location.
	longest int
}

// registryState returns the state of the entry reg at position i
// (Parsed.RegistryAt), worked out on the first call.
func (c *Checker) registryState(i int, reg *sysregistriesv2.Registry) *registryState {
	known := &c.registries[i].state
	if st := known.Load(); st != nil {
		return st
	}
	st := &registryState{uniform: !c.nestedInside(reg.Location), plain: reg.Location == "" || plainLocation(reg.Location), longest: len(reg.Location)}
	for _, m := range reg.Mirrors {
		st.uniform = st.uniform && !c.nestedInside(m.Location)
		st.plain = st.plain && plainLocation(m.Location)
		st.longest = max(st.longest, len(m.Location))
	}
	known.CompareAndSwap(nil, st) // either call's answer is the same
	return known.Load()
}

// shared reports whether the verdicts of the registry reg at position i
// hold for name, which its prefix matches: name lies below the prefix
// (registriesconf.Below), the registry is uniform, and the name with its
// rest after any location is no longer than a name may be (past that,
// containers/image's rewrite of the reference fails for this name alone).
// rest says whether anything follows the prefix's match in name.
func (c *Checker) shared(i int, reg *sysregistriesv2.Registry, name string) (ok, rest bool) {
	end, below := registriesconf.Below(name, reg.Prefix)
	if !below {
		return false, false
	}
	st := c.registryState(i, reg)
	return st.uniform && st.longest+len(name)-end <= reference.NameTotalLengthMax, end < len(name)
}

// registryVerdict is where the verdict of the [[registry]] at position i
// on a pull by digest or by tag is kept.
func (c *Checker) registryVerdict(i int, byDigest bool) *atomic.Pointer[Verdict] {
	k := 0
	if byDigest {
		k = 1
	}
	return &c.registries[i].verdicts[k]
}

// nestedInside reports whether a [[registry]] prefix lies inside location.
func (c *Checker) nestedInside(location string) bool {
	if location == "" {
		return false
	}
	// The first prefix not before location + "/", without making it.
	i, _ := slices.BinarySearchFunc(c.prefixes, location, compareInside)
	return i < len(c.prefixes) && inside(c.prefixes[i], location)
}

// compareInside compares p with location + "/" as strings.Compare would;
// the prefixes inside location compare as equal.
func compareInside(p, location string) int {
	if inside(p, location) {
		return 0
	}
	n := min(len(p), len(location))
	if c := strings.Compare(p[:n], location[:n]); c != 0 {
		return c
	}
	if len(p) <= len(location) || p[len(location)] < '/' {
		return -1 // location's start, or apart from it before the '/'
	}
	return 1
}

// inside reports whether p is location, '/' and more.
func inside(p, location string) bool {
	return len(p) > len(location) && p[len(location)] == '/' && strings.HasPrefix(p, location)
}

// explainBelow is explain.BriefRef on any image pulled by digest (or by
// tag) whose name lies below the prefix of reg, which is uniform and
// plain (registryState), without the references: Ref and the locations'
// Ref are "". It makes no reference, which costs a parse by regular
// expressions for each location, a registry of four mirrors thirty
// microseconds. Which locations a pull tries, in which order, follows
// containers/image's Registry.PullSourcesFromReference (v5.36): the
// mirrors, those of a registry with mirror-by-digest-only only for a pull
// by digest, and each mirror's pull-from-mirror for its kind of pull; then
// the registry's own location. Each is blocked by the entry that
// FindRegistry finds for the location itself, which for a uniform
// registry is the one it finds for the rewritten name (for a wildcard's
// own location, the name itself: reg). TestExplainBelowIsBriefRef holds
// it to explain.BriefRef.
func (c *Checker) explainBelow(reg *sysregistriesv2.Registry, byDigest bool) *explain.Explanation {
	ex := &explain.Explanation{ByDigest: byDigest, Registry: reg.Prefix, MirrorByDigestOnly: reg.MirrorByDigestOnly,
		Locations: make([]explain.Location, 0, len(reg.Mirrors)+1)}
	used := make([]sysregistriesv2.Endpoint, 0, len(reg.Mirrors)+1)
	for _, m := range reg.Mirrors {
		if triedFor(reg, m, byDigest) {
			used = append(used, m)
		} else {
			ex.Skipped = append(ex.Skipped, explain.Location{Endpoint: m.Location, PullFromMirror: m.PullFromMirror, Insecure: m.Insecure})
		}
	}
	used = append(used, reg.Endpoint)
	for k, ep := range used {
		loc := explain.Location{Endpoint: ep.Location, IsSource: k == len(used)-1, PullFromMirror: ep.PullFromMirror, Insecure: ep.Insecure}
		by := reg
		if ep.Location != "" {
			_, by, _ = c.p.RegistryAt(ep.Location)
		}
		if by != nil && by.Blocked {
			loc.Blocked, loc.BlockedBy = true, by.Prefix
		}
		ex.Locations = append(ex.Locations, loc)
	}
	return ex
}

// triedFor reports whether a pull by digest (or by tag) through reg tries
// its mirror m (PullSourcesFromReference's choice).
func triedFor(reg *sysregistriesv2.Registry, m sysregistriesv2.Endpoint, byDigest bool) bool {
	switch {
	case reg.MirrorByDigestOnly:
		return byDigest
	case m.PullFromMirror == sysregistriesv2.MirrorByDigestOnly:
		return byDigest
	case m.PullFromMirror == sysregistriesv2.MirrorByTagOnly:
		return !byDigest
	}
	return true
}

// plainLocation reports whether a location with "/" and plain path
// components after it parses as a name as it reads (ParseNamed takes it):
// a host that the parse leaves as it is (with a '.' or a port, or
// localhost), of plain lower-case labels and an optional port, and plain
// path components (see plainName). It follows docker/reference's
// splitDockerDomain: index.docker.io becomes docker.io, and a name of
// docker.io with one path component gains "library/", so docker.io needs
// a path of its own.
func plainLocation(location string) bool {
	host, path, hasPath := strings.Cut(location, "/")
	switch {
	case !strings.ContainsAny(host, ".:") && host != "localhost":
		return false
	case host == "index.docker.io", host == "docker.io" && !hasPath:
		return false
	case !hasPath:
		return plainName(location + "/x")
	}
	return path != "" && plainName(location)
}
