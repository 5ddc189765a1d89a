package registriesconf

import (
	"testing"

	"github.com/containers/image/v5/pkg/sysregistriesv2"
)

// TestRegistryIndexOddWildcards covers the wildcards with a port, a path or
// an '@', which containers/image refuses to load, so that FindRegistry
// cannot be asked about them: the index matches them one by one with
// matchingPrefix, compared here with a scan of every entry in order, as
// findRegistryWithParsedConfig makes.
func TestRegistryIndexOddWildcards(t *testing.T) {
	t.Parallel()
	var regs []sysregistriesv2.Registry
	for _, p := range []string{"*.example.com", "*.example.com/ns", "*.example.com:5000", "*.x@y", "a.example.com", "a.example.com/ns"} {
		regs = append(regs, sysregistriesv2.Registry{Prefix: p})
	}
	x := newRegistryIndex(regs)
	for _, ref := range []string{"a.example.com/ns/r", "b.example.com/ns/r", "b.example.com:5000/r", "q.x@y/z", "a.example.com:5000/r", "b.example.com/nsx", "c.example.com"} {
		var want *sysregistriesv2.Registry
		for i := range regs {
			if matchingPrefix(ref, regs[i].Prefix) >= 0 && (want == nil || len(regs[i].Prefix) > len(want.Prefix)) {
				want = &regs[i]
			}
		}
		got := x.find(ref)
		if (got == nil) != (want == nil) || got != nil && got.Prefix != want.Prefix {
			t.Errorf("find(%q) = %v, want %v", ref, got, want)
		}
	}
}

func TestBelow(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ref, prefix string
		want        bool
	}{
		{"quay.io", "quay.io", true},
		{"quay.io/a/b", "quay.io", true},
		{"quay.io:5000/a", "quay.io", false},
		{"quay.io/ns/a", "quay.io/ns", true},
		{"quay.io/nsx/a", "quay.io/ns", false}, // not matched at all
		{"a.example.org/x", "*.example.org", true},
		{"a.example.org", "*.example.org", true},
		{"a.example.org:5000/x", "*.example.org", false},
		{"b.a.example.org/x", "*.example.org", true},
	} {
		end, got := Below(tt.ref, tt.prefix)
		if got != tt.want || end != matchingPrefix(tt.ref, tt.prefix) {
			t.Errorf("Below(%q, %q) = %d, %v; want %d, %v", tt.ref, tt.prefix, end, got, matchingPrefix(tt.ref, tt.prefix), tt.want)
		}
	}
}
