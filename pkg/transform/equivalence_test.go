package transform_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/transform"
)

// Sources overlap on purpose: nested scopes, a wildcard, hosts with ports;
// mirrors repeat across sources, sit inside sources, and equal them.
var (
	sources = []string{"quay.io", "quay.io/acme", "quay.io/acme/app", "registry.redhat.io/rhel9",
		"registry.redhat.io/redhat/redhat-operator-index", "*.example.net", "reg.example.com:5000/x"}
	mirrors = []string{"m1.example.com/a", "m2.example.com/a", "m3.example.com:5000/b", "quay.io/mirror/a",
		"quay.io/acme", "registry.redhat.io/rhel9", "m4.example.com/c/d"}
	insecure = []string{"quay.io/acme/app/legacy", "registry.redhat.io/rhel9/old", "other.example.org", "legacy.example.net"}
)

// generate draws mirror objects and, sometimes, a cluster Image from rng.
// Lists that contradict each other and ICSPs that repeat a mirror are drawn
// often: they are where keeping the node's order is hard. Only ICSPs repeat
// a mirror: the API rejects repeats in ImageDigestMirrorSet and
// ImageTagMirrorSet (mirrors is a set), so such objects never reach the MCO.
func generate(rng *rand.Rand) ([]*mirror.Set, *registriesconf.Image) {
	policy := map[string]mirror.Policy{}
	for _, s := range sources {
		policy[s] = []mirror.Policy{"", "", mirror.NeverContactSource, mirror.AllowContactingSource}[rng.Intn(4)]
	}
	var sets []*mirror.Set
	drawn := map[string][][]string{} // the lists so far, by source, for contradicting ones
	for i := 0; i < 1+rng.Intn(5); i++ {
		kind := []mirror.Kind{mirror.ICSP, mirror.IDMS, mirror.ITMS}[rng.Intn(3)]
		s := &mirror.Set{Kind: kind, Name: fmt.Sprintf("set-%d", i), Item: i}
		for j := 0; j < 1+rng.Intn(4); j++ {
			src := sources[rng.Intn(len(sources))]
			e := mirror.Entry{Source: src}
			if kind != mirror.ICSP {
				e.Policy = policy[src]
				if rng.Intn(10) == 0 { // now and then a conflict, which must be refused
					e.Policy = mirror.NeverContactSource
				}
			}
			switch n := len(drawn[src]); {
			case n > 0 && rng.Intn(2) == 0: // an earlier list for the source, reversed
				e.Mirrors = slices.Clone(drawn[src][rng.Intn(n)])
				slices.Reverse(e.Mirrors)
			default:
				for k := 0; k < rng.Intn(4); k++ {
					m := mirrors[rng.Intn(len(mirrors))]
					if rng.Intn(8) == 0 {
						m = src
					}
					e.Mirrors = append(e.Mirrors, m)
				}
			}
			if kind == mirror.ICSP && len(e.Mirrors) > 0 && rng.Intn(3) == 0 { // a mirror again
				e.Mirrors = slices.Insert(e.Mirrors, rng.Intn(len(e.Mirrors)+1), e.Mirrors[rng.Intn(len(e.Mirrors))])
			}
			if kind != mirror.ICSP {
				e.Mirrors = withoutRepeats(e.Mirrors)
			}
			if e.Policy == mirror.NeverContactSource && rng.Intn(2) == 0 {
				// Mostly without the source, which the MCO refuses then.
				e.Mirrors = slices.DeleteFunc(e.Mirrors, func(m string) bool { return m == src })
			}
			drawn[src] = append(drawn[src], e.Mirrors)
			s.Entries = append(s.Entries, e)
		}
		sets = append(sets, s)
	}
	var img *registriesconf.Image
	if rng.Intn(3) == 0 {
		img = &registriesconf.Image{Name: "cluster"}
		for _, s := range insecure {
			if rng.Intn(2) == 0 {
				img.InsecureRegistries = append(img.InsecureRegistries, s)
			}
		}
	}
	return sets, img
}

func withoutRepeats(l []string) []string {
	var out []string
	for _, m := range l {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

func render(sets []*mirror.Set, img *registriesconf.Image) ([]byte, error) {
	plain := make([]mirror.Set, len(sets))
	for i, s := range sets {
		plain[i] = *s
	}
	res, err := registriesconf.Render(plain, registriesconf.Options{Image: img})
	if err != nil {
		return nil, err
	}
	return res.Conf, nil
}

func outSets(out transform.Output) []*mirror.Set {
	sets := make([]*mirror.Set, len(out.Outs))
	for i, o := range out.Outs {
		sets[i] = o.Set
	}
	return sets
}

// tally counts the generated cases that passed the checks, and among them
// those where keeping the node's order is hard, as the warnings name them.
type tally struct {
	passed, looped, repeats, unmerged int
	wildcard                          int // the one change: see wildcardAmongItsMirrors
}

// cases that each kind must reach in 2500 draws, so that the property is
// exercised where it is hard.
const minKind = 100

func (c *tally) count(out transform.Output) {
	c.passed++
	if warns(out, "disagree on the order; the node breaks the loop") {
		c.looped++
	}
	if warns(out, "which the API rejects; with the repeats the node tries") {
		c.repeats++
	}
	if warns(out, "one list cannot say the same") {
		c.unmerged++
	}
}

// checkEquivalence runs one generated case: with no default policy, the
// output gives the node the same registries.conf as the input, with no
// exception; with one, only blocked changes, on the sources that got it.
func checkEquivalence(t *testing.T, rng *rand.Rand, layout string, c *tally) {
	t.Helper()
	sets, img := generate(rng)
	before, err := render(sets, img)
	if err != nil {
		return // the MCO refuses the input: nothing to keep
	}
	cfg := config.Default()
	cfg.Layout = layout
	out := transform.Run(cfg, sets)
	if out.Failed() {
		t.Fatalf("the MCO renders the input, but mirrorset refuses it: %s\ninput: %s", errorsOf(out), show(sets))
	}
	after, err := render(outSets(out), img)
	if err != nil {
		t.Fatalf("the output does not render: %v\ninput: %s\noutput: %s", err, show(sets), show(outSets(out)))
	}
	if !bytes.Equal(before, after) && !wildcardAmongItsMirrors(out, before, after) {
		t.Fatalf("the nodes would get another registries.conf\ninput: %s\noutput: %s\n--- before\n%s\n--- after\n%s", show(sets), show(outSets(out)), before, after)
	}
	c.count(out)
	if !bytes.Equal(before, after) {
		c.wildcard++
	}

	// The same with consolidation off, or the ICSPs kept beside their
	// IDMS (kept ICSPs are lists that consolidation must not touch).
	variant := cfg
	switch rng.Intn(3) {
	case 0:
		variant.Consolidate = false
	case 1:
		variant.KeepICSP = true
	default:
		variant.Consolidate, variant.KeepICSP = false, true
	}
	vout := transform.Run(variant, sets)
	if vout.Failed() {
		t.Fatalf("consolidate=%v keepICSP=%v: the MCO renders the input, but mirrorset refuses it: %s\ninput: %s", variant.Consolidate, variant.KeepICSP, errorsOf(vout), show(sets))
	}
	vconf, err := render(outSets(vout), img)
	if err != nil {
		t.Fatalf("consolidate=%v keepICSP=%v: the output does not render: %v\ninput: %s", variant.Consolidate, variant.KeepICSP, err, show(sets))
	}
	if !bytes.Equal(before, vconf) && !wildcardAmongItsMirrors(vout, before, vconf) {
		t.Fatalf("consolidate=%v keepICSP=%v: the nodes would get another registries.conf\ninput: %s\noutput: %s\n--- before\n%s\n--- after\n%s", variant.Consolidate, variant.KeepICSP, show(sets), show(outSets(vout)), before, vconf)
	}

	// With a default policy, only blocked may change, and only on the
	// sources that got NeverContactSource; a blocked source may leave its
	// own mirror list (and the lists of the scopes nested in it), where
	// repeats had put it: the MCO refuses it there.
	cfg.DefaultMirrorSourcePolicy = mirror.NeverContactSource
	strict := transform.Run(cfg, sets)
	if strict.Failed() {
		return // a conflict, or the source among its mirrors: refused, and said so
	}
	strictConf, err := render(outSets(strict), img)
	if err != nil {
		t.Fatalf("the strict output does not render: %v\ninput: %s", err, show(sets))
	}
	nowBlocked := blocked(strictConf)
	if a, b := withoutBlocked(withoutSelfMirrors(before, nowBlocked)), withoutBlocked(withoutSelfMirrors(strictConf, nowBlocked)); a != b {
		t.Fatalf("the default policy changed more than blocked\ninput: %s\n--- before\n%s\n--- after\n%s", show(sets), before, strictConf)
	}
	newlyBlocked := difference(nowBlocked, blocked(before))
	for _, loc := range newlyBlocked {
		if !gotDefault(sets, loc) {
			t.Fatalf("%s is blocked now, but no entry for it got the default policy\ninput: %s", loc, show(sets))
		}
	}
}

// wildcardAmongItsMirrors reports whether the one change that no output can
// avoid is all that changed, and said: an ICSP repeats a mirror so that the
// node tries a wildcard source among its own mirrors, which breaks every
// pull under it on the node (containers/image cannot rewrite a reference to
// "*.x"), and which the MCO refuses in an IDMS. The output drops it and
// keeps the other mirrors in their order.
func wildcardAmongItsMirrors(out transform.Output, before, after []byte) bool {
	var wild []string
	for _, s := range sources {
		if strings.HasPrefix(s, "*.") {
			wild = append(wild, s)
		}
	}
	return warns(out, "refuses a wildcard as a mirror") && bytes.Equal(withoutSelfMirrors(before, wild), withoutSelfMirrors(after, wild))
}

func TestRegistriesConfUnchanged(t *testing.T) {
	for _, layout := range []string{config.LayoutPreserve, config.LayoutPerRegistry} {
		t.Run(layout, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewSource(4))
			var c tally
			for i := 0; i < 2500; i++ {
				checkEquivalence(t, rng, layout, &c)
			}
			t.Logf("%s: %d of 2500 generated inputs passed the checks (the rest the MCO refuses); among them, lists that disagree on the order merged: %d, repeated mirrors: %d, left unmerged: %d, a wildcard source dropped from its own mirrors: %d",
				layout, c.passed, c.looped, c.repeats, c.unmerged, c.wildcard)
			// The property says something only if many inputs pass the
			// checks, and the hard kinds among them.
			if c.passed < 1000 {
				t.Fatalf("only %d of 2500 generated inputs passed the checks", c.passed)
			}
			if c.looped < minKind || c.repeats < minKind || c.unmerged < minKind {
				t.Fatalf("too few hard cases (want %d of each): looped %d, repeats %d, unmerged %d", minKind, c.looped, c.repeats, c.unmerged)
			}
		})
	}
}

// FuzzRegistriesConfUnchanged draws cases from fuzzed seeds.
func FuzzRegistriesConfUnchanged(f *testing.F) {
	for _, seed := range []uint64{0, 1, 42, 1 << 40} {
		b := make([]byte, 9)
		binary.LittleEndian.PutUint64(b, seed)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 9 {
			return
		}
		layout := config.LayoutPreserve
		if b[8]%2 == 1 {
			layout = config.LayoutPerRegistry
		}
		checkEquivalence(t, rand.New(rand.NewSource(int64(binary.LittleEndian.Uint64(b)))), layout, &tally{})
	})
}

// withoutSelfMirrors drops, from the registries in or nested in scopes, the
// mirror that is the registry itself.
func withoutSelfMirrors(conf []byte, scopes []string) []byte {
	in := func(scope string) bool {
		for _, s := range scopes {
			if scope == s || strings.HasPrefix(scope, s+"/") {
				return true
			}
		}
		return false
	}
	var out []string
	scope, skip := "", false
	for _, l := range strings.Split(string(conf), "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "[[registry]]":
			scope, skip = "", false
		case strings.HasPrefix(t, "prefix = ") && t != `prefix = ""`:
			scope = strings.Trim(strings.TrimPrefix(t, "prefix = "), `"`)
		case strings.HasPrefix(t, "location = ") && scope == "":
			scope = strings.Trim(strings.TrimPrefix(t, "location = "), `"`)
		case t == "[[registry.mirror]]":
			skip = false
		case strings.HasPrefix(t, "location = ") && in(scope) && strings.Trim(strings.TrimPrefix(t, "location = "), `"`) == scope:
			skip = true
			out = out[:len(out)-1] // its [[registry.mirror]] line
		}
		if skip {
			if t == "" {
				skip = false
			}
			continue
		}
		out = append(out, l)
	}
	return []byte(strings.Join(out, "\n"))
}

func withoutBlocked(conf []byte) string {
	var out []string
	for _, l := range strings.Split(string(conf), "\n") {
		if strings.TrimSpace(l) != "blocked = true" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// blocked lists the registries (location or prefix) with blocked = true.
func blocked(conf []byte) []string {
	var out []string
	scope := ""
	for _, l := range strings.Split(string(conf), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "[[registry]]":
			scope = ""
		case strings.HasPrefix(l, "prefix = ") && l != `prefix = ""`:
			scope = strings.Trim(strings.TrimPrefix(l, "prefix = "), `"`)
		case strings.HasPrefix(l, "location = ") && scope == "":
			scope = strings.Trim(strings.TrimPrefix(l, "location = "), `"`)
		case l == "blocked = true":
			out = append(out, scope)
		case l == "[[registry.mirror]]":
			scope = "mirror" // a mirror's location is not the registry's
		}
	}
	sort.Strings(out)
	return out
}

func difference(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// gotDefault reports whether some entry for source had no policy (an ICSP
// entry, or an IDMS/ITMS entry without one), so that the default reached it.
func gotDefault(sets []*mirror.Set, source string) bool {
	for _, s := range sets {
		for _, e := range s.Entries {
			if e.Source == source && (s.Kind == mirror.ICSP || e.Policy == "") {
				return true
			}
		}
	}
	return false
}

func show(sets []*mirror.Set) string {
	var b strings.Builder
	for _, s := range sets {
		fmt.Fprintf(&b, "\n  %s/%s", s.Kind, s.Name)
		for _, e := range s.Entries {
			fmt.Fprintf(&b, " {%s %v %s}", e.Source, e.Mirrors, e.Policy)
		}
	}
	return b.String()
}

// warns reports whether a warning of out says what.
func warns(out transform.Output, what string) bool {
	for _, r := range out.Results {
		if r.Severity == "warning" && strings.Contains(r.Message, what) {
			return true
		}
	}
	return false
}

func errorsOf(out transform.Output) string {
	var msgs []string
	for _, r := range out.Results {
		if r.Severity == "error" {
			msgs = append(msgs, r.Message)
		}
	}
	return strings.Join(msgs, "; ")
}
