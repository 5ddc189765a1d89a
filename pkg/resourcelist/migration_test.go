package resourcelist

import (
	"bytes"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// TestPlainAnnotationsAsKyaml: for an item whose path, index and id
// annotations are plain (plainAnnos), prepare and reconcile give what
// kyaml's PreprocessResourcesForInternalAnnotationMigration and
// ReconcileInternalAnnotations give, whatever a function then does to the
// annotations.
func TestPlainAnnotationsAsKyaml(t *testing.T) {
	t.Parallel()
	var in bytes.Buffer
	if err := gen.ResourceList(&in, gen.Options{Items: 60, MirrorPercent: 40, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	l, err := Read(bytes.NewReader(in.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	changes := map[string]func(n *yaml.RNode) error{
		"none": func(*yaml.RNode) error { return nil },
		"moved": func(n *yaml.RNode) error {
			a := n.GetAnnotations()
			a[kioutil.IndexAnnotation], a[kioutil.LegacyIndexAnnotation] = "7", "7"
			delete(a, kioutil.IdAnnotation)
			delete(a, kioutil.LegacyIdAnnotation)
			return n.SetAnnotations(a)
		},
		"internal path only": func(n *yaml.RNode) error {
			return n.PipeE(yaml.SetAnnotation(kioutil.PathAnnotation, "elsewhere.yaml"))
		},
		"annotations dropped":       func(n *yaml.RNode) error { return n.SetAnnotations(map[string]string{}) },
		"annotations dropped twice": func(n *yaml.RNode) error { return n.SetAnnotations(map[string]string{}) },
		"new label":                 func(n *yaml.RNode) error { return n.PipeE(yaml.SetLabel("a", "b")) },
	}
	plain := 0
	for _, it := range l.Items {
		if !it.plainAnnos {
			continue
		}
		plain++
		for name, change := range changes {
			run := func(fast bool) (prepared, out string, orig map[string]string, err error) {
				it.plainAnnos = fast
				defer func() { it.plainAnnos = true }()
				n, err := it.Node()
				if err != nil {
					return "", "", nil, err
				}
				prepared, orig = n.MustString(), it.origAnnos
				if err := change(n); err != nil {
					return "", "", nil, err
				}
				if err := l.reconcile(n, it); err != nil {
					return prepared, "", orig, err
				}
				return prepared, n.MustString(), orig, nil
			}
			p1, o1, orig1, err1 := run(true)
			p2, o2, orig2, err2 := run(false)
			if p1 != p2 || o1 != o2 || (err1 == nil) != (err2 == nil) || len(orig1) != len(orig2) {
				t.Fatalf("item %d, %s: prepared\n%s\nwritten\n%s(%v)\nrecorded %v\nkyaml prepares\n%s\nwrites\n%s(%v)\nrecords %v",
					it.Index, name, p1, o1, err1, orig1, p2, o2, err2, orig2)
			}
			for k, v := range orig2 {
				if orig1[k] != v {
					t.Fatalf("item %d: recorded %v, kyaml records %v", it.Index, orig1, orig2)
				}
			}
		}
	}
	if plain < 30 {
		t.Errorf("only %d items have plain annotations", plain)
	}
}
