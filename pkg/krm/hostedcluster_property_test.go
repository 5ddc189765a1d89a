package krm_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/hypershift"
	"github.com/mirrorset/mirrorset/pkg/krm"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// Sources nest and share mirrors on purpose; a mirror sometimes equals its
// source.
var (
	guestSources = []string{"quay.io", "quay.io/acme", "quay.io/acme/app", "registry.redhat.io/rhel9", "*.example.net", "reg.example.com:5000/x"}
	guestMirrors = []string{"m1.example.com/a", "m2.example.com/a", "m3.example.com:5000/b", "quay.io/mirror/a", "quay.io/acme", "m4.example.com/c/d"}
)

// guestList draws a ResourceList with a HostedCluster and a NodePool whose
// config ConfigMap embeds a MachineConfig and an ICSP, all over the same
// sources.
func guestList(rng *rand.Rand) string {
	entries := func(indent string) string {
		var b strings.Builder
		for range rng.IntN(7) {
			src := guestSources[rng.IntN(len(guestSources))]
			fmt.Fprintf(&b, "%s- source: %q\n", indent, src)
			if n := rng.IntN(4); n > 0 {
				fmt.Fprintf(&b, "%s  mirrors:\n", indent)
				for range n {
					m := guestMirrors[rng.IntN(len(guestMirrors))]
					if rng.IntN(8) == 0 {
						m = src
					}
					fmt.Fprintf(&b, "%s  - %q\n", indent, m)
				}
			}
		}
		if b.Len() == 0 {
			return indent + "  []\n"
		}
		return b.String()
	}
	return `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: hypershift.openshift.io/v1beta1
  kind: HostedCluster
  metadata:
    name: guest
    namespace: clusters
  spec:
    imageContentSources:
` + entries("    ") + `- apiVersion: hypershift.openshift.io/v1beta1
  kind: NodePool
  metadata:
    name: workers
    namespace: clusters
  spec:
    clusterName: guest
    config:
    - name: workers-config
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: workers-config
    namespace: clusters
  data:
    config: |
      apiVersion: machineconfiguration.openshift.io/v1
      kind: MachineConfig
      metadata:
        name: 50-other
      ---
      apiVersion: operator.openshift.io/v1alpha1
      kind: ImageContentSourcePolicy
      metadata:
        name: embedded
      spec:
        repositoryDigestMirrors:
` + entries("        ")
}

// guestSets returns what the guest's nodes of the NodePool get from list:
// the HostedCluster's entries as the ImageDigestMirrorSet cluster, and the
// mirror objects embedded in the ConfigMap.
func guestSets(t *testing.T, list string) []mirror.Set {
	t.Helper()
	items, err := (&kio.ByteReader{Reader: strings.NewReader(list)}).Read()
	if err != nil {
		t.Fatal(err)
	}
	var sets []mirror.Set
	for i, n := range items {
		switch n.GetKind() {
		case hypershift.KindHostedCluster:
			hc, _, err := hypershift.Decode(n, i)
			if err != nil {
				t.Fatal(err)
			}
			sets = append(sets, hypershift.Guest(hc))
		case "ConfigMap":
			v, err := n.Pipe(yaml.Lookup("data", "config"))
			if err != nil || v == nil {
				t.Fatalf("no data.config: %v", err)
			}
			for j, doc := range strings.Split(v.YNode().Value, "---\n") {
				d, err := yaml.Parse(doc)
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := mirror.KindOf(d.GetApiVersion(), d.GetKind()); !ok {
					continue
				}
				s, _, err := mirror.Decode(d, j)
				if err != nil {
					t.Fatal(err)
				}
				sets = append(sets, *s)
			}
		}
	}
	return sets
}

// repeats reports whether an entry lists a mirror twice: the HostedCluster
// API refuses that (mirrors is a set), and an ImageDigestMirrorSet cannot
// say it, so the ICSP's conversion may change the node's order (with a
// warning); such inputs are outside the property.
func repeats(sets []mirror.Set) bool {
	for _, s := range sets {
		for _, e := range s.Entries {
			seen := map[string]bool{}
			for _, m := range e.Mirrors {
				if seen[m] {
					return true
				}
				seen[m] = true
			}
		}
	}
	return false
}

// TestGuestRegistriesConfUnchanged: for every generated HostedCluster and
// NodePool config that the MCO accepts, the guest's nodes get the same
// registries.conf, byte for byte, before and after mirrorset's rewrite
// (consolidation of the HostedCluster's entries, the embedded ICSP's
// conversion and consolidation).
func TestGuestRegistriesConfUnchanged(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(12, 2026))
	accepted, changed := 0, 0
	for i := range 1500 {
		in := guestList(rng)
		before := guestSets(t, in)
		want, err := registriesconf.Render(before, registriesconf.Options{})
		if err != nil || repeats(before) {
			continue // the MCO refuses it, or the API does
		}
		accepted++
		var out, stderr bytes.Buffer
		if code := krm.Run(strings.NewReader(in), &out, &stderr); code != 0 {
			t.Fatalf("case %d: the MCO accepts it, but mirrorset exits %d: %s\ninput:\n%s", i, code, stderr.String(), in)
		}
		if out.String() != in {
			changed++
		}
		got, err := registriesconf.Render(guestSets(t, out.String()), registriesconf.Options{})
		if err != nil {
			t.Fatalf("case %d: the output does not render: %v\noutput:\n%s", i, err, out.String())
		}
		if !bytes.Equal(got.Conf, want.Conf) {
			t.Fatalf("case %d: the guest's registries.conf changed:\nbefore:\n%s\nafter:\n%s\ninput:\n%s\noutput:\n%s", i, want.Conf, got.Conf, in, out.String())
		}
	}
	if accepted < 500 || changed < accepted/2 {
		t.Fatalf("only %d accepted inputs, %d of them rewritten: the generator no longer tests the property", accepted, changed)
	}
	t.Logf("%d accepted inputs, %d rewritten", accepted, changed)
}
