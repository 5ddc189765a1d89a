package convert_test

import (
	"fmt"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/convert"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// BenchmarkConvert converts ImageContentSourcePolicies holding n entries in
// all, into digest sets and, with tags, tag sets too.
func BenchmarkConvert(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000, 100000} {
		icsps := gen.Sets(mirror.ICSP, n, n/10, 1)
		for _, tags := range []bool{false, true} {
			b.Run(fmt.Sprintf("entries=%d/tagMirrors=%v", n, tags), func(b *testing.B) {
				f := convert.Filter{TagMirrors: tags}
				for b.Loop() {
					for _, s := range icsps {
						f.Convert(s)
					}
				}
			})
		}
	}
}
