package examples_test

import (
	"strings"
	"testing"
)

// catalogWarning is the start of what mirrorset says of the example
// CatalogSource: pulled by tag from a source that NeverContactSource blocks
// and that only digest mirrors serve.
const catalogWarning = `CatalogSource "redhat-operators"`

// wantCatalogWarning checks that text (a function's stderr, or its results)
// carries the warning about the example CatalogSource, with its field, the
// reason and the fix.
func wantCatalogWarning(t *testing.T, what, text string) {
	t.Helper()
	for _, want := range []string{catalogWarning, "spec.image", "registry.redhat.io/redhat/redhat-operator-index:v4.16", "it cannot be pulled", "add an ImageTagMirrorSet entry for registry.redhat.io/redhat"} {
		if !strings.Contains(text, want) {
			t.Errorf("%s does not say %q:\n%s", what, want, text)
		}
	}
}
