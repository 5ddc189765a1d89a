package mirror

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// sameNodes reports where a and b differ in anything the encoder or a
// reader sees.
func sameNodes(a, b *yaml.Node, path string) error {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Style != b.Style || a.Anchor != b.Anchor ||
		a.HeadComment != b.HeadComment || a.LineComment != b.LineComment || a.FootComment != b.FootComment || len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: %+v and %+v differ", path, *a, *b)
	}
	for i := range a.Content {
		if err := sameNodes(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); err != nil {
			return err
		}
	}
	return nil
}

// TestConvertNodeAsByFields: ConvertNode builds the tree that kyaml's
// SetField builds (convertNodeByFields), for every ICSP of the KRM golden
// inputs and for metadata in the forms it handles otherwise.
func TestConvertNodeAsByFields(t *testing.T) {
	t.Parallel()
	var objs []*yaml.RNode
	paths, _ := filepath.Glob("../krm/testdata/golden/*/input.yaml")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rl, err := (&kio.ByteReader{Reader: strings.NewReader(string(b))}).Read()
		if err != nil {
			continue
		}
		objs = append(objs, rl...)
	}
	for _, doc := range []string{
		"apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata:\n  name: a # the name\n  uid: x\n  namespace: ns\n  resourceVersion: \"1\"\n  labels:\n    l: v\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{}'\n    keep: 'yes'\nspec:\n  repositoryDigestMirrors:\n  - source: quay.io/a\n    mirrors: [m.example.com/a]\n",
		"apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata:\n  name: b\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{}'\n",
		"apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata:\n  name: c\n  finalizers: [x]\n  finalizers: [y]\n",
		"apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata: ~\n",
		"apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\n",
		"apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata: {name: d, annotations: {}}\n",
	} {
		n, err := yaml.Parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, n)
	}
	entries := [][]Entry{nil, {{Source: "quay.io/a", Mirrors: []string{"m.example.com/a", "true"}, Policy: NeverContactSource}}, {{Source: "yes"}}}
	compared := 0
	for _, o := range objs {
		if o.GetKind() != string(ICSP) {
			continue
		}
		for _, k := range []Kind{IDMS, ITMS} {
			for _, es := range entries {
				got, err1 := ConvertNode(o.Copy(), k, es)
				want, err2 := convertNodeByFields(o.Copy(), k, es)
				if (err1 == nil) != (err2 == nil) {
					t.Fatalf("%s: errors %v and %v", o.MustString(), err1, err2)
				}
				if err1 != nil {
					continue
				}
				if err := sameNodes(got.YNode(), want.YNode(), ""); err != nil {
					t.Fatalf("%s as %s: %v\n%s\n%s", o.MustString(), k, err, got.MustString(), want.MustString())
				}
				compared++
			}
		}
	}
	if compared < 60 {
		t.Errorf("only %d conversions compared", compared)
	}
}
