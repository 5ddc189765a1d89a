package clusterinstall_test

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/clusterinstall"
	"github.com/mirrorset/mirrorset/pkg/config"
)

func TestCheckOverride(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, value string
		want        []string // each result, "severity: message without where"
	}{
		{"empty", "  ", nil},
		{"no mirror fields", `{"fips":true}`, nil},
		{"good digest sources", `{"imageDigestSources":[{"source":"quay.io/a","mirrors":["m.example.com/a"]}]}`, nil},
		// encoding/json keeps the last of repeated keys, as the cluster reads it.
		{"repeated key, last wins", `{"imageDigestSources":[{"source":"quay.io/a","mirrors":["BAD:x"]}],"imageDigestSources":[]}`, nil},
		{"content sources", `{"imageContentSources":[{"source":"quay.io/a","mirrors":["m.example.com/a"]}]}`,
			[]string{"warning: imageContentSources: deprecated; move the entries to imageDigestSources"}},
		{"not an object", `"x"`, []string{"error: must be a JSON object of install-config fields, got a string"}},
		{"invalid", "{\n\"a\": }", []string{"error: not valid JSON (siteconfig and assisted-service refuse it): line 2 of the value"}},
		{"mirrors not a list", `{"imageDigestSources":[{"source":"quay.io/a","mirrors":"m.example.com/a"}]}`,
			[]string{"error: imageDigestSources[0]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			const where = "x.yaml: ClusterInstance"
			rs := clusterinstall.CheckOverride(clusterinstall.Override{Field: "spec.installConfigOverrides", Value: c.value}, where, config.Default())
			if len(rs) != len(c.want) {
				t.Fatalf("got %d results, want %d: %v", len(rs), len(c.want), rs)
			}
			for i, r := range rs {
				got := string(r.Severity) + ": " + strings.TrimPrefix(r.Message, where+": spec.installConfigOverrides: ")
				if !strings.HasPrefix(got, c.want[i]) {
					t.Errorf("result %d:\ngot  %s\nwant %s...", i, got, c.want[i])
				}
			}
		})
	}
}

func TestMirrorRegistryRef(t *testing.T) {
	t.Parallel()
	cases := []struct {
		doc, name, namespace string
		ok                   bool
	}{
		{"kind: AgentServiceConfig\nspec:\n  mirrorRegistryRef:\n    name: m\n    namespace: ignored\n", "m", "", true},
		{"kind: InfraEnv\nspec:\n  mirrorRegistryRef:\n    name: m\n    namespace: ns\n", "m", "ns", true},
		{"kind: AgentClusterInstall\nspec:\n  mirrorRegistryRef: {name: ''}\n", "", "", false},
		{"kind: InfraEnv\nspec: {}\n", "", "", false},
	}
	for _, c := range cases {
		n := yaml.MustParse(c.doc)
		name, ns, ok := clusterinstall.MirrorRegistryRef(n)
		if name != c.name || ns != c.namespace || ok != c.ok {
			t.Errorf("%q: got %q %q %v, want %q %q %v", c.doc, name, ns, ok, c.name, c.namespace, c.ok)
		}
	}
}
