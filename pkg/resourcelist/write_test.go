package resourcelist

import (
	"bytes"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestEncodeIsTheEncoders checks that Writer.encode prints as kyaml's
// encoder does, with yamlprint where it can and the encoder where it
// cannot (anchors, aliases, comments in flow style, kept tags).
func TestEncodeIsTheEncoders(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n  - source: a.example.com/x\n    mirrors:\n    - m.example.com/x\n    mirrorSourcePolicy: NeverContactSource\n",
		"metadata:\n  annotations:\n    a: 'true'\n    b: \"012\"\n    c: |\n      text\n",
		"# head\nkind: ImageContentSourcePolicy # line\nspec:\n  repositoryDigestMirrors:\n  # before the item\n  - source: x\n\n    mirrors: [a, b]\n",
		"a: &x 1\nb: *x\nc: !custom v\nd: !!str 1\n",
		"data: {}\nlist: []\n",
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(in), &doc); err != nil {
			t.Fatal(err)
		}
		for _, n := range []*yaml.Node{doc.Content[0], seqOf(doc.Content[0])} {
			var want bytes.Buffer
			e := yaml.NewEncoder(&want)
			if err := e.Encode(n); err != nil {
				t.Fatal(err)
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			w := &Writer{enc: []byte("left from before")}
			if err := w.encode(n); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(w.enc, want.Bytes()) {
				t.Errorf("encode printed\n%s\nthe encoder\n%s", w.enc, want.Bytes())
			}
		}
	}
}
