package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFieldOfFlag(t *testing.T) {
	t.Parallel()
	for flag, want := range map[string]string{
		"layout":                       "layout",
		"tag-mirrors":                  "tagMirrors",
		"keep-icsp":                    "keepICSP",
		"default-mirror-source-policy": "defaultMirrorSourcePolicy",
		"on-policy-conflict":           "onPolicyConflict",
	} {
		if got := FieldOfFlag(flag); got != want {
			t.Errorf("FieldOfFlag(%q) = %q, want %q", flag, got, want)
		}
	}
}

func TestFromFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cm := file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  tagMirrors: \"true\"\n  layout: per-registry\n")
	typed := file("typed.yaml", "apiVersion: fn.kpt.dev/v1alpha1\nkind: MirrorSetConfig\nmetadata: {name: c}\nkeepICSP: true\n")
	bad := file("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  layout: sideways\n")
	broken := file("broken.yaml", "a: [\n")
	tests := []struct {
		name    string
		file    string
		fields  map[string]string
		want    map[string]string // the ConfigMap's data; nil for no functionConfig
		wantErr string
	}{
		{name: "nothing"},
		{name: "flags only", fields: map[string]string{"keepICSP": "true"}, want: map[string]string{"keepICSP": "true"}},
		{name: "a ConfigMap file", file: cm, want: map[string]string{"tagMirrors": "true", "layout": "per-registry"}},
		{name: "a flag over the file", file: cm, fields: map[string]string{"layout": "preserve"}, want: map[string]string{"tagMirrors": "true", "layout": "preserve"}},
		{name: "a MirrorSetConfig file", file: typed, fields: map[string]string{"consolidate": "false"}, want: map[string]string{"keepICSP": "true", "consolidate": "false"}},
		{name: "a bad flag is named as a flag", fields: map[string]string{"keepICSP": "maybe"}, wantErr: "--keep-icsp: "},
		{name: "a bad file is named", file: bad, wantErr: bad + ": functionConfig: data.layout: "},
		{name: "a file that does not parse", file: broken, wantErr: broken + ": "},
		{name: "a missing file", file: filepath.Join(dir, "none.yaml"), wantErr: "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n, err := FromFlags(tc.file, tc.fields)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				if n != nil {
					t.Fatalf("got a functionConfig for nothing:\n%s", n.MustString())
				}
				return
			}
			if n.GetKind() != "ConfigMap" {
				t.Fatalf("kind %q, want ConfigMap", n.GetKind())
			}
			got := n.GetDataMap()
			if len(got) != len(tc.want) {
				t.Fatalf("data %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("data %v, want %v", got, tc.want)
				}
			}
			if _, err := Parse(n); err != nil {
				t.Errorf("the result does not parse: %v", err)
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	t.Parallel()
	if n, err := ReadFile(""); n != nil || err != nil {
		t.Errorf("ReadFile(\"\") = %v, %v; want nil, nil", n, err)
	}
	p := filepath.Join(t.TempDir(), "typed.yaml")
	if err := os.WriteFile(p, []byte("apiVersion: fn.kpt.dev/v1alpha1\nkind: MirrorSetConfig\nmetadata: {name: c}\nlayout: per-registry\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// The file's own object, not a ConfigMap made of it.
	if n.GetKind() != Kind {
		t.Errorf("kind %q, want %q", n.GetKind(), Kind)
	}
	c, err := Parse(n)
	if err != nil || c.Layout != LayoutPerRegistry {
		t.Errorf("Parse = %+v, %v; want layout %s", c, err, LayoutPerRegistry)
	}
}
