package result_test

import (
	"fmt"

	"github.com/mirrorset/mirrorset/pkg/result"
)

// FoldWarnings keeps MaxWarningsOfAKind warnings of each kind and counts
// the rest in one.
func ExampleFoldWarnings() {
	var rs result.Results
	for i := 0; i < result.MaxWarningsOfAKind+3; i++ {
		rs = append(rs, &result.Result{Severity: result.Warning,
			Message:     fmt.Sprintf("ImageDigestMirrorSet \"set-%d\": source \"quay.io/app-%d\" has no mirror other than itself", i, i),
			ResourceRef: &result.ResourceRef{Kind: "ImageDigestMirrorSet", Name: fmt.Sprint("set-", i)}})
	}
	out := result.FoldWarnings(rs)
	fmt.Println(len(out))
	fmt.Println(out[len(out)-1].Message)
	// Output:
	// 21
	// 3 more warnings of this kind, not listed (23 in all): ImageDigestMirrorSet … source … has no mirror other than itself; the first about ImageDigestMirrorSet "set-20", ImageDigestMirrorSet "set-21", ImageDigestMirrorSet "set-22"
}
