package transform_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/transform"
)

// TestCheckResultsSideBySide gives Run a list long enough that the
// entries are checked on goroutines beside the conversion, and checks that
// the results still come in the input's order, the checks' before the
// conversion's, whatever the goroutines' timing.
func TestCheckResultsSideBySide(t *testing.T) {
	t.Parallel()
	var in []*mirror.Set
	for i := range 1000 {
		in = append(in, &mirror.Set{Kind: mirror.ICSP, Name: fmt.Sprintf("p-%d", i), Item: i,
			Entries: []mirror.Entry{{Source: fmt.Sprintf("quay.io/org/app-%d", i), Mirrors: []string{"m.example.com/app"}}}})
	}
	bad := []int{3, 255, 256, 500, 999}
	for _, i := range bad {
		in[i].Entries[0].Mirrors = []string{"Bad Mirror"}
	}
	in[700].Name = "p-699" // a second ICSP of that name, whose IDMS is a second too
	// An IDMS that the conversion of p-10 would name again.
	in = append(in, &mirror.Set{Kind: mirror.IDMS, Name: "p-10", Item: 1000,
		Entries: []mirror.Entry{{Source: "quay.io/other", Mirrors: []string{"m.example.com/other"}}}})

	for range 20 {
		out := transform.Run(config.Config{Consolidate: true}, in)
		var errs []string
		for _, r := range out.Results {
			if r.Severity == result.Error {
				errs = append(errs, r.Message)
			}
		}
		want := []string{`p-3"`, `p-255"`, `p-256"`, `p-500"`, `named "p-699"`, `p-999"`,
			`"p-10": metadata.name: converting it`, `"p-699": metadata.name: converting it`}
		if len(errs) != len(want) {
			t.Fatalf("%d errors, want %d:\n%s", len(errs), len(want), strings.Join(errs, "\n"))
		}
		for i, w := range want {
			if !strings.Contains(errs[i], w) {
				t.Fatalf("error %d is %q, want one that says %q; all:\n%s", i, errs[i], w, strings.Join(errs, "\n"))
			}
		}
	}
}
