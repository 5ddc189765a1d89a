package registriesconf

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// TestEditOfDistinctEntries holds Edit, which gives the MCO's renderer
// each kind's distinct entries (distinct), to the Edited of Render, which
// gives it every object as it is, over generated objects that repeat
// their entries, lists that disagree, entries without a real mirror,
// sources never contacted, and an Image with or without a release image.
func TestEditOfDistinctEntries(t *testing.T) {
	t.Parallel()
	sources := []string{"quay.io", "quay.io/acme", "quay.io/acme/app", "registry.redhat.io/rhel9", "reg.example.com:5000/x"}
	mirrors := []string{"m1.example.com/a", "m2.example.com/a", "m3.example.com:5000/b", "quay.io/mirror/a", "quay.io/acme"}
	kinds := []mirror.Kind{mirror.ICSP, mirror.IDMS, mirror.ITMS}
	r := rand.New(rand.NewPCG(14, 11))
	rendered, fewer := 0, 0
	for n := range 1000 {
		never := map[string]bool{}
		for _, s := range sources {
			never[s] = r.IntN(3) == 0
		}
		var sets []mirror.Set
		for i := range 1 + r.IntN(12) {
			s := mirror.Set{Kind: kinds[r.IntN(len(kinds))], Name: fmt.Sprintf("s-%d", i), Item: i}
			for range r.IntN(4) {
				e := mirror.Entry{Source: sources[r.IntN(len(sources))]}
				for range r.IntN(4) {
					e.Mirrors = append(e.Mirrors, mirrors[r.IntN(len(mirrors))])
				}
				if r.IntN(6) == 0 {
					e.Mirrors = append(e.Mirrors, e.Source)
				}
				if s.Kind != mirror.ICSP && never[e.Source] {
					e.Policy = mirror.NeverContactSource
				}
				s.Entries = append(s.Entries, e)
				if r.IntN(3) == 0 && len(sets) > 0 {
					// an entry of an object before, again
					prev := sets[r.IntN(len(sets))]
					if len(prev.Entries) > 0 && prev.Kind == s.Kind {
						s.Entries = append(s.Entries, prev.Entries[r.IntN(len(prev.Entries))])
					}
				}
			}
			sets = append(sets, s)
		}
		opts := Options{}
		if r.IntN(2) == 0 {
			opts.Image = &Image{InsecureRegistries: []string{"quay.io/acme"}, BlockedRegistries: []string{"registry.redhat.io"}}
			if r.IntN(2) == 0 {
				opts.ReleaseImage = "registry.redhat.io/rhel9/release@sha256:" + fmt.Sprintf("%064x", n)
			}
		}
		want, err := Render(sets, opts)
		if err != nil {
			continue // the MCO refuses these objects: Edit is not asked then
		}
		rendered++
		all, kept := 0, 0
		for _, s := range sets {
			all += len(s.Entries)
		}
		for _, s := range distinct(sets) {
			kept += len(s.Entries)
		}
		if kept < all {
			fewer++
		}
		got, err := Edit(sets, opts)
		if err != nil {
			t.Fatalf("case %d: Edit: %v", n, err)
		}
		if !reflect.DeepEqual(got, want.Edited) {
			t.Fatalf("case %d: Edit of the distinct entries\n%+v\nRender of every object\n%+v\nsets %+v", n, *got, *want.Edited, sets)
		}
	}
	if rendered < 300 || fewer < 200 {
		t.Fatalf("of 1000 cases %d rendered, %d of them with fewer entries for the renderer", rendered, fewer)
	}
}

// TestDistinctLists adds lists with repeats, past the few that are
// compared one by one, and requires that exactly the first of each is new.
func TestDistinctLists(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	var d distinctLists
	seen := map[string]bool{}
	news := 0
	for range 2000 {
		var l []string
		for range r.IntN(4) {
			l = append(l, []string{"a", "b", "c", "ab", ""}[r.IntN(5)])
		}
		k := fmt.Sprintf("%q", l)
		if got, want := d.add(l), !seen[k]; got != want {
			t.Fatalf("add(%q) = %v, want %v", l, got, want)
		}
		if !seen[k] {
			news++
		}
		seen[k] = true
	}
	if news <= fewLists || d.many == nil {
		t.Fatalf("%d lists were new: the test does not pass the few compared one by one", news)
	}
}
