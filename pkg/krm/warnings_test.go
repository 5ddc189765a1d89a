package krm_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/krm"
	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// TestWarningsFolded: a list of overlapping policies, as a new user writes
// them, gives hundreds of warnings of two kinds; stderr lists
// result.MaxWarningsOfAKind of each and counts the rest, on both paths.
func TestWarningsFolded(t *testing.T) {
	t.Parallel()
	in := generated(t, gen.Overlapping(1500), "")
	var out, stderr, fullOut, fullStderr bytes.Buffer
	if code := krm.Run(bytes.NewReader(in), &out, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if code := krm.RunFull(bytes.NewReader(in), &fullOut, &fullStderr); code != 0 {
		t.Fatalf("full parse: exit %d: %s", code, fullStderr.String())
	}
	if out.String() != fullOut.String() || stderr.String() != fullStderr.String() {
		t.Fatalf("the fast path and the full parse differ:\n%s", diff(out.String()+stderr.String(), fullOut.String()+fullStderr.String()))
	}
	kinds := map[string]int{}
	folds := 0
	for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		switch {
		case strings.Contains(l, "more warnings of this kind"):
			folds++
		case strings.Contains(l, "disagree on the order; the node breaks the loop"):
			kinds["merged"]++
		case strings.Contains(l, "disagree on the order, so its"):
			kinds["unmerged"]++
		}
	}
	if folds != 2 || kinds["merged"] != result.MaxWarningsOfAKind || kinds["unmerged"] != result.MaxWarningsOfAKind {
		t.Errorf("%d folds, %v listed; want 2 folds and %d of each kind\n%s", folds, kinds, result.MaxWarningsOfAKind, stderr.String())
	}
}
