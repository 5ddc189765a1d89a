package krm

import (
	"testing"

	"github.com/mirrorset/mirrorset/pkg/config"
)

// BenchmarkFieldSourcesWithout is what the new kinds cost a list without
// them: one look at each entry's kind (10,000 entries of the kinds make
// bench generates).
func BenchmarkFieldSourcesWithout(b *testing.B) {
	kinds := [][2]string{{"apps/v1", "Deployment"}, {"v1", "ConfigMap"}, {"v1", "Service"}, {"operator.openshift.io/v1alpha1", "ImageContentSourcePolicy"}}
	entries := make([]*entry, 10000)
	for i := range entries {
		k := kinds[i%len(kinds)]
		entries[i] = &entry{apiVersion: k[0], kind: k[1]}
	}
	cfg := config.Default()
	for b.Loop() {
		if edits, rs, err := fieldSources(cfg, entries); edits != nil || rs != nil || err != nil {
			b.Fatal("a list without the kinds got edits or results")
		}
	}
}
