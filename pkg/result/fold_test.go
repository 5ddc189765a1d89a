package result_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/result"
)

func warning(name, msg string) *result.Result {
	return &result.Result{Severity: result.Warning, Message: fmt.Sprintf("ImageDigestMirrorSet %q in %s.yaml: %s", name, name, msg),
		ResourceRef: &result.ResourceRef{Kind: "ImageDigestMirrorSet", Name: name}}
}

func TestFoldWarnings(t *testing.T) {
	t.Parallel()
	var rs result.Results
	for i := 0; i < 25; i++ {
		rs = append(rs, warning(fmt.Sprintf("a-%d", i%7), fmt.Sprintf("the lists for source \"quay.io/x/r%d\" disagree; the node tries [m%d.example.com/r]", i, i)))
		if i == 3 {
			rs = append(rs, &result.Result{Severity: result.Error, Message: "an error"})
			for j := 0; j < 22; j++ {
				rs = append(rs, &result.Result{Severity: result.Info, Message: fmt.Sprintf("info %d", j)})
			}
		}
		if i%10 == 0 {
			rs = append(rs, warning("b", fmt.Sprintf("source %q has no mirror other than itself", fmt.Sprint(i))))
		}
	}
	out := result.FoldWarnings(rs)
	var kept, folded, others int
	var fold *result.Result
	for _, r := range out {
		switch {
		case r.Severity != result.Warning:
			others++
		case strings.Contains(r.Message, "more warnings"):
			folded++
			fold = r
		case strings.Contains(r.Message, "disagree"):
			kept++
		}
	}
	if kept != result.MaxWarningsOfAKind || folded != 1 || others != 23 || len(out) != result.MaxWarningsOfAKind+1+3+23 {
		t.Fatalf("kept %d, folded %d, others %d, %d results; want %d, 1, 23 and %d", kept, folded, others, len(out), result.MaxWarningsOfAKind, result.MaxWarningsOfAKind+1+3+23)
	}
	want := `5 more warnings of this kind, not listed (25 in all): ImageDigestMirrorSet … in … the lists for source … disagree; the node tries …; the first about ImageDigestMirrorSet "a-6", ImageDigestMirrorSet "a-0", ImageDigestMirrorSet "a-1", ImageDigestMirrorSet "a-2", ImageDigestMirrorSet "a-3"`
	if fold.Message != want || fold.ResourceRef != nil {
		t.Errorf("folded into %q (%v); want %q", fold.Message, fold.ResourceRef, want)
	}
	// The fold takes the place of the first warning it counts.
	for i, r := range out {
		if r == fold && !strings.Contains(out[i-1].Message, "r19\"") {
			t.Errorf("the fold follows %q; want it after the 20th", out[i-1].Message)
		}
	}
}

func TestFoldWarningsFewLeavesAll(t *testing.T) {
	t.Parallel()
	var rs result.Results
	for i := 0; i < result.MaxWarningsOfAKind; i++ {
		rs = append(rs, warning(fmt.Sprint("x", i), fmt.Sprintf("source %q is listed twice", fmt.Sprint(i))))
	}
	if out := result.FoldWarnings(rs); len(out) != len(rs) {
		t.Errorf("%d warnings of one kind became %d results", len(rs), len(out))
	}
}
