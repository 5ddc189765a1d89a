// Package check finds what the cluster would refuse in mirror objects, before
// the cluster sees them: the API server's patterns for sources and mirrors,
// and the checks the Machine Config Operator runs before it renders
// registries.conf. MCO repeats the MCO's own check, first error wins, in its
// own words; Sets reports every problem, one per object and field.
package check

import (
	"fmt"
	"strings"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// The API's kubebuilder patterns (config/v1 types_image_digest_mirror_set.go),
// which the MCO uses byte for byte; pattern.go matches them by hand, and
// FuzzChecks holds it to the CRDs' copies.
const (
	mirrorPattern   = `^((?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))+)?(?::[0-9]+)?)(?:(?:/[a-z0-9]+(?:(?:(?:[._]|__|[-]*)[a-z0-9]+)+)?)+)?$`
	wildcardPattern = `^\*(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))+$`
)

// ValidSource reports whether s matches the API's pattern for a source.
func ValidSource(s string) bool { return matchWildcard(s) || matchMirror(s) }

// ValidMirror reports whether s matches the API's pattern for a mirror.
func ValidMirror(s string) bool { return matchMirror(s) }

// IsWildcard reports whether source is a wildcard source, "*.domain".
func IsWildcard(source string) bool { return strings.HasPrefix(source, "*.") }

// MCO returns the first error the Machine Config Operator would return for
// these objects (validateRegistriesConfScopes), in its words, or nil. ICSP
// entries are checked after all IDMS entries, then ITMS, as the MCO does.
func MCO(sets []mirror.Set) error {
	policies := map[string]mirror.Policy{}
	validate := func(e *mirror.Entry) error {
		if !ValidSource(e.Source) {
			return fmt.Errorf("invalid format for source %q", e.Source)
		}
		p := e.Policy
		if p == "" {
			p = mirror.AllowContactingSource
		}
		if seen, ok := policies[e.Source]; ok {
			if seen != p {
				return fmt.Errorf("conflicting mirrorSourcePolicy is set for the same source %q in imagedigestmirrorsets, imagetagmirrorsets, or imagecontentsourcepolicies", e.Source)
			}
		} else {
			policies[e.Source] = p
		}
		for _, m := range e.Mirrors {
			if !ValidMirror(m) {
				return fmt.Errorf("invalid format for mirror %q", m)
			}
			if p == mirror.NeverContactSource && m == e.Source {
				return fmt.Errorf("cannot set mirrorSourcePolicy: NeverContactSource if the source %q is one of the mirrors", e.Source)
			}
		}
		return nil
	}
	for _, kind := range []mirror.Kind{mirror.IDMS, mirror.ICSP, mirror.ITMS} {
		for i := range sets {
			if sets[i].Kind != kind {
				continue
			}
			for j := range sets[i].Entries {
				if err := validate(&sets[i].Entries[j]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
