package check

import (
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

func TestSourcesAndMirrors(t *testing.T) {
	tests := []struct {
		value        string
		source, mirr bool
		why          string // part of the diagnosis when invalid as a source
	}{
		{"quay.io", true, true, ""},
		{"quay.io/openshift-release-dev/ocp-release", true, true, ""},
		{"registry.example.com:5000/ocp4/openshift4", true, true, ""},
		{"localhost/a__b/c-d/e.f", true, true, ""},
		{"Registry.Example.com/lower", true, true, ""},
		{"*.example.com", true, false, ""},
		{"quay.io/a:latest", false, false, `has a tag (":latest")`},
		{"quay.io/a@sha256:0123", false, false, "has a digest"},
		{"quay.io/Acme/app", false, false, "upper-case"},
		{"quay.io/a/", false, false, "ends with /"},
		{"*", false, false, "needs a domain"},
		{"*.example.com/ns", false, false, "no path"},
		{"*.example.com:5000", false, false, "no port"},
		{"[::1]:5000/a", false, false, "IPv6"},
		{"", false, false, "empty"},
		{"https://quay.io/a", false, false, "scheme"},
		{"my_registry.io/a", false, false, "contains _"},
		{"quay.io/a b", false, false, "white space"},
		{"-bad.io/a", false, false, "does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			if got := ValidSource(tt.value); got != tt.source {
				t.Errorf("ValidSource = %v, want %v", got, tt.source)
			}
			if got := ValidMirror(tt.value); got != tt.mirr {
				t.Errorf("ValidMirror = %v, want %v", got, tt.mirr)
			}
			why := invalidSource(tt.value)
			if (why == "") != tt.source {
				t.Errorf("invalidSource = %q, but ValidSource = %v", why, tt.source)
			}
			if !strings.Contains(why, tt.why) {
				t.Errorf("invalidSource = %q, want it to say %q", why, tt.why)
			}
			if (invalidMirror(tt.value) == "") != tt.mirr {
				t.Errorf("invalidMirror = %q, but ValidMirror = %v", invalidMirror(tt.value), tt.mirr)
			}
		})
	}
}

func TestMCO(t *testing.T) {
	idms := func(name string, es ...mirror.Entry) mirror.Set {
		return mirror.Set{Kind: mirror.IDMS, Name: name, Entries: es}
	}
	icsp := func(es ...mirror.Entry) mirror.Set { return mirror.Set{Kind: mirror.ICSP, Entries: es} }
	itms := func(es ...mirror.Entry) mirror.Set { return mirror.Set{Kind: mirror.ITMS, Entries: es} }
	never, allow := mirror.NeverContactSource, mirror.AllowContactingSource
	tests := []struct {
		name string
		sets []mirror.Set
		want string
	}{
		{"valid", []mirror.Set{idms("a", mirror.Entry{Source: "quay.io/a", Mirrors: []string{"m.io/a"}, Policy: never})}, ""},
		{"bad source", []mirror.Set{idms("a", mirror.Entry{Source: "quay.io/a:1"})}, `invalid format for source "quay.io/a:1"`},
		{"bad mirror", []mirror.Set{idms("a", mirror.Entry{Source: "quay.io/a", Mirrors: []string{"M.io/A"}})}, `invalid format for mirror "M.io/A"`},
		{"none counts as allow", []mirror.Set{
			idms("a", mirror.Entry{Source: "quay.io/a", Policy: allow}),
			itms(mirror.Entry{Source: "quay.io/a"}),
		}, ""},
		{"conflict across kinds", []mirror.Set{
			itms(mirror.Entry{Source: "quay.io/a", Policy: never}),
			icsp(mirror.Entry{Source: "quay.io/a"}),
		}, `conflicting mirrorSourcePolicy is set for the same source "quay.io/a"`},
		{"never with the source as mirror", []mirror.Set{idms("a", mirror.Entry{Source: "quay.io/a", Mirrors: []string{"quay.io/a"}, Policy: never})},
			`cannot set mirrorSourcePolicy: NeverContactSource if the source "quay.io/a" is one of the mirrors`},
		// The MCO checks IDMS (with the ICSPs) before ITMS: the first error wins.
		{"order of checks", []mirror.Set{
			itms(mirror.Entry{Source: "bad:source"}),
			icsp(mirror.Entry{Source: "quay.io/a", Mirrors: []string{"m.io/Bad"}}),
		}, `invalid format for mirror "m.io/Bad"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := MCO(tt.sets)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("MCO() = %q, want %q", got, tt.want)
			}
		})
	}
}
