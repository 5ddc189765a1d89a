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
// random lists: from a small alphabet, so that orders overlap, conflict,
// repeat and name the source; from a large one, with more and longer lists,
// so that graphs outgrow the linear scans (scanLimit); and with many lists
// that start at the same few mirrors, so that a mirror has more successors
// than a scan looks through.
func TestNodeOrderMatchesMCO(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                    string
		names, maxLists, maxLen int
		hubs                    int // when not 0, lists start at one of the first hubs names
		cases                   int
	}{
		{"small alphabet", 6, 4, 4, 0, 3000},
		{"large alphabet", 60, 12, 30, 0, 500},
		{"wide fan-out", 60, 80, 3, 1, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewSource(1))
			names := []string{"src"}
			for i := range tt.names {
				names = append(names, fmt.Sprintf("m%02d", i))
			}
			large := 0
			for i := 0; i < tt.cases; i++ {
				lists := make([][]string, 1+rng.Intn(tt.maxLists))
				seen := map[string]bool{}
				succ := map[string]map[string]bool{}
				for j := range lists {
					l := make([]string, 1+rng.Intn(tt.maxLen))
					for k := range l {
						l[k] = names[rng.Intn(len(names))]
						if k == 0 && tt.hubs > 0 {
							l[k] = names[1+rng.Intn(tt.hubs)]
						}
						seen[l[k]] = true
						if k > 0 {
							if succ[l[k-1]] == nil {
								succ[l[k-1]] = map[string]bool{}
							}
							succ[l[k-1]][l[k]] = true
						}
					}
					lists[j] = l
				}
				wide := len(seen) > scanLimit
				if tt.hubs > 0 {
					wide = false
					for _, s := range succ {
						wide = wide || len(s) > scanLimit
					}
				}
				if wide {
					large++
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
			if tt.names > scanLimit && large < tt.cases/4 {
				t.Errorf("only %d of %d cases outgrew the scans (more than %d mirrors, or successors of a mirror)", large, tt.cases, scanLimit)
			}
		})
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
