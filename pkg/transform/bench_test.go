package transform_test

import (
	"fmt"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
	"github.com/mirrorset/mirrorset/pkg/transform"
)

// BenchmarkRun runs the whole core (checks, conversion, default policy,
// consolidation, the MCO's checks) on ImageContentSourcePolicies holding n
// entries in all over n/10 sources, as the default config does.
func BenchmarkRun(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000, 100000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			icsps := gen.Sets(mirror.ICSP, n, max(1, n/10), 1)
			cfg := config.Default()
			for b.Loop() {
				if out := transform.Run(cfg, icsps); out.Failed() {
					b.Fatalf("failed: %v", out.Results[0])
				}
			}
		})
	}
}
