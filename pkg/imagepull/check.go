package imagepull

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/containers/image/v5/docker/reference"
	"github.com/containers/image/v5/pkg/sysregistriesv2"

	"github.com/mirrorset/mirrorset/pkg/explain"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// Status is what a node does with an image reference.
type Status string

// The statuses, from the worst.
const (
	// Unpullable: every location the node would try is blocked.
	Unpullable Status = "cannot-pull"
	// SourceOnly: a pull by tag from a registry that has only digest
	// mirrors, which a pull by tag never uses: the node goes straight to
	// the source, which fails in a disconnected cluster.
	SourceOnly Status = "source-only"
	// ShortName: no registry host; the node tries the search registries.
	ShortName Status = "short-name"
	// Unparseable: not an image reference.
	Unparseable Status = "unparseable"
	// Mirrored: pulled through the mirror rules of its registry.
	Mirrored Status = "ok"
	// NoRules: no mirror rule or block applies: pulled from where it says.
	NoRules Status = "no-rules"
)

// Finding reports whether the status is one the check reports.
func (s Status) Finding() bool {
	return s != Mirrored && s != NoRules
}

// Verdict is what a node does with one image reference.
type Verdict struct {
	// Image is the reference as written; Ref as the node spells it out
	// (":latest" added), "" when it does not parse.
	Image, Ref string
	ByDigest   bool
	// Registry is the [[registry]] prefix that applies, "" for none.
	Registry string
	// First is the first location the node tries that is not blocked, ""
	// when all are.
	First  string
	Status Status
	// Why says why, in a line; Fix what to change, "" when nothing.
	Why, Fix string
}

// Pulled says how the reference is pulled: "digest", "tag", or "".
func (v *Verdict) Pulled() string {
	switch {
	case v.Ref == "":
		return ""
	case v.ByDigest:
		return "digest"
	}
	return "tag"
}

// Checker decides verdicts on one rendered registries.conf.
type Checker struct {
	p      *registriesconf.Parsed
	from   explain.Origins
	search []string
	// The caches, which Check calls side by side fill, each key once:
	// a sync.Map, where a mutex for all kept two lookups' goroutines
	// waiting on each other (tens of thousands of images, four lookups
	// each), and atomics by [[registry]] position (Parsed.RegistryAt).
	cache      cacheOf[*Verdict] // by image
	registries []registryCache
	prefixes   []string // sorted
}

// NewChecker loads conf (a registries.conf, as Render makes it) with
// containers/image. from are the objects it was rendered from, which the
// reasons name. Close releases it.
func NewChecker(conf []byte, from explain.Origins) (*Checker, error) {
	p, err := registriesconf.Parse(conf)
	if err != nil {
		return nil, err
	}
	search, err := sysregistriesv2.UnqualifiedSearchRegistries(p.SystemContext())
	if err != nil {
		p.Close()
		return nil, err
	}
	registries, err := p.Registries()
	if err != nil {
		p.Close()
		return nil, err
	}
	prefixes := make([]string, len(registries))
	for i, r := range registries {
		prefixes[i] = r.Prefix
	}
	slices.Sort(prefixes)
	return &Checker{p: p, from: from.Indexed(), search: search, registries: make([]registryCache, len(registries)), prefixes: prefixes}, nil
}

// Close releases what NewChecker loaded.
func (c *Checker) Close() error { return c.p.Close() }

// Check returns the verdict on image, without the reasons that name the
// objects and without First (Explain adds them): looking those up costs a
// pass over every mirror set, which a list of thousands of images cannot
// pay for each. A verdict worked out for the image is kept for the calls
// after; one read without the reference's regular expressions (no rules
// for its name, or its registry's verdict) is made again, at the cost of
// that read: tens of thousands of images, each named once, would fill the
// cache for nothing. Calls may run side by side.
func (c *Checker) Check(image string) (*Verdict, error) {
	switch t, name, byDigest, ok := c.known(image); {
	case ok && t == nil:
		return &Verdict{Image: image, Status: NoRules, Why: noRules}, nil
	case ok:
		v := *t
		v.Image, v.Ref = image, plainRefString(image, name, byDigest)
		return &v, nil
	}
	return c.worked(image)
}

// worked is Check's verdict on an image that known has none for: kept
// from an earlier call, the registry's, or worked out and kept.
func (c *Checker) worked(image string) (*Verdict, error) {
	if v, ok := c.cache.load(image); ok {
		return v, nil
	}
	// The verdict of one [[registry]] and kind of pull holds for every
	// image below its prefix when no registry is nested inside the
	// locations the pull tries (see registryState and shared): the lookups
	// then give the same registry, mirrors and blocks whatever the rest of
	// the name.
	var slot *atomic.Pointer[Verdict]
	explainIt := func() (*explain.Explanation, error) { return explain.Brief(c.p, image) }
	if ref, err := explain.ParseRef(image); err == nil {
		explainIt = func() (*explain.Explanation, error) { return explain.BriefRef(c.p, ref) }
		if i, reg, ok := c.p.RegistryAt(ref.Name()); ok && reg != nil {
			if shared, _ := c.shared(i, reg, ref.Name()); shared {
				_, byDigest := ref.(reference.Canonical)
				slot = c.registryVerdict(i, byDigest)
				if t := slot.Load(); t != nil {
					v := *t
					v.Image, v.Ref = image, ref.String()
					return c.store(image, &v, nil), nil
				}
			}
		}
	}
	v, err := c.verdict(image, explainIt)
	if err != nil {
		return nil, err
	}
	v.First = "" // the one field that depends on the rest of the name
	return c.store(image, v, slot), nil
}

// Status is the Status of Check's verdict on image, without the verdict
// where Check would make one for the call: for the images of a list that
// are only counted as fine.
func (c *Checker) Status(image string) (Status, error) {
	switch t, _, _, ok := c.known(image); {
	case ok && t == nil:
		return NoRules, nil
	case ok:
		return t.Status, nil
	}
	v, err := c.worked(image)
	if err != nil {
		return "", err
	}
	return v.Status, nil
}

// known returns the verdict that holds for image without its parse, ok
// false when there is none yet: t nil when no [[registry]] applies, else
// the verdict of its registry and kind of pull (Image and Ref another
// image's), the image being plainly of the reference grammar's simple
// forms (see plainForm) with the repository name and kind of pull given.
func (c *Checker) known(image string) (t *Verdict, name string, byDigest, ok bool) {
	name, ok = ExplicitName(image)
	if !ok {
		return nil, "", false, false
	}
	// The common case of a list's images: no [[registry]] matches the
	// name as written, which for a name with its host is the name the
	// node matches (containers/image's FindRegistry on ref.Name()).
	// Skipping the parse then leaves a bad reference of such a name
	// unreported, as any other image without rules.
	i, reg, indexed := c.p.RegistryAt(name)
	switch {
	case !indexed:
		return nil, "", false, false
	case reg == nil:
		return nil, name, false, true
	}
	// A reference plainly of the grammar's simple forms is read without
	// its regular expressions: the registry's verdict holds as in Check,
	// and where the registry's locations are plain too, it is worked out
	// without a reference (explainBelow). Not from a name that is all
	// the prefix matches: a location without a path would take no rest.
	byDigest, ok = plainForm(image, name)
	if !ok {
		return nil, "", false, false
	}
	shared, rest := c.shared(i, reg, name)
	if !shared {
		return nil, "", false, false
	}
	slot := c.registryVerdict(i, byDigest)
	if t = slot.Load(); t == nil {
		if !rest || !c.registryState(i, reg).plain {
			return nil, "", false, false
		}
		v, err := c.verdict("", func() (*explain.Explanation, error) { return c.explainBelow(reg, byDigest), nil })
		if err != nil {
			return nil, "", false, false
		}
		slot.CompareAndSwap(nil, v)
		t = slot.Load()
	}
	return t, name, byDigest, true
}

// cacheOf is a sync.Map of string keys to Vs.
type cacheOf[V any] struct{ m sync.Map }

func (c *cacheOf[V]) load(k string) (v V, ok bool) {
	x, ok := c.m.Load(k)
	if ok {
		v = x.(V)
	}
	return v, ok
}

// first stores v under k unless k has a value already, and returns k's
// value.
func (c *cacheOf[V]) first(k string, v V) V {
	x, _ := c.m.LoadOrStore(k, v)
	return x.(V)
}

// store records v as the verdict on image, and as its registry's in slot
// when slot is not nil and holds none yet, and returns it; when a call
// beside this one recorded a verdict on image first, it returns that one,
// so that every call on an image gets the same.
func (c *Checker) store(image string, v *Verdict, slot *atomic.Pointer[Verdict]) *Verdict {
	if w := c.cache.first(image, v); w != v {
		return w
	}
	if slot != nil {
		slot.CompareAndSwap(nil, v)
	}
	return v
}

// Explain returns the verdict on image with reasons that name the objects
// that block it.
func (c *Checker) Explain(image string) (*Verdict, error) {
	return c.check(image, c.from)
}

func (c *Checker) check(image string, from explain.Origins) (*Verdict, error) {
	return c.verdict(image, func() (*explain.Explanation, error) { return explain.Parsed(c.p, image, from) })
}

func (c *Checker) verdict(image string, explainIt func() (*explain.Explanation, error)) (*Verdict, error) {
	v := &Verdict{Image: image}
	ex, err := explainIt()
	switch {
	case errors.Is(err, explain.ErrShortName):
		v.Status = ShortName
		v.Why = "a short name: the node tries the unqualified-search-registries (" + strings.Join(c.search, ", ") + ") in turn, each through its own mirror rules"
		v.Fix = "name the registry"
		return v, nil
	case err != nil && isRefError(image):
		v.Status = Unparseable
		v.Why = "not an image reference: " + err.Error()
		return v, nil
	case err != nil:
		return nil, err
	}
	v.Ref, v.ByDigest, v.Registry = ex.Ref, ex.ByDigest, ex.Registry
	pulled := "tag" // v.Pulled(), also where ex has no Ref (explainBelow)
	if ex.ByDigest {
		pulled = "digest"
	}
	for _, l := range ex.Locations {
		if !l.Blocked {
			v.First = l.Ref
			break
		}
	}
	skippedDigest := false
	for _, l := range ex.Skipped {
		if l.PullFromMirror == sysregistriesv2.MirrorByDigestOnly || ex.MirrorByDigestOnly {
			skippedDigest = true
		}
	}
	source := ex.Locations[len(ex.Locations)-1]
	switch {
	case !ex.Pullable() && !ex.ByDigest && skippedDigest:
		v.Status = Unpullable
		v.Why = fmt.Sprintf("pulled by tag, and %s is blocked%s with only digest mirrors, which a pull by tag never uses: it cannot be pulled", ex.Registry, reasons(source))
		v.Fix = fmt.Sprintf("add an ImageTagMirrorSet entry for %s, or pull the image by digest", ex.Registry)
	case !ex.Pullable() && len(ex.Locations) == 1:
		v.Status = Unpullable
		v.Why = fmt.Sprintf("%s is blocked%s and has no mirror for a pull by %s: it cannot be pulled", source.BlockedBy, reasons(source), pulled)
		v.Fix = fmt.Sprintf("mirror it (an ImageDigestMirrorSet or ImageTagMirrorSet entry for %s), or unblock it", source.BlockedBy)
	case !ex.Pullable():
		v.Status = Unpullable
		v.Why = "every location the node tries is blocked: it cannot be pulled"
		v.Fix = "mirror it to a registry that is not blocked"
	case !ex.ByDigest && skippedDigest && len(ex.Locations) == 1:
		v.Status = SourceOnly
		v.Why = fmt.Sprintf("pulled by tag, and %s has only digest mirrors, which a pull by tag never uses: the node goes straight to the source, which fails in a disconnected cluster", ex.Registry)
		v.Fix = fmt.Sprintf("add an ImageTagMirrorSet entry for %s, or pull the image by digest", ex.Registry)
	case ex.Registry == "" || len(ex.Locations) == 1:
		v.Status = NoRules
		v.Why = noRules
	default:
		v.Status = Mirrored
		v.Why = fmt.Sprintf("pulled by %s through the mirrors of %s", pulled, ex.Registry)
		if ex.SourceContacted() {
			v.Why += "; the source is contacted if no mirror serves it"
		} else {
			v.Why += "; the source is never contacted"
		}
	}
	return v, nil
}

// reasons names what blocked a location, when known.
func reasons(l explain.Location) string {
	if len(l.Blocks) == 0 {
		return ""
	}
	return " (" + strings.Join(l.Blocks, "; ") + ")"
}

// isRefError reports whether image fails to parse as a reference, as
// opposed to a failure of the lookups.
func isRefError(image string) bool {
	_, err := explain.ParseRef(image)
	return err != nil
}

const noRules = "no mirror applies: pulled from its registry"

// ExplicitName returns the repository of image as written (without tag or
// digest) when it starts with a registry host that the parse leaves as it
// is: ok is false for short names and the Docker Hub names that the parse
// rewrites (index.docker.io/..., docker.io/name to docker.io/library/name,
// as docker/reference's splitDockerDomain does). A name docker.io/a/b
// stays as it is.
func ExplicitName(image string) (string, bool) {
	name := image
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name = name[:i]
	}
	slash := strings.IndexByte(name, '/')
	if slash < 0 {
		return "", false
	}
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name = name[:i]
	}
	host := name[:slash]
	if !strings.ContainsAny(host, ".:") && host != "localhost" {
		return "", false
	}
	switch host {
	case "docker.io":
		if !strings.Contains(name[slash+1:], "/") {
			return "", false
		}
	case "index.docker.io", "registry-1.docker.io":
		return "", false
	}
	return name, true
}

// plainForm reads image, whose repository as written is name (see
// ExplicitName), when it is in a plain subset of the reference grammar of
// containers/image's docker/reference: a lower-case host with an optional
// port, path components of lower-case letters and digits joined by one
// '.', '_' or '-', and a tag or a sha256 digest or neither. It says
// whether it is by digest; ok is false for anything else, which the full
// parse reads. plainRefString spells the reference out.
func plainForm(image, name string) (byDigest, ok bool) {
	if len(name) > reference.NameTotalLengthMax || !plainName(name) {
		return false, false
	}
	rest := image[len(name):]
	switch {
	case rest == "":
		return false, true
	case rest[0] == ':':
		return false, plainTag(rest[1:])
	case strings.HasPrefix(rest, "@sha256:"):
		return true, lowerHex(rest[len("@sha256:"):], 64)
	}
	return false, false
}

// plainRefString spells out the reference of image, which plainForm read,
// as ParseRef spells it (":latest" added).
func plainRefString(image, name string, byDigest bool) string {
	if !byDigest && len(image) == len(name) {
		return name + ":latest"
	}
	return image
}

// plainName reports whether name is host[:port]/component[/component...]
// in the plain subset that plainForm describes.
func plainName(name string) bool {
	slash := strings.IndexByte(name, '/')
	if slash < 0 {
		return false
	}
	host, port, hasPort := strings.Cut(name[:slash], ":")
	if hasPort && (port == "" || strings.Trim(port, "0123456789") != "") {
		return false
	}
	for label := range strings.SplitSeq(host, ".") {
		if !plainComponent(label, "-") {
			return false
		}
	}
	for component := range strings.SplitSeq(name[slash+1:], "/") {
		if !plainComponent(component, "._-") {
			return false
		}
	}
	return true
}

// plainComponent reports whether s is runs of [a-z0-9] joined by single
// separators of seps.
func plainComponent(s, seps string) bool {
	if s == "" {
		return false
	}
	sep := true // no separator first
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z' || b >= '0' && b <= '9':
			sep = false
		case strings.IndexByte(seps, b) >= 0 && !sep:
			sep = true
		default:
			return false
		}
	}
	return !sep
}

// plainTag reports whether s is a tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
func plainTag(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '.' || b == '-') {
			return false
		}
	}
	return true
}

func lowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; !(b >= '0' && b <= '9' || b >= 'a' && b <= 'f') {
			return false
		}
	}
	return true
}
