package config

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		want    Config
		wantErr string
	}{
		{"none", "", Default(), ""},
		{"configmap", `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  defaultMirrorSourcePolicy: NeverContactSource
  tagMirrors: "true"
  consolidate: "false"
  keepICSP: "true"
  onPolicyConflict: stricter
  layout: per-registry
`, Config{DefaultMirrorSourcePolicy: mirror.NeverContactSource, TagMirrors: true, KeepICSP: true, OnPolicyConflict: ConflictStricter, Layout: LayoutPerRegistry}, ""},
		{"configmap without data", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", Default(), ""},
		{"typed", `apiVersion: fn.kpt.dev/v1alpha1
kind: MirrorSetConfig
metadata: {name: c}
defaultMirrorSourcePolicy: AllowContactingSource
tagMirrors: true
`, Config{DefaultMirrorSourcePolicy: mirror.AllowContactingSource, TagMirrors: true, Consolidate: true, OnPolicyConflict: ConflictError, Layout: LayoutPreserve}, ""},
		{"unknown field", "apiVersion: fn.kpt.dev/v1alpha1\nkind: MirrorSetConfig\npolicy: x\n", Config{}, "functionConfig: policy: unknown field; known fields are consolidate, defaultMirrorSourcePolicy"},
		{"bad policy", "apiVersion: v1\nkind: ConfigMap\ndata:\n  defaultMirrorSourcePolicy: Never\n", Config{}, `data.defaultMirrorSourcePolicy: "Never" is not allowed; use NeverContactSource or AllowContactingSource`},
		{"bad bool string", "apiVersion: v1\nkind: ConfigMap\ndata:\n  tagMirrors: \"yes\"\n", Config{}, `data.tagMirrors: "yes" is not allowed; use true or false`},
		{"unquoted bool in a configmap", "apiVersion: v1\nkind: ConfigMap\ndata:\n  tagMirrors: true\n", Config{}, `must be a string in a ConfigMap`},
		{"string bool in typed", "apiVersion: fn.kpt.dev/v1alpha1\nkind: MirrorSetConfig\ntagMirrors: \"true\"\n", Config{}, `functionConfig: tagMirrors: must be true or false, got "true"`},
		{"list value", "apiVersion: fn.kpt.dev/v1alpha1\nkind: MirrorSetConfig\nlayout: [a]\n", Config{}, `functionConfig: layout: must be preserve or per-registry`},
		{"wrong kind", "apiVersion: v1\nkind: Secret\n", Config{}, "kind v1 Secret is not accepted; use a ConfigMap or a fn.kpt.dev/v1alpha1 MirrorSetConfig"},
		{"not a map", "- a\n", Config{}, "must be a ConfigMap or a fn.kpt.dev/v1alpha1 MirrorSetConfig"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var node *yaml.RNode
			if tt.yaml != "" {
				node = yaml.MustParse(tt.yaml)
			}
			got, err := Parse(node)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse() error = %v", err)
			}
			if got != tt.want {
				t.Errorf("Parse() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
