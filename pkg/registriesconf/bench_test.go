package registriesconf_test

import (
	"fmt"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// BenchmarkRender renders registries.conf, with the MCO's own renderer, for
// digest mirror sets holding n entries in all over n/10 sources.
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000, 100000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			var sets []mirror.Set
			for _, s := range gen.Sets(mirror.IDMS, n, max(1, n/10), 1) {
				sets = append(sets, *s)
			}
			for b.Loop() {
				if _, err := registriesconf.Render(sets, registriesconf.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
