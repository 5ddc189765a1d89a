package hypershift

import (
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// FuzzConvertConfig: any config text converts without a panic; what it
// converts into converts into itself, and the documents that are no mirror
// objects come back as they were.
func FuzzConvertConfig(f *testing.F) {
	f.Add("apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata:\n  name: a\nspec:\n  repositoryDigestMirrors:\n  - source: quay.io/a\n    mirrors: [m.example.com/a, m.example.com/a]\n---\nkind: KubeletConfig\n")
	f.Add("--- # c\n---\nkind: MachineConfig\n...\n")
	f.Add("apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {name: x}\nspec: {imageDigestMirrors: [{source: '*.a.io', mirrors: [b.io]}, {source: '*.a.io', mirrors: [c.io]}]}\n")
	f.Fuzz(func(t *testing.T, text string) {
		cfg := config.Default()
		c := ParseConfig(text)
		out := c.Convert(cfg, nil)
		if !out.Changed {
			if out.Text != text {
				t.Fatalf("unchanged, but the text differs:\n%q\n%q", out.Text, text)
			}
			return
		}
		if result.Failed(out.Results) {
			t.Fatalf("changed despite errors: %v", out.Results)
		}
		again := ParseConfig(out.Text).Convert(cfg, nil)
		if again.Changed || result.Failed(again.Results) {
			t.Fatalf("its own output changed again (errors: %v):\n%s\n---- became\n%s", result.Failed(again.Results), out.Text, again.Text)
		}
		for _, d := range c.docs {
			if d.node == nil && strings.TrimSpace(d.body) != "" && !strings.Contains(out.Text, d.body) {
				t.Fatalf("document %q is gone from the output:\n%s", d.body, out.Text)
			}
		}
	})
}
