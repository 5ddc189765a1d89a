package registriesconf_test

import (
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

func TestSearchRegistries(t *testing.T) {
	t.Parallel()
	const head = "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata:\n  name: cluster\n"
	for in, want := range map[string][]string{
		head:                nil,
		head + "spec: {}\n": nil,
		head + "spec:\n  registrySources:\n    containerRuntimeSearchRegistries: [quay.io, b.io]\n": {"quay.io", "b.io"},
		head + "spec:\n  registrySources:\n    containerRuntimeSearchRegistries: []\n":              {},
	} {
		got, err := registriesconf.SearchRegistries(yaml.MustParse(in))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %#v, %v; want %#v", in, got, err, want)
		}
	}
	_, err := registriesconf.SearchRegistries(yaml.MustParse(head + "spec:\n  registrySources:\n    containerRuntimeSearchRegistries: quay.io\n"))
	if err == nil || err.Error() != "spec.registrySources.containerRuntimeSearchRegistries: must be a list of strings, got a string (\"quay.io\")" {
		t.Errorf("a string: %v", err)
	}
}

// The drop-in is the MCO's updateSearchRegistriesConfig: the TOML encoding
// of a registries.conf with only the search list, whose empty string
// fields the encoder writes too (the V2RegistriesConf of containers/image
// v5.35.0 that the MCO vendors has the same fields as the one linked here).
func TestSearchRegistriesDropIn(t *testing.T) {
	t.Parallel()
	got, err := registriesconf.SearchRegistriesDropIn([]string{"quay.io", "registry.example.com:5000"})
	if want := "unqualified-search-registries = [\"quay.io\", \"registry.example.com:5000\"]\nshort-name-mode = \"\"\nadditional-layer-store-auth-helper = \"\"\n"; err != nil || string(got) != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	if got, err := registriesconf.SearchRegistriesDropIn(nil); got != nil || err != nil {
		t.Errorf("nil: %q, %v", got, err)
	}
}

func TestPolicyStandIn(t *testing.T) {
	t.Parallel()
	stand := func(img *registriesconf.Image) string {
		t.Helper()
		b, err := registriesconf.PolicyStandIn(nil, registriesconf.Options{Image: img})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	const top = "# stands for /etc/containers/policy.json\n"
	tests := []struct {
		name string
		img  *registriesconf.Image
		want string
	}{
		{"no Image", nil, top + "template\n"},
		{"no list", &registriesconf.Image{Name: "cluster", InsecureRegistries: []string{"a.io"}}, top + "template\n"},
		// The MCO's getValidBlockedAndAllowedRegistries appends the lists to
		// nil ones: an empty list is no list.
		{"empty lists", &registriesconf.Image{Name: "cluster", BlockedRegistries: []string{}, AllowedRegistries: []string{}}, top + "template\n"},
		{"blocked", &registriesconf.Image{Name: "cluster", BlockedRegistries: []string{"b.io", "a.io", "b.io"}},
			top + "default insecureAcceptAnything\ndocker a.io reject\ndocker b.io reject\n"},
		{"allowed", &registriesconf.Image{Name: "cluster", AllowedRegistries: []string{"a.io"}},
			top + "default reject\ndocker a.io insecureAcceptAnything\n"},
	}
	for _, tc := range tests {
		if got := stand(tc.img); got != tc.want {
			t.Errorf("%s: got\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
	// Order and repeats do not reach the file: neither the stand-in.
	if stand(&registriesconf.Image{BlockedRegistries: []string{"a.io", "b.io"}}) != stand(&registriesconf.Image{BlockedRegistries: []string{"b.io", "a.io", "a.io"}}) {
		t.Error("the order of blockedRegistries changes the stand-in")
	}
	_, err := registriesconf.PolicyStandIn(nil, registriesconf.Options{Image: &registriesconf.Image{BlockedRegistries: []string{"quay.io"}}, ReleaseImage: "::"})
	if err == nil {
		t.Error("a release image that does not parse: no error")
	}
}

// Edit's structures are equal exactly when Render's bytes are, and
// Render's Edited is Edit's.
func TestEditAgreesWithRender(t *testing.T) {
	t.Parallel()
	sets := func(k mirror.Kind, n, sources int, seed uint64) []mirror.Set {
		var out []mirror.Set
		for _, s := range gen.Sets(k, n, sources, seed) {
			out = append(out, *s)
		}
		return out
	}
	inputs := [][]mirror.Set{nil, sets(mirror.IDMS, 50, 5, 1), sets(mirror.IDMS, 50, 5, 2), sets(mirror.ICSP, 50, 5, 1), sets(mirror.ITMS, 50, 5, 1)}
	img := &registriesconf.Image{Name: "cluster", InsecureRegistries: []string{}}
	for i, a := range inputs {
		for j, b := range inputs {
			for _, opts := range []registriesconf.Options{{}, {Image: img}} {
				ea, err1 := registriesconf.Edit(a, opts)
				eb, err2 := registriesconf.Edit(b, opts)
				ra, err3 := registriesconf.Render(a, opts)
				rb, err4 := registriesconf.Render(b, opts)
				if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
					t.Fatal(err1, err2, err3, err4)
				}
				sameEdit := ea.Rewritten == eb.Rewritten && reflect.DeepEqual(ea.Conf, eb.Conf)
				if sameRender := string(ra.Conf) == string(rb.Conf); sameEdit != sameRender {
					t.Errorf("inputs %d and %d (image %v): Edit equal %v, Render equal %v", i, j, opts.Image != nil, sameEdit, sameRender)
				}
				if !reflect.DeepEqual(ra.Edited, ea) || !reflect.DeepEqual(rb.Edited, eb) {
					t.Errorf("inputs %d and %d (image %v): Render's Edited is not Edit's", i, j, opts.Image != nil)
				}
				if ea.Rewritten != ra.Rewritten || !ra.Rewritten && !strings.Contains(string(ra.Conf), "'docker.io'") {
					t.Errorf("input %d: Rewritten %v, Render's %v", i, ea.Rewritten, ra.Rewritten)
				}
			}
		}
	}
}
