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

// TestNodeOrderSideBySide gives Run sources enough that the node's order
// of their lists is worked out beside the consolidation, and checks that
// its warnings still come in the order of the sources, before the
// consolidation's results.
func TestNodeOrderSideBySide(t *testing.T) {
	t.Parallel()
	var in []*mirror.Set
	for i := range 200 {
		// The node sorts m-a before m-b, which the two objects list the
		// other way round one after the other.
		for j, m := range []string{"m-b.example.com/app", "m-a.example.com/app"} {
			in = append(in, &mirror.Set{Kind: mirror.IDMS, Name: fmt.Sprintf("s-%d-%d", i, j), Item: len(in),
				Entries: []mirror.Entry{{Source: fmt.Sprintf("quay.io/org/app-%d", i), Mirrors: []string{m}}}})
		}
	}
	for range 20 {
		out := transform.Run(config.Config{Consolidate: true}, in)
		var order []string // "w" a node order warning, "i" a merge's info, in turn
		for _, r := range out.Results {
			switch {
			case r.Severity == result.Warning && strings.Contains(r.Message, "the node tries the digest mirrors of source"):
				if want := fmt.Sprintf("source %q", fmt.Sprintf("quay.io/org/app-%d", len(order))); !strings.Contains(r.Message, want) {
					t.Fatalf("warning %d names another source than %s: %s", len(order), want, r.Message)
				}
				order = append(order, "w")
			case r.Severity == result.Info && strings.Contains(r.Message, "entries for source"):
				order = append(order, "i")
			}
		}
		// Past maxInfo the merges' infos are only counted.
		got := strings.Join(order, "")
		if rest, ok := strings.CutPrefix(got, strings.Repeat("w", 200)); !ok || rest == "" || strings.Trim(rest, "i") != "" {
			t.Fatalf("results in the order %s, want 200 warnings, then infos", got)
		}
	}
}
