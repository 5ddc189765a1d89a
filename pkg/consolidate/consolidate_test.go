package consolidate

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"

	"github.com/containers/image/v5/pkg/sysregistriesv2"
	configv1 "github.com/openshift/api/config/v1"
	"github.com/openshift/runtime-utils/pkg/registries"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// render is what the MCO makes of the sets.
func render(t *testing.T, sets []*mirror.Set) []sysregistriesv2.Registry {
	t.Helper()
	var idms []*configv1.ImageDigestMirrorSet
	var itms []*configv1.ImageTagMirrorSet
	for _, s := range sets {
		switch s.Kind {
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
	if err := registries.EditRegistriesConfig(conf, nil, nil, nil, idms, itms); err != nil {
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
// the output as from the input, whatever the lists say.
func TestFilterKeepsWhatTheNodeSees(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(2))
	unmerged := 0
	for i := 0; i < 3000; i++ {
		in := randomSets(rng)
		out := clone(in)
		rep := Filter{}.Filter(out)
		declared := false
		for _, m := range rep.Merges {
			if m.Unmerged {
				unmerged++
			}
			// Repeated mirrors that order the node's list cannot stay
			// (the API rejects them): the report gives the new order.
			declared = declared || m.After != nil
		}
		if declared {
			continue
		}
		if a, b := render(t, in), render(t, out); !reflect.DeepEqual(a, b) {
			t.Fatalf("case %d: the node sees something else\ninput:  %s\noutput: %s\nrendered input:  %+v\nrendered output: %+v", i, show(in), show(out), a, b)
		}
		again := clone(out)
		if rep := (Filter{}).Filter(again); !onlyUnmerged(rep) || !sameSets(again, out) {
			t.Fatalf("case %d: a second run changed %s into %s (%+v)", i, show(out), show(again), rep.Merges)
		}
	}
	if unmerged == 0 {
		t.Fatal("no case left a source unmerged: the generator misses conflicting orders")
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
