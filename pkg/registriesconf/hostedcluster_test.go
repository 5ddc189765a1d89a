package registriesconf_test

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// The guest's nodes get what HyperShift makes of a HostedCluster: its
// imageContentSources as the ImageDigestMirrorSet cluster and its
// spec.configuration.image as the Image cluster. Rendering the HostedCluster
// must give the bytes that rendering those two objects gives.
const hostedCluster = `apiVersion: hypershift.openshift.io/v1beta1
kind: HostedCluster
metadata:
  name: guest
  namespace: clusters
spec:
  configuration:
    image:
      registrySources:
        blockedRegistries: [untrusted.example.com]
  imageContentSources:
  - source: quay.io/acme/app
    mirrors: [b.example.com/acme/app, c.example.com/acme/app]
  - source: quay.io/acme/app
    mirrors: [a.example.com/acme/app, b.example.com/acme/app]
  - source: "*.example.net"
    mirrors: [mirror.example.com/net]
`

const guestObjects = `apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: cluster
spec:
  imageDigestMirrors:
  - source: quay.io/acme/app
    mirrors: [b.example.com/acme/app, c.example.com/acme/app]
  - source: quay.io/acme/app
    mirrors: [a.example.com/acme/app, b.example.com/acme/app]
  - source: "*.example.net"
    mirrors: [mirror.example.com/net]
---
apiVersion: config.openshift.io/v1
kind: Image
metadata:
  name: cluster
spec:
  registrySources:
    blockedRegistries: [untrusted.example.com]
`

func readString(t *testing.T, s string) *registriesconf.Input {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(s)}).Read()
	if err != nil {
		t.Fatal(err)
	}
	in, err := registriesconf.ReadInput(nodes)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestHostedClusterRendersAsItsGuest(t *testing.T) {
	t.Parallel()
	render := func(in *registriesconf.Input) string {
		res, err := registriesconf.Render(in.Sets, registriesconf.Options{Image: in.Image})
		if err != nil {
			t.Fatal(err)
		}
		return string(res.Conf)
	}
	hc := readString(t, hostedCluster)
	got, want := render(hc), render(readString(t, guestObjects))
	if got != want {
		t.Fatalf("the HostedCluster renders\n%s\nbut its guest's objects render\n%s", got, want)
	}
	if !strings.Contains(got, `location = "untrusted.example.com"`) || !strings.Contains(got, "a.example.com/acme/app") {
		t.Fatalf("the rendering lacks the guest's blocked registry or mirrors:\n%s", got)
	}
	if len(hc.Warnings) != 1 || !strings.Contains(hc.Warnings[0], "rendering its guest cluster's nodes") {
		t.Errorf("warnings %q, want one that says the guest is rendered", hc.Warnings)
	}
}

func TestHostedClusterWithOtherClusters(t *testing.T) {
	t.Parallel()
	idms := "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata:\n  name: mgmt\nspec:\n  imageDigestMirrors:\n  - source: quay.io/x\n    mirrors: [m.example.com/x]\n"
	in := readString(t, hostedCluster+"---\n"+idms)
	if len(in.Sets) != 1 || in.Sets[0].Name != "mgmt" || in.Image != nil {
		t.Errorf("with a management IDMS, got sets %+v and image %v; want the IDMS alone", in.Sets, in.Image)
	}
	if len(in.Warnings) != 1 || !strings.Contains(in.Warnings[0], "left out") {
		t.Errorf("warnings %q, want one that says the HostedCluster is left out", in.Warnings)
	}
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(hostedCluster + "---\n" + strings.Replace(hostedCluster, "name: guest", "name: other", 1))}).Read()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := registriesconf.ReadInput(nodes); err == nil || !strings.Contains(err.Error(), "2 HostedClusters") {
		t.Errorf("two HostedClusters: got %v, want an error that names both", err)
	}
}
