package clusterinstall_test

import (
	"reflect"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/clusterinstall"
	"github.com/mirrorset/mirrorset/pkg/config"
)

// FuzzCheckOverride: any string gets results without a panic, and the
// same results twice.
func FuzzCheckOverride(f *testing.F) {
	for _, s := range []string{
		`{"imageDigestSources":[{"source":"quay.io/a","mirrors":["m.example.com/a"],"sourcePolicy":"NeverContactSource"}]}`,
		`{"imageContentSources":[{"source":"*.a.io","mirrors":["m.example.com/a","m.example.com/a"]}],"imageDigestSources":null}`,
		`{"imageDigestSources":{"source":1}}`,
		`{"imageContentSources":[null,3,{"mirrors":[[]]}]}`,
		"{\n", `[]`, `""`,
	} {
		f.Add(s)
	}
	cfg := config.Default()
	f.Fuzz(func(t *testing.T, s string) {
		o := clusterinstall.Override{Field: "spec.installConfigOverrides", Value: s}
		a := clusterinstall.CheckOverride(o, "x", cfg)
		b := clusterinstall.CheckOverride(o, "x", cfg)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("two runs differ:\n%v\n%v", a, b)
		}
	})
}
