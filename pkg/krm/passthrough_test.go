package krm_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/krm"
	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// unownedItems are items mirrorset must never touch, each with comments in
// a different place and text that looks like a mirror object.
var unownedItems = []string{
	`apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-%d # line comment
data:
  # head comment
  text: |
    kind: ImageContentSourcePolicy
    - source: quay.io/a
`,
	`# before everything
apiVersion: apps/v1
kind: Deployment
metadata:
  name: deploy-%d
spec:
  replicas: 3 # three
  template:
    spec:
      containers:
      - name: c
        image: quay.io/a/b@sha256:0123456789012345678901234567890123456789012345678901234567890123
`,
	`apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: local-%d
  annotations:
    config.kubernetes.io/local-config: "true"
spec:
  repositoryDigestMirrors:
  - source: quay.io/local
    mirrors: [m.example.com/local] # kept as is
`,
	`apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: pkg-%d
  annotations:
    config.kubernetes.io/local-config: "true"
pipeline:
  mutators:
  - image: localhost/mirrorset:dev # the function
`,
}

var ownedItems = []string{
	`apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: icsp-%d
spec:
  repositoryDigestMirrors:
  - source: quay.io/shared
    mirrors:
    - m%d.example.com/shared
`,
	`apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: idms-%d
spec:
  imageDigestMirrors:
  - source: quay.io/shared
    mirrors:
    - n%d.example.com/shared
`,
}

// TestUnownedItemsPassThrough mixes owned and unowned items at random and
// checks that every unowned item comes out with the same data and comments,
// in the same order relative to the others.
func TestUnownedItemsPassThrough(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(3))
	configs := []string{"", "tagMirrors: \"true\"", "layout: per-registry", "keepICSP: \"true\"", "consolidate: \"false\""}
	for i := 0; i < 60; i++ {
		var in strings.Builder
		in.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
		var want []string
		for j := 0; j < 2+rng.Intn(8); j++ {
			var item string
			if rng.Intn(2) == 0 {
				item = fmt.Sprintf(unownedItems[rng.Intn(len(unownedItems))], j)
				want = append(want, normalize(t, item))
			} else {
				item = fmt.Sprintf(ownedItems[rng.Intn(len(ownedItems))], j, j)
			}
			in.WriteString(indentItem(item))
		}
		if cfg := configs[rng.Intn(len(configs))]; cfg != "" {
			in.WriteString("functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data:\n    " + cfg + "\n")
		}
		var out, stderr bytes.Buffer
		if code := krm.Run(strings.NewReader(in.String()), &out, &stderr); code != 0 {
			t.Fatalf("case %d: exit %d: %s\n%s", i, code, stderr.String(), in.String())
		}
		var got []string
		for _, n := range items(t, out.String()) {
			if _, ok := mirror.KindOf(n.GetApiVersion(), n.GetKind()); ok && n.GetAnnotations()["config.kubernetes.io/local-config"] != "true" {
				continue
			}
			got = append(got, normalize(t, n.MustString()))
		}
		if strings.Join(got, "---\n") != strings.Join(want, "---\n") {
			t.Fatalf("case %d: unowned items changed\n--- input\n%s\n--- got\n%s\n--- want\n%s", i, in.String(), strings.Join(got, "---\n"), strings.Join(want, "---\n"))
		}
	}
}

func indentItem(item string) string {
	lines := strings.Split(strings.TrimSuffix(item, "\n"), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = "- " + lines[i]
		} else {
			lines[i] = "  " + lines[i]
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func items(t *testing.T, rl string) []*yaml.RNode {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(rl), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatalf("output is not a ResourceList: %v\n%s", err, rl)
	}
	return nodes
}

// normalize prints an item the way kyaml does, comments included, so that
// only data, comments and key order count.
func normalize(t *testing.T, item string) string {
	t.Helper()
	n, err := yaml.Parse(item)
	if err != nil {
		t.Fatalf("%v\n%s", err, item)
	}
	return n.MustString()
}
