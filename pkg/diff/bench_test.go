package diff_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/diff"
)

// bigSides are n sources with one mirror each, and the same with a second
// mirror added to each source whose index changed says.
func bigSides(b *testing.B, n int, changed func(int) bool) (*diff.Side, *diff.Side) {
	var base, head strings.Builder
	for _, w := range []*strings.Builder{&base, &head} {
		w.WriteString("apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata:\n  name: big\nspec:\n  imageDigestMirrors:\n")
	}
	for i := range n {
		e := fmt.Sprintf("  - source: quay.io/team%d/app\n    mirrors:\n    - mirror.example.com/team%d/app\n", i, i)
		base.WriteString(e)
		if changed(i) {
			e += fmt.Sprintf("    - dr.example.com/team%d/app\n", i)
		}
		head.WriteString(e)
	}
	return mustSide(b, base.String()), mustSide(b, head.String())
}

// BenchmarkCompare: every registry changed costs an explain each; one
// changed among many costs about two renderings of each side.
func BenchmarkCompare(b *testing.B) {
	for _, tc := range []struct {
		name    string
		n       int
		changed func(int) bool
	}{
		{"all-of-100", 100, func(int) bool { return true }},
		{"all-of-1000", 1000, func(int) bool { return true }},
		{"one-of-5000", 5000, func(i int) bool { return i == 2500 }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			base, head := bigSides(b, tc.n, tc.changed)
			for b.Loop() {
				if _, err := diff.Compare(base, head, diff.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
