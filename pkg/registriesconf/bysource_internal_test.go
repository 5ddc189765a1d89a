package registriesconf

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/containers/image/v5/pkg/sysregistriesv2"
	apicfgv1 "github.com/openshift/api/config/v1"
	apioperatorsv1alpha1 "github.com/openshift/api/operator/v1alpha1"
	"github.com/openshift/runtime-utils/pkg/registries"
)

// TestEditBySourceIsTheWholeEdit holds editBySource to runtime-utils'
// EditRegistriesConfig on the whole objects, with no insecure or blocked
// scopes and an empty configuration: drawn objects of the three kinds,
// whose sources nest (a registry, a namespace in it, a repository in
// that), repeat across objects and kinds, list mirrors in disagreeing
// orders, name themselves among their mirrors, or have no real mirror.
func TestEditBySourceIsTheWholeEdit(t *testing.T) {
	t.Parallel()
	sources := []string{"quay.io", "quay.io/acme", "quay.io/acme/app", "quay.io/acme-two", "quay.io:443/acme",
		"registry.redhat.io/rhel9", "registry.redhat.io/rhel9/ubi", "reg.example.com:5000/x", "docker.io/library/busybox"}
	mirrors := []string{"m1.example.com/a", "m2.example.com/a", "m3.example.com:5000/b", "quay.io/mirror/a", "quay.io/acme"}
	r := rand.New(rand.NewPCG(21, 22))
	draw := func(source string) []string {
		var ms []string
		for range 1 + r.IntN(3) {
			ms = append(ms, mirrors[r.IntN(len(mirrors))])
		}
		if r.IntN(6) == 0 {
			ms = append(ms[:r.IntN(len(ms)+1)], source) // the source among its mirrors, maybe alone
		}
		return ms
	}
	policy := func() apicfgv1.MirrorSourcePolicy {
		return []apicfgv1.MirrorSourcePolicy{"", apicfgv1.AllowContactingSource, apicfgv1.NeverContactSource}[r.IntN(3)]
	}
	split, whole := 0, 0
	for n := range 4000 {
		var icsp []*apioperatorsv1alpha1.ImageContentSourcePolicy
		var idms []*apicfgv1.ImageDigestMirrorSet
		var itms []*apicfgv1.ImageTagMirrorSet
		for range r.IntN(8) {
			k := r.IntN(3)
			for range 1 + r.IntN(4) {
				s := sources[r.IntN(len(sources))]
				switch k {
				case 0:
					if len(icsp) == 0 || r.IntN(2) == 0 {
						icsp = append(icsp, &apioperatorsv1alpha1.ImageContentSourcePolicy{})
					}
					o := icsp[len(icsp)-1]
					o.Spec.RepositoryDigestMirrors = append(o.Spec.RepositoryDigestMirrors, apioperatorsv1alpha1.RepositoryDigestMirrors{Source: s, Mirrors: draw(s)})
				case 1:
					if len(idms) == 0 || r.IntN(2) == 0 {
						idms = append(idms, &apicfgv1.ImageDigestMirrorSet{})
					}
					o := idms[len(idms)-1]
					o.Spec.ImageDigestMirrors = append(o.Spec.ImageDigestMirrors, apicfgv1.ImageDigestMirrors{Source: s, Mirrors: imageMirrors(draw(s)), MirrorSourcePolicy: policy()})
				default:
					if len(itms) == 0 || r.IntN(2) == 0 {
						itms = append(itms, &apicfgv1.ImageTagMirrorSet{})
					}
					o := itms[len(itms)-1]
					o.Spec.ImageTagMirrors = append(o.Spec.ImageTagMirrors, apicfgv1.ImageTagMirrors{Source: s, Mirrors: imageMirrors(draw(s)), MirrorSourcePolicy: policy()})
				}
			}
		}
		var want sysregistriesv2.V2RegistriesConf
		wantErr := registries.EditRegistriesConfig(&want, nil, nil, icsp, idms, itms)
		got, ok := editBySource(icsp, idms, itms)
		if !ok {
			if wantErr == nil {
				t.Fatalf("case %d: editBySource fails where the whole edit does not", n)
			}
			continue
		}
		if wantErr != nil {
			t.Fatalf("case %d: the whole edit fails (%v), editBySource does not", n, wantErr)
		}
		if !reflect.DeepEqual(got, want.Registries) {
			t.Fatalf("case %d:\n got %s\nwant %s", n, show(got), show(want.Registries))
		}
		if len(got) > 1 {
			split++
		}
		whole++
	}
	if whole < 3500 || split < 2000 {
		t.Fatalf("only %d cases compared, %d with several entries: the draw is off", whole, split)
	}
}

func show(regs []sysregistriesv2.Registry) string {
	s := ""
	for _, r := range regs {
		s += fmt.Sprintf("\n  %s blocked=%v %v", r.Location, r.Blocked, r.Mirrors)
	}
	return s
}

// TestEditRegistriesGoesWhole: insecure or blocked scopes, or a registry
// in the template, are edited by the whole call, which the last pass of
// needs (a blocked registry's nested scopes, an entry without mirrors).
func TestEditRegistriesGoesWhole(t *testing.T) {
	t.Parallel()
	idms := []*apicfgv1.ImageDigestMirrorSet{{Spec: apicfgv1.ImageDigestMirrorSetSpec{ImageDigestMirrors: []apicfgv1.ImageDigestMirrors{
		{Source: "quay.io/acme", Mirrors: []apicfgv1.ImageMirror{"m.example.com/acme"}},
	}}}}
	for _, tc := range []struct {
		name              string
		conf              sysregistriesv2.V2RegistriesConf
		insecure, blocked []string
	}{
		{name: "blocked", blocked: []string{"quay.io/acme/app"}},
		{name: "insecure", insecure: []string{"m.example.com"}},
		{name: "template", conf: sysregistriesv2.V2RegistriesConf{Registries: []sysregistriesv2.Registry{{Endpoint: sysregistriesv2.Endpoint{Location: "quay.io/acme/app"}}}}},
	} {
		var got, want sysregistriesv2.V2RegistriesConf
		want.Registries = slicesClone(tc.conf.Registries)
		got.Registries = slicesClone(tc.conf.Registries)
		if err := registries.EditRegistriesConfig(&want, tc.insecure, tc.blocked, nil, idms, nil); err != nil {
			t.Fatal(err)
		}
		if err := editRegistries(&got, tc.insecure, tc.blocked, nil, idms, nil); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, show(got.Registries), show(want.Registries))
		}
		if len(want.Registries) < 2 {
			t.Errorf("%s: the case does not reach the last pass (%s)", tc.name, show(want.Registries))
		}
	}
}

func slicesClone(r []sysregistriesv2.Registry) []sysregistriesv2.Registry {
	return append([]sysregistriesv2.Registry(nil), r...)
}
