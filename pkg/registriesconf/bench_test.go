package registriesconf_test

import (
	"fmt"
	"testing"

	"github.com/containers/image/v5/pkg/sysregistriesv2"

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

// BenchmarkFindRegistry looks up image names in a registries.conf of n
// [[registry]] entries, with Parsed.FindRegistry and with containers/image's
// own FindRegistry, which scans every entry.
func BenchmarkFindRegistry(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		var prefixes []string
		for i := range n {
			prefixes = append(prefixes, fmt.Sprintf("quay.io/org-%d/repo-%d", i%80, i))
		}
		p, err := registriesconf.Parse(confOf(b, append(prefixes, "*.example.com")))
		if err != nil {
			b.Fatal(err)
		}
		refs := []string{"quay.io/org-3/repo-3/app", "quay.io/org-9/repo-99999/app", "a.example.com/x/y", "ghcr.io/a/b"}
		p.FindRegistry(refs[0]) // builds the index
		b.Run(fmt.Sprintf("registries=%d/index", n), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := p.FindRegistry(refs[i%len(refs)]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("registries=%d/containers-image", n), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := sysregistriesv2.FindRegistry(p.SystemContext(), refs[i%len(refs)]); err != nil {
					b.Fatal(err)
				}
			}
		})
		p.Close()
	}
}
