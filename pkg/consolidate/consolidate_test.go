package consolidate

import (
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"testing"

	"github.com/containers/image/v5/pkg/sysregistriesv2"
	configv1 "github.com/openshift/api/config/v1"
	operatorv1alpha1 "github.com/openshift/api/operator/v1alpha1"
	"github.com/openshift/runtime-utils/pkg/registries"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// render is what the MCO makes of the sets.
func render(t *testing.T, sets []*mirror.Set) []sysregistriesv2.Registry {
	t.Helper()
	var idms []*configv1.ImageDigestMirrorSet
	var itms []*configv1.ImageTagMirrorSet
	var icsps []*operatorv1alpha1.ImageContentSourcePolicy
	for _, s := range sets {
		switch s.Kind {
		case mirror.ICSP:
			o := &operatorv1alpha1.ImageContentSourcePolicy{}
			for _, e := range s.Entries {
				o.Spec.RepositoryDigestMirrors = append(o.Spec.RepositoryDigestMirrors, operatorv1alpha1.RepositoryDigestMirrors{Source: e.Source, Mirrors: e.Mirrors})
			}
			icsps = append(icsps, o)
		case mirror.IDMS:
			o := &configv1.ImageDigestMirrorSet{}
			for _, e := range s.Entries {
				o.Spec.ImageDigestMirrors = append(o.Spec.ImageDigestMirrors, configv1.ImageDigestMirrors{Source: e.Source, Mirrors: imageMirrors(e.Mirrors), MirrorSourcePolicy: e.Policy})
			}
			idms = append(idms, o)
		case mirror.ITMS:
			o := &configv1.ImageTagMirrorSet{}
			for _, e := range s.Entries {
				o.Spec.ImageTagMirrors = append(o.Spec.ImageTagMirrors, configv1.ImageTagMirrors{Source: e.Source, Mirrors: imageMirrors(e.Mirrors), MirrorSourcePolicy: e.Policy})
			}
			itms = append(itms, o)
		}
	}
	conf := &sysregistriesv2.V2RegistriesConf{}
	if err := registries.EditRegistriesConfig(conf, nil, nil, icsps, idms, itms); err != nil {
		t.Fatalf("EditRegistriesConfig: %v", err)
	}
	return conf.Registries
}

func imageMirrors(l []string) []configv1.ImageMirror {
	out := make([]configv1.ImageMirror, len(l))
	for i, m := range l {
		out[i] = configv1.ImageMirror(m)
	}
	return out
}

func clone(sets []*mirror.Set) []*mirror.Set {
	out := make([]*mirror.Set, len(sets))
	for i, s := range sets {
		out[i] = s.Clone()
	}
	return out
}

// randomSets draws IDMS and ITMS objects whose entries share sources and
// mirrors, with one policy per source so that they pass the MCO's checks.
func randomSets(rng *rand.Rand) []*mirror.Set {
	sources := []string{"quay.io/a", "quay.io/b", "reg.io/c"}
	mirrors := []string{"m1.io/x", "m2.io/x", "m3.io/x", "m4.io/x", "quay.io/a"}
	policies := map[string]mirror.Policy{}
	for _, s := range sources {
		policies[s] = []mirror.Policy{"", mirror.NeverContactSource, mirror.AllowContactingSource}[rng.Intn(3)]
	}
	var sets []*mirror.Set
	for i := 0; i < 1+rng.Intn(4); i++ {
		s := &mirror.Set{Kind: []mirror.Kind{mirror.IDMS, mirror.ITMS}[rng.Intn(2)], Name: fmt.Sprint("s", i), Item: i}
		for j := 0; j < 1+rng.Intn(3); j++ {
			src := sources[rng.Intn(len(sources))]
			e := mirror.Entry{Source: src, Policy: policies[src]}
			for k := 0; k < rng.Intn(4); k++ {
				m := mirrors[rng.Intn(len(mirrors))]
				if e.Policy == mirror.NeverContactSource && m == src {
					continue
				}
				e.Mirrors = append(e.Mirrors, m)
			}
			s.Entries = append(s.Entries, e)
		}
		sets = append(sets, s)
	}
	return sets
}

// TestFilterKeepsWhatTheNodeSees: the MCO renders the same registries from
// the output as from the input, whatever the lists say, contradicting
// orders and repeated mirrors included; the one exception is declared
// (repeats that put a NeverContactSource source among its own mirrors,
// which the MCO refuses there: the source leaves the list).
func TestFilterKeepsWhatTheNodeSees(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(2))
	var unmerged, looped, repeated, without int
	for i := 0; i < 3000; i++ {
		in := randomSets(rng)
		out := clone(in)
		rep := Filter{}.Filter(out)
		declared := false
		for _, m := range rep.Merges {
			o := orderOf(m)
			switch {
			case o.WithoutSource:
				declared = true
			case m.Unmerged:
				unmerged++
			case o.Repeats != nil:
				repeated++
			case o.Looped:
				looped++
			}
		}
		if declared {
			without++
			continue
		}
		if a, b := render(t, in), render(t, out); !reflect.DeepEqual(a, b) {
			t.Fatalf("case %d: the node sees something else\ninput:  %s\noutput: %s\nrendered input:  %+v\nrendered output: %+v", i, show(in), show(out), a, b)
		}
		for _, s := range out {
			for _, e := range s.Entries {
				if HasRepeats(e.Mirrors) {
					t.Fatalf("case %d: repeated mirrors left in %s: %v", i, s.Name, e.Mirrors)
				}
			}
		}
		again := clone(out)
		if rep := (Filter{}).Filter(again); !onlyUnmerged(rep) || !sameSets(again, out) {
			t.Fatalf("case %d: a second run changed %s into %s (%+v)", i, show(out), show(again), rep.Merges)
		}
	}
	t.Logf("of 3000 cases: %d sources left unmerged, %d merged from contradicting orders, %d with repeats merged, %d cases without the source", unmerged, looped, repeated, without)
	if unmerged < 25 || looped < 25 || repeated < 25 {
		t.Fatalf("too few hard cases: the generator misses conflicting orders or repeats")
	}
}

// TestFilterOrders: one list in the order the node uses, or the entries as
// they are where that list would have to name the source; each checked
// against the MCO's renderer.
func TestFilterOrders(t *testing.T) {
	t.Parallel()
	const src = "quay.io/app"
	tests := []struct {
		name     string
		kind     mirror.Kind // of the second set; the first is an IDMS
		policy   mirror.Policy
		lists    [][]string
		fixed    [][]string
		keep     bool
		want     [][]string // the entries' mirrors after
		unmerged bool
		without  bool // the one change: the source leaves the node's order
	}{
		// a.io to d.io sort before the source, r.io and s.io after it: the
		// node breaks loops at the smallest name.
		{name: "contradicting orders merge in the node's order", lists: [][]string{{"b.io/m", "a.io/m"}, {"a.io/m", "b.io/m"}}, want: [][]string{{"a.io/m", "b.io/m"}}},
		{name: "three lists in a loop", lists: [][]string{{"c.io/m", "a.io/m"}, {"a.io/m", "b.io/m"}, {"b.io/m", "c.io/m"}}, want: [][]string{{"a.io/m", "b.io/m", "c.io/m"}}},
		{name: "a repeat makes a loop", lists: [][]string{{"b.io/m", "a.io/m", "b.io/m"}}, want: [][]string{{"a.io/m", "b.io/m"}}},
		{name: "a repeat next to itself puts the source in the middle", lists: [][]string{{"b.io/m", "b.io/m", "a.io/m"}}, want: [][]string{{"a.io/m", src, "b.io/m"}}},
		{name: "a repeat puts the source first", lists: [][]string{{"r.io/m", "r.io/m"}, {"r.io/m", "s.io/m"}}, want: [][]string{{src, "r.io/m", "s.io/m"}}},
		{name: "the source in the middle stays", lists: [][]string{{"a.io/m", src, "b.io/m"}}, want: [][]string{{"a.io/m", src, "b.io/m"}}, unmerged: true},
		{name: "contradicting orders that put the source first stay", lists: [][]string{{"s.io/m", "r.io/m"}, {"r.io/m", "s.io/m"}}, want: [][]string{{"s.io/m", "r.io/m"}, {"r.io/m", "s.io/m"}}, unmerged: true},
		{name: "repeats that put a NeverContactSource source first: without it", policy: mirror.NeverContactSource, lists: [][]string{{"r.io/m", "r.io/m"}, {"r.io/m", "s.io/m"}}, want: [][]string{{"r.io/m", "s.io/m"}}, without: true},
		{name: "kept ICSP lists beside", lists: [][]string{{"b.io/m", "a.io/m", "b.io/m"}}, fixed: [][]string{{"b.io/m", "a.io/m", "b.io/m"}}, want: [][]string{{"a.io/m", "b.io/m"}}},
		{name: "a kept ICSP that disagrees", lists: [][]string{{"a.io/m", "b.io/m"}}, fixed: [][]string{{"b.io/m", "a.io/m"}}, want: [][]string{{"a.io/m", "b.io/m"}}},
		{name: "consolidate off: only the repeating entry changes", keep: true, lists: [][]string{{"a.io/m", "b.io/m", "a.io/m"}, {"b.io/m", "c.io/m"}}, want: [][]string{{"a.io/m", "b.io/m"}, {"b.io/m", "c.io/m"}}},
		{name: "consolidate off: the whole order where its own mirrors cannot keep it", keep: true, lists: [][]string{{"a.io/m", "b.io/m", "a.io/m"}, {"c.io/m"}}, want: [][]string{{"c.io/m", "a.io/m", "b.io/m"}, {"c.io/m"}}},
		{name: "consolidate off: contradicting orders stay", keep: true, lists: [][]string{{"b.io/m", "a.io/m"}, {"a.io/m", "b.io/m"}}, want: [][]string{{"b.io/m", "a.io/m"}, {"a.io/m", "b.io/m"}}},
		{name: "the tag pool alone", kind: mirror.ITMS, lists: [][]string{{"b.io/m", "a.io/m"}, {"a.io/m", "b.io/m"}}, want: [][]string{{"b.io/m", "a.io/m"}, {"a.io/m", "b.io/m"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var sets []*mirror.Set
			for i, l := range tt.lists {
				kind := mirror.IDMS
				if i > 0 && tt.kind != "" {
					kind = tt.kind
				}
				sets = append(sets, &mirror.Set{Kind: kind, Name: fmt.Sprint("s", i), Item: i, Entries: []mirror.Entry{{Source: src, Mirrors: slices.Clone(l), Policy: tt.policy}}})
			}
			var icsp []*mirror.Set
			for i, l := range tt.fixed {
				icsp = append(icsp, &mirror.Set{Kind: mirror.ICSP, Name: fmt.Sprint("icsp", i), Entries: []mirror.Entry{{Source: src, Mirrors: l}}})
			}
			in := append(clone(sets), icsp...)
			rep := Filter{Fixed: map[string][][]string{src: tt.fixed}, KeepEntries: tt.keep}.Filter(sets)
			var got [][]string
			for _, s := range sets {
				for _, e := range s.Entries {
					got = append(got, e.Mirrors)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("mirrors %v, want %v (%+v)", got, tt.want, rep.Merges)
			}
			unmerged, without := false, false
			for _, m := range rep.Merges {
				unmerged = unmerged || m.Unmerged
				without = without || orderOf(m).WithoutSource
			}
			if unmerged != tt.unmerged || without != tt.without {
				t.Errorf("unmerged %v, without the source %v; want %v, %v", unmerged, without, tt.unmerged, tt.without)
			}
			if tt.without {
				return
			}
			if a, b := render(t, in), render(t, append(sets, icsp...)); !reflect.DeepEqual(a, b) {
				t.Errorf("the node sees something else\nrendered input:  %+v\nrendered output: %+v", a, b)
			}
		})
	}
}

func TestFilterEmptiesAndRemovesNothingElse(t *testing.T) {
	a := &mirror.Set{Kind: mirror.IDMS, Name: "a", Entries: []mirror.Entry{{Source: "quay.io/x", Mirrors: []string{"m.io/x"}}}}
	b := &mirror.Set{Kind: mirror.IDMS, Name: "b", Entries: []mirror.Entry{{Source: "quay.io/x", Mirrors: []string{"n.io/x"}}}}
	c := &mirror.Set{Kind: mirror.ITMS, Name: "c", Entries: []mirror.Entry{{Source: "quay.io/x", Mirrors: []string{"n.io/x"}}}}
	rep := Filter{}.Filter([]*mirror.Set{a, b, c})
	if len(rep.Emptied) != 1 || rep.Emptied[0] != b {
		t.Fatalf("emptied %v, want only b", rep.Emptied)
	}
	if want := []string{"m.io/x", "n.io/x"}; !reflect.DeepEqual(a.Entries[0].Mirrors, want) {
		t.Errorf("a has %v, want %v", a.Entries[0].Mirrors, want)
	}
	if len(c.Entries) != 1 {
		t.Errorf("the tag pool must not merge with the digest pool: c has %v", c.Entries)
	}
}

func ExampleFilter() {
	release0 := &mirror.Set{Kind: mirror.IDMS, Name: "idms-release-0", Entries: []mirror.Entry{
		{Source: "quay.io/openshift-release-dev/ocp-v4.0-art-dev", Mirrors: []string{"registry.example.com/ocp/release"}},
	}}
	operator0 := &mirror.Set{Kind: mirror.IDMS, Name: "idms-operator-0", Entries: []mirror.Entry{
		{Source: "quay.io/openshift-release-dev/ocp-v4.0-art-dev", Mirrors: []string{"registry.example.com/ocp/release", "backup.example.com/ocp/release"}},
	}}
	rep := Filter{}.Filter([]*mirror.Set{release0, operator0})
	fmt.Println(release0.Entries[0].Mirrors)
	fmt.Println(len(operator0.Entries), rep.Emptied[0].Name)
	// Output:
	// [registry.example.com/ocp/release backup.example.com/ocp/release]
	// 0 idms-operator-0
}

func show(sets []*mirror.Set) string {
	s := ""
	for _, x := range sets {
		s += fmt.Sprintf("%s/%s%v ", x.Kind, x.Name, x.Entries)
	}
	return s
}

func sameSets(a, b []*mirror.Set) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Kind != b[i].Kind || a[i].Name != b[i].Name || !mirror.Equal(a[i].Entries, b[i].Entries) {
			return false
		}
	}
	return true
}

func onlyUnmerged(rep Report) bool {
	for _, m := range rep.Merges {
		if !m.Unmerged {
			return false
		}
	}
	return len(rep.Emptied) == 0
}

// orderOf returns the merge's note on the order, or none.
func orderOf(m Merge) Order {
	if m.Order == nil {
		return Order{}
	}
	return *m.Order
}
