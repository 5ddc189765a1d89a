package transform_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand"
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
func generate(rng *rand.Rand) ([]*mirror.Set, *registriesconf.Image) {
	policy := map[string]mirror.Policy{}
	for _, s := range sources {
		policy[s] = []mirror.Policy{"", "", mirror.NeverContactSource, mirror.AllowContactingSource}[rng.Intn(4)]
	}
	var sets []*mirror.Set
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
			for k := 0; k < rng.Intn(4); k++ {
				m := mirrors[rng.Intn(len(mirrors))]
				if rng.Intn(8) == 0 {
					m = src
				}
				e.Mirrors = append(e.Mirrors, m)
			}
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

// checkEquivalence runs one generated case; it returns whether the input
// passed the checks, so that callers can tell the property was exercised.
func checkEquivalence(t *testing.T, rng *rand.Rand, layout string) bool {
	t.Helper()
	sets, img := generate(rng)
	before, err := render(sets, img)
	if err != nil {
		return false // the MCO refuses the input: nothing to keep
	}
	cfg := config.Default()
	cfg.Layout = layout
	out := transform.Run(cfg, sets)
	if out.Failed() {
		t.Fatalf("the MCO renders the input, but mirrorset refuses it: %v\ninput: %s", out.Results, show(sets))
	}
	// The one change mirrorset must make: an ICSP repeats a mirror in a way
	// that orders the node's list, which an IDMS, a set, cannot say. The
	// warning says so; the rest of this case is not comparable.
	if warns(out, "without them the node's order changes") {
		return false
	}
	after, err := render(outSets(out), img)
	if err != nil {
		t.Fatalf("the output does not render: %v\ninput: %s\noutput: %s", err, show(sets), show(outSets(out)))
	}
	if !bytes.Equal(before, after) {
		t.Fatalf("the nodes would get another registries.conf\ninput: %s\noutput: %s\n--- before\n%s\n--- after\n%s", show(sets), show(outSets(out)), before, after)
	}

	// With a default policy, only blocked may change, and only on the
	// sources that got NeverContactSource.
	cfg.DefaultMirrorSourcePolicy = mirror.NeverContactSource
	strict := transform.Run(cfg, sets)
	if strict.Failed() {
		return true // a conflict, or the source among its mirrors: refused, and said so
	}
	strictConf, err := render(outSets(strict), img)
	if err != nil {
		t.Fatalf("the strict output does not render: %v\ninput: %s", err, show(sets))
	}
	if a, b := withoutBlocked(before), withoutBlocked(strictConf); a != b {
		t.Fatalf("the default policy changed more than blocked\ninput: %s\n--- before\n%s\n--- after\n%s", show(sets), before, strictConf)
	}
	newlyBlocked := difference(blocked(strictConf), blocked(before))
	for _, loc := range newlyBlocked {
		if !gotDefault(sets, loc) {
			t.Fatalf("%s is blocked now, but no entry for it got the default policy\ninput: %s", loc, show(sets))
		}
	}
	return true
}

func TestRegistriesConfUnchanged(t *testing.T) {
	for _, layout := range []string{config.LayoutPreserve, config.LayoutPerRegistry} {
		t.Run(layout, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewSource(4))
			passed := 0
			for i := 0; i < 2500; i++ {
				if checkEquivalence(t, rng, layout) {
					passed++
				}
			}
			t.Logf("%s: %d of 2500 generated inputs passed the checks; the rest the MCO or mirrorset refuses", layout, passed)
			// The property says something only if many inputs pass the checks.
			if passed < 1000 {
				t.Fatalf("only %d of 2500 generated inputs passed the checks", passed)
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
		checkEquivalence(t, rand.New(rand.NewSource(int64(binary.LittleEndian.Uint64(b)))), layout)
	})
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
