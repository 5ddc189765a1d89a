package krm_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/krm"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/resourcelist"
)

// checkDecodeStrings holds decodeStrings to the tree's reading (Tree,
// mirror.Decode, intern, the local-config annotation) on every mirror
// object of a list: where it reads one, it reads what the tree gives, and
// it reads none that Decode warns of or refuses.
func checkDecodeStrings(t *testing.T, in []byte) (read int) {
	t.Helper()
	l, err := resourcelist.Read(bytes.NewReader(in))
	if err != nil {
		return 0
	}
	for i, it := range l.Items {
		k, ok := mirror.KindOf(it.APIVersion, it.Kind)
		if !ok {
			continue
		}
		got, gotLocal, ok, err := krm.DecodeStrings(it, k, i)
		if err != nil {
			t.Fatal(err)
		}
		n, terr := it.Tree()
		if terr != nil {
			if ok {
				t.Fatalf("item %d: decodeStrings read it, the tree fails: %v\n%s", i, terr, it.Raw())
			}
			continue
		}
		want, warnings, derr := mirror.Decode(n, i)
		if !ok {
			continue
		}
		read++
		if derr != nil || len(warnings) > 0 {
			t.Fatalf("item %d: decodeStrings read it, Decode says %v %v\n%s", i, derr, warnings, it.Raw())
		}
		krm.Intern(want)
		if wantLocal := krm.LocalConfig(n); gotLocal != wantLocal {
			t.Fatalf("item %d: local config %v, the tree says %v", i, gotLocal, wantLocal)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("item %d: decodeStrings read\n%#v\nDecode\n%#v\n%s", i, got, want, it.Raw())
		}
	}
	return read
}

func decodeInputs(t testing.TB) map[string][]byte {
	in := goldenInputs(t)
	for name, b := range generatedInputs(t) {
		in[name] = b
	}
	for name, s := range trickyInputs {
		in["tricky/"+name] = []byte(s)
	}
	in["forms"] = []byte(decodeForms)
	return in
}

// decodeForms are mirror objects in forms that Decode reads with a word,
// or otherwise than their lines say at a glance.
const decodeForms = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: operator.openshift.io/v1alpha1
  kind: ImageContentSourcePolicy
  metadata:
    name: plain
    annotations:
      config.kubernetes.io/local-config: "true"
  spec:
    repositoryDigestMirrors:
    - source: quay.io/a
- apiVersion: config.openshift.io/v1
  kind: ImageDigestMirrorSet
  metadata:
    name: 'quoted'
    annotations:
      config.kubernetes.io/path: "a.yaml"
      config.kubernetes.io/index: '3'
  spec:
    imageDigestMirrors:
    - mirrors:
      - "m.example.com/a"
      mirrorSourcePolicy: NeverContactSource
      source: quay.io/a
    other: x
  status:
    x: y
- apiVersion: operator.openshift.io/v1alpha1
  kind: ImageContentSourcePolicy
  metadata:
    name: icsp-policy
  spec:
    repositoryDigestMirrors:
    - source: quay.io/a
      mirrorSourcePolicy: NeverContactSource
- apiVersion: config.openshift.io/v1
  kind: ImageTagMirrorSet
  metadata:
    name: unknown
  spec:
    imageTagMirrors:
    - source: quay.io/a
      mirror: m.example.com/a
- apiVersion: config.openshift.io/v1
  kind: ImageTagMirrorSet
  metadata:
    name: no-source
  spec:
    imageTagMirrors:
    - mirrors:
      - m.example.com/a
- apiVersion: config.openshift.io/v1
  kind: ImageTagMirrorSet
  metadata:
    name: spec-list
  spec:
  - imageTagMirrors: x
- apiVersion: config.openshift.io/v1
  kind: ImageTagMirrorSet
  metadata:
    name: scalar-mirrors
  spec:
    imageTagMirrors:
    - source: quay.io/a
      mirrors: m.example.com/a
- apiVersion: config.openshift.io/v1
  kind: ImageTagMirrorSet
  metadata:
    name: scalar-entry
  spec:
    imageTagMirrors:
    - quay.io/a
- apiVersion: config.openshift.io/v1
  kind: ImageTagMirrorSet
  metadata:
    name: nested-mirror
  spec:
    imageTagMirrors:
    - source: quay.io/a
      mirrors:
      - m: x
- apiVersion: config.openshift.io/v1
  kind: ImageTagMirrorSet
  metadata:
    annotations:
      a: b
  spec:
    imageTagMirrors:
    - source: quay.io/a
`

func TestDecodeStringsMatchesTree(t *testing.T) {
	t.Parallel()
	total := 0
	for name, in := range decodeInputs(t) {
		read := checkDecodeStrings(t, in)
		if name == "forms" && read != 2 {
			t.Errorf("forms: decodeStrings read %d objects; want the first 2", read)
		}
		if strings.HasPrefix(name, "generated/default/40-") && read == 0 {
			t.Errorf("%s: decodeStrings read no object", name)
		}
		total += read
	}
	if total < 100 {
		t.Errorf("decodeStrings read only %d objects", total)
	}
}

func FuzzDecodeStrings(f *testing.F) {
	for _, in := range decodeInputs(f) {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !strings.HasPrefix(string(in), "apiVersion") {
			in = append([]byte("apiVersion: v1\nkind: ResourceList\nitems:\n"), in...)
		}
		checkDecodeStrings(t, in)
	})
}
