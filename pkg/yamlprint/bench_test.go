package yamlprint_test

import (
	"bytes"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/yamlprint"
)

// benchNode is an ImageDigestMirrorSet as mirrorset writes one, as a list
// item.
func benchNode(b *testing.B) *yaml.Node {
	n, err := yaml.Parse(`apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: team-mirrors
  annotations:
    config.kubernetes.io/path: cluster/icsp.yaml
    config.kubernetes.io/index: '0'
    internal.config.kubernetes.io/path: cluster/icsp.yaml
    internal.config.kubernetes.io/index: '0'
spec:
  imageDigestMirrors:
  - source: registry.example.com/team/app
    mirrors:
    - mirror-a.example.com/team/app
    - mirror-b.example.com:5000/team/app
    mirrorSourcePolicy: NeverContactSource
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - mirror-a.example.com/ocp/release
`)
	if err != nil {
		b.Fatal(err)
	}
	return &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n.YNode()}}
}

func BenchmarkAppend(b *testing.B) {
	n := benchNode(b)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		if buf, ok = yamlprint.Append(buf[:0], n); !ok {
			b.Fatal("not printed")
		}
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkEncoder(b *testing.B) {
	n := benchNode(b)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		e := yaml.NewEncoder(&buf)
		if err := e.Encode(n); err != nil {
			b.Fatal(err)
		}
		if err := e.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
