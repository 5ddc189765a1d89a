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
  imagePullCheck: error
`, Config{DefaultMirrorSourcePolicy: mirror.NeverContactSource, TagMirrors: true, KeepICSP: true, OnPolicyConflict: ConflictStricter, Layout: LayoutPerRegistry, ImagePullCheck: ImagePullError}, ""},
		{"configmap without data", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", Default(), ""},
		{"typed", `apiVersion: fn.kpt.dev/v1alpha1
kind: MirrorSetConfig
metadata: {name: c}
defaultMirrorSourcePolicy: AllowContactingSource
tagMirrors: true
imagePullCheck: "off"
`, Config{DefaultMirrorSourcePolicy: mirror.AllowContactingSource, TagMirrors: true, Consolidate: true, OnPolicyConflict: ConflictError, Layout: LayoutPreserve, ImagePullCheck: ImagePullOff}, ""},
		{"bad image pull check", "apiVersion: v1\nkind: ConfigMap\ndata:\n  imagePullCheck: Error\n", Config{}, `data.imagePullCheck: "Error" is not allowed (did you mean error?); use warning, error or off`},
		{"image pull check a number", "apiVersion: fn.kpt.dev/v1alpha1\nkind: MirrorSetConfig\nimagePullCheck: 0\n", Config{}, `imagePullCheck: "0" is not allowed; use warning, error or off`},
		// YAML 1.2 reads a plain off as a string, as a person means it.
		{"image pull check off unquoted", "apiVersion: fn.kpt.dev/v1alpha1\nkind: MirrorSetConfig\nimagePullCheck: off\n", Config{Consolidate: true, OnPolicyConflict: ConflictError, Layout: LayoutPreserve, ImagePullCheck: ImagePullOff}, ""},
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
