package registriesconf_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/transform"
)

// randomSets draws mirror objects whose sources' lists often give one
// order (parts of one list, as oc-mirror writes them) and sometimes not
// (lists in other orders, repeats, the source among the mirrors).
func randomSets(r *rand.Rand) []*mirror.Set {
	sources := []string{"quay.io", "quay.io/acme", "quay.io/acme/app", "registry.redhat.io/rhel9", "reg.example.com:5000/x", "*.example.net"}
	mirrors := []string{"m1.example.com/a", "m2.example.com/a", "m3.example.com:5000/b", "quay.io/mirror/a", "quay.io/acme"}
	kinds := []mirror.Kind{mirror.ICSP, mirror.ICSP, mirror.IDMS, mirror.ITMS}
	never := map[string]bool{}
	for _, s := range sources {
		never[s] = r.IntN(4) == 0
	}
	var sets []*mirror.Set
	for i := range 1 + r.IntN(10) {
		s := &mirror.Set{Kind: kinds[r.IntN(len(kinds))], Name: fmt.Sprintf("s-%d", i), Item: i}
		for range 1 + r.IntN(3) {
			e := mirror.Entry{Source: sources[r.IntN(len(sources))]}
			switch r.IntN(5) {
			case 0: // any mirrors, any order
				for range 1 + r.IntN(3) {
					e.Mirrors = append(e.Mirrors, mirrors[r.IntN(len(mirrors))])
				}
			default: // a first part of the one list
				e.Mirrors = append(e.Mirrors, mirrors[:1+r.IntN(3)]...)
			}
			if r.IntN(8) == 0 {
				e.Mirrors = append(e.Mirrors, e.Source)
			}
			if s.Kind != mirror.ICSP && never[e.Source] {
				e.Policy = mirror.NeverContactSource
			}
			s.Entries = append(s.Entries, e)
		}
		sets = append(sets, s)
	}
	return sets
}

// TestReuseIsRender holds Reuse to Render: on the transform's output of
// generated objects, and on other generated objects, a rendering Reuse
// takes from the input's is the one Render makes of the output, warnings
// and all, and Prerendered.Edited is Edit of the input.
func TestReuseIsRender(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(14, 3))
	reused, outputs := 0, 0
	for n := range 3000 {
		in := randomSets(r)
		opts := registriesconf.Options{}
		if r.IntN(2) == 0 {
			opts.Image = &registriesconf.Image{InsecureRegistries: []string{"quay.io/acme"}, BlockedRegistries: []string{"registry.redhat.io"}}
		}
		cfg := config.Default()
		cfg.Consolidate = r.IntN(4) > 0
		cfg.TagMirrors = r.IntN(4) == 0
		cfg.KeepICSP = r.IntN(4) == 0
		if r.IntN(4) == 0 {
			cfg.Layout = config.LayoutPerRegistry
		}
		cfg.OnPolicyConflict = []string{config.ConflictError, config.ConflictStricter, config.ConflictLooser}[r.IntN(3)]
		if r.IntN(4) == 0 {
			cfg.DefaultMirrorSourcePolicy = mirror.NeverContactSource
		}
		var other []mirror.Set
		if out := transform.Run(cfg, in); !out.Failed() && r.IntN(5) > 0 {
			for _, o := range out.Outs {
				other = append(other, *o.Set)
			}
			outputs++
		} else {
			other = mirror.Values(randomSets(r))
		}
		p := registriesconf.Prerender(mirror.Values(in), opts)
		if p == nil {
			continue
		}
		if e, err := registriesconf.Edit(mirror.Values(in), opts); err != nil || !reflect.DeepEqual(e, p.Edited()) {
			t.Fatalf("case %d: Prerendered.Edited\n%+v\nEdit (%v)\n%+v", n, *p.Edited(), err, e)
		}
		got, ok := p.Reuse(other)
		if !ok {
			continue
		}
		reused++
		want, err := registriesconf.Render(other, opts)
		if err != nil {
			t.Fatalf("case %d: Reuse took a rendering of objects Render refuses: %v", n, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: Reuse\n%s%q\nRender\n%s%q", n, got.Conf, got.Warnings, want.Conf, want.Warnings)
		}
	}
	if outputs < 1000 || reused < 300 {
		t.Fatalf("of 3000 cases %d compared the transform's output, %d reused a rendering", outputs, reused)
	}
}

// TestReuseCases: where a source's lists leave the MCO's sort a choice or
// a loop, nothing is prerendered; where the objects differ in what the
// merge skips but the MCO still checks, the rendering is not reused.
func TestReuseCases(t *testing.T) {
	t.Parallel()
	set := func(kind mirror.Kind, entries ...mirror.Entry) mirror.Set {
		return mirror.Set{Kind: kind, Name: "s", Entries: entries}
	}
	entry := func(source string, policy mirror.Policy, mirrors ...string) mirror.Entry {
		return mirror.Entry{Source: source, Mirrors: mirrors, Policy: policy}
	}
	const src, a, b = "quay.io/acme", "b.example.com/acme", "a.example.com/acme"
	for _, c := range []struct {
		name      string
		in, other []mirror.Set
		prerender bool // Prerender makes one of in
		reuse     bool // and Reuse takes it for other
	}{
		{"parts of one list", []mirror.Set{set(mirror.ICSP, entry(src, "", a)), set(mirror.ICSP, entry(src, "", a, b))},
			[]mirror.Set{set(mirror.IDMS, entry(src, "", a, b))}, true, true},
		{"a choice, which the MCO makes by name", []mirror.Set{set(mirror.ICSP, entry(src, "", a)), set(mirror.ICSP, entry(src, "", b))},
			[]mirror.Set{set(mirror.IDMS, entry(src, "", a, b))}, false, false},
		{"a loop", []mirror.Set{set(mirror.ICSP, entry(src, "", a, b)), set(mirror.ICSP, entry(src, "", b, a))},
			[]mirror.Set{set(mirror.IDMS, entry(src, "", b, a))}, false, false},
		{"another order", []mirror.Set{set(mirror.IDMS, entry(src, "", a, b))},
			[]mirror.Set{set(mirror.IDMS, entry(src, "", b, a))}, true, false},
		{"never contacted", []mirror.Set{set(mirror.IDMS, entry(src, "", a))},
			[]mirror.Set{set(mirror.IDMS, entry(src, mirror.NeverContactSource, a))}, true, false},
		{"a conflict the merge skips", []mirror.Set{set(mirror.IDMS, entry(src, "", a))},
			[]mirror.Set{set(mirror.IDMS, entry(src, "", a), entry(src, mirror.NeverContactSource, src))}, true, false},
		{"a source more", []mirror.Set{set(mirror.IDMS, entry(src, "", a))},
			[]mirror.Set{set(mirror.IDMS, entry(src, "", a), entry("quay.io/other", "", a))}, true, false},
		{"a tag mirror", []mirror.Set{set(mirror.IDMS, entry(src, "", a))},
			[]mirror.Set{set(mirror.ITMS, entry(src, "", a))}, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := registriesconf.Prerender(c.in, registriesconf.Options{})
			if (p != nil) != c.prerender {
				t.Fatalf("Prerender made one: %v, want %v", p != nil, c.prerender)
			}
			if p == nil {
				return
			}
			got, ok := p.Reuse(c.other)
			if ok != c.reuse {
				t.Fatalf("Reuse took it: %v, want %v", ok, c.reuse)
			}
			if want, err := registriesconf.Render(c.other, registriesconf.Options{}); ok && (err != nil || !reflect.DeepEqual(got, want)) {
				t.Fatalf("Reuse\n%s\nRender (%v)\n%s", got.Conf, err, want.Conf)
			}
		})
	}
}
