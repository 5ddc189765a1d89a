package consolidate

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"

	"github.com/containers/image/v5/pkg/sysregistriesv2"
	configv1 "github.com/openshift/api/config/v1"
	"github.com/openshift/runtime-utils/pkg/registries"
)

// nodeOrderByMCO renders the lists with the Machine Config Operator's own
// renderer and reads back the digest mirrors of source.
func nodeOrderByMCO(t *testing.T, source string, lists [][]string) []string {
	t.Helper()
	idms := &configv1.ImageDigestMirrorSet{}
	for _, l := range lists {
		e := configv1.ImageDigestMirrors{Source: source}
		for _, m := range l {
			e.Mirrors = append(e.Mirrors, configv1.ImageMirror(m))
		}
		idms.Spec.ImageDigestMirrors = append(idms.Spec.ImageDigestMirrors, e)
	}
	conf := &sysregistriesv2.V2RegistriesConf{}
	if err := registries.EditRegistriesConfig(conf, nil, nil, nil, []*configv1.ImageDigestMirrorSet{idms}, nil); err != nil {
		t.Fatalf("EditRegistriesConfig: %v", err)
	}
	var got []string
	for _, r := range conf.Registries {
		if r.Location == source {
			for _, m := range r.Mirrors {
				got = append(got, m.Location)
			}
		}
	}
	return got
}

func TestNodeOrderExamples(t *testing.T) {
	tests := []struct {
		name   string
		lists  [][]string
		want   []string
		looped bool
	}{
		{"one list keeps its order", [][]string{{"z", "a"}}, []string{"z", "a"}, false},
		{"lists chain", [][]string{{"b", "c"}, {"a", "b"}}, []string{"a", "b", "c"}, false},
		{"independent lists sort by name", [][]string{{"m2"}, {"m1"}}, []string{"m1", "m2"}, false},
		{"trailing source goes", [][]string{{"a", "src"}}, []string{"a"}, false},
		{"source alone is no mirror", [][]string{{"src"}}, nil, false},
		{"conflicting orders put the source first", [][]string{{"y", "x"}, {"x", "y"}}, []string{"src", "x", "y"}, true},
		{"duplicates loop on themselves", [][]string{{"a", "a"}}, []string{"a"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, looped := NodeOrder("src", tt.lists)
			if !reflect.DeepEqual(got, tt.want) || looped != tt.looped {
				t.Errorf("NodeOrder(%v) = %v, looped %v; want %v, %v", tt.lists, got, looped, tt.want, tt.looped)
			}
			if mco := nodeOrderByMCO(t, "src", tt.lists); !reflect.DeepEqual(mco, tt.want) {
				t.Errorf("the MCO renders %v, the example says %v", mco, tt.want)
			}
		})
	}
}

// TestNodeOrderMatchesMCO compares NodeOrder with the MCO's renderer on
// random lists drawn from a small alphabet, so that orders overlap,
// conflict, repeat and name the source.
func TestNodeOrderMatchesMCO(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(1))
	names := []string{"src", "a", "b", "c", "d", "e", "f"}
	for i := 0; i < 3000; i++ {
		lists := make([][]string, 1+rng.Intn(4))
		for j := range lists {
			l := make([]string, 1+rng.Intn(4))
			for k := range l {
				l[k] = names[rng.Intn(len(names))]
			}
			lists[j] = l
		}
		got, _ := NodeOrder("src", lists)
		want := nodeOrderByMCO(t, "src", lists)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: NodeOrder(%v) = %v, the MCO renders %v", i, lists, got, want)
		}
	}
}

func ExampleNodeOrder() {
	order, looped := NodeOrder("quay.io/acme/app", [][]string{
		{"b.example.com/app", "c.example.com/app"},
		{"a.example.com/app", "b.example.com/app"},
	})
	fmt.Println(order, looped)
	// Output: [a.example.com/app b.example.com/app c.example.com/app] false
}
