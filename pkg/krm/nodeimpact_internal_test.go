package krm

import (
	"fmt"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
	"github.com/mirrorset/mirrorset/pkg/transform"
)

// The nodes result is the same whether nodeImpact renders the output
// itself, takes the rendering another step made, or is told that the
// rendering failed, and whether it takes the input's side from a
// prerendering or not.
func TestNodeImpactTakesTheRendering(t *testing.T) {
	t.Parallel()
	never := config.Default()
	never.DefaultMirrorSourcePolicy = mirror.NeverContactSource
	apart := config.Default()
	apart.Consolidate = false
	images := []*registriesconf.Image{nil, {Name: "cluster", BlockedRegistries: []string{"blocked.example.com"}}}
	done := make(chan struct{})
	close(done)
	messages := map[bool]int{} // by whether the nodes' file changes
	for ci, cfg := range []config.Config{config.Default(), never, apart} {
		for _, k := range []mirror.Kind{mirror.ICSP, mirror.IDMS, mirror.ITMS} {
			for seed := uint64(1); seed <= 3; seed++ {
				sets := gen.Sets(k, 30, 6, seed)
				out := transform.Run(cfg, sets)
				if out.Failed() {
					t.Fatalf("config %d, %s, seed %d: the transform fails: %s", ci, k, seed, out.Results[len(out.Results)-1].Message)
				}
				for ii, img := range images {
					name := fmt.Sprintf("config %d, %s, seed %d, image %d", ci, k, seed, ii)
					want, wantErr := nodeImpact(sets, out.Outs, img, nil, nil, nil)
					res, err := registriesconf.Render(outputSets(out.Outs), registriesconf.Options{Image: img})
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					pre := registriesconf.Prerender(mirror.Values(sets), registriesconf.Options{Image: img})
					if pre == nil {
						t.Fatalf("%s: no prerendering of the input", name)
					}
					for _, r := range []*rendering{nil, {done: done, res: res}, {done: done}} {
						for _, p := range []func() *registriesconf.Prerendered{nil, func() *registriesconf.Prerendered { return pre }} {
							got, err := nodeImpact(sets, out.Outs, img, nil, r, p)
							if fmt.Sprint(err) != fmt.Sprint(wantErr) || (got == nil) != (want == nil) || got != nil && got.Message != want.Message {
								t.Errorf("%s, rendered %v, prerendered %v: got %v, %v; want %v, %v", name, r != nil && r.res != nil, p != nil, got, err, want, wantErr)
							}
						}
					}
					if want != nil {
						messages[want.Message != nodesUnchanged]++
					}
				}
			}
		}
	}
	if messages[true] == 0 || messages[false] == 0 {
		t.Errorf("the cases give %d results of a changed file and %d of an unchanged one; the test needs both", messages[true], messages[false])
	}
}
