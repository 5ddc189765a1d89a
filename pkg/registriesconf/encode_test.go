package registriesconf

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/pkg/sysregistriesv2"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// encoderBytes is conf in the bytes of BurntSushi's encoder, which the MCO
// runs.
func encoderBytes(t *testing.T, conf sysregistriesv2.V2RegistriesConf) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(conf); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// plainStrings are the strings the generated configurations draw from:
// every one of them printable ASCII without a quote or a backslash,
// including what TOML gives a meaning to outside a string.
var plainStrings = []string{
	"", "quay.io", "quay.io/openshift-release-dev/ocp-release", "*.example.com", "mirror.example.com:5000/ocp",
	"digest-only", "tag-only", "all", "enforcing", "a b", "#not-a-comment", "x = [1]", "%s%d%%", "[[registry]]",
	"'single'", "{}", "~!@$^&*()_+`", "localhost:5000",
}

func randomConf(r *rand.Rand) sysregistriesv2.V2RegistriesConf {
	str := func() string { return plainStrings[r.IntN(len(plainStrings))] }
	list := func() []string {
		switch r.IntN(3) {
		case 0:
			return nil
		case 1:
			return []string{}
		}
		l := make([]string, 1+r.IntN(3))
		for i := range l {
			l[i] = str()
		}
		return l
	}
	endpoint := func() sysregistriesv2.Endpoint {
		return sysregistriesv2.Endpoint{Location: str(), Insecure: r.IntN(4) == 0, PullFromMirror: str()}
	}
	c := sysregistriesv2.V2RegistriesConf{UnqualifiedSearchRegistries: list(), CredentialHelpers: list(), ShortNameMode: str(),
		AdditionalLayerStoreAuthHelper: str()}
	if n := r.IntN(5); n > 0 {
		c.Registries = make([]sysregistriesv2.Registry, n)
		for i := range c.Registries {
			reg := sysregistriesv2.Registry{Prefix: str(), Endpoint: endpoint(), Blocked: r.IntN(3) == 0, MirrorByDigestOnly: r.IntN(4) == 0}
			switch r.IntN(3) {
			case 0:
			case 1:
				reg.Mirrors = []sysregistriesv2.Endpoint{}
			default:
				for range 1 + r.IntN(3) {
					reg.Mirrors = append(reg.Mirrors, endpoint())
				}
			}
			c.Registries[i] = reg
		}
	}
	return c
}

// TestWritePlainIsTheEncoder holds writePlain to the encoder's bytes over
// generated configurations of the form plainConf accepts.
func TestWritePlainIsTheEncoder(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(14, 2026))
	for i := range 3000 {
		c := randomConf(r)
		if !plainConf(&c) {
			t.Fatalf("configuration %d: plainConf refuses it: %+v", i, c)
		}
		want := encoderBytes(t, c)
		if got := writePlain(&c); !bytes.Equal(got, want) {
			t.Fatalf("configuration %d: writePlain wrote\n%s\nthe encoder\n%s", i, got, want)
		}
	}
}

// TestEncodeOtherForms checks that what writePlain does not write goes to
// the encoder, and that the renderer's own output is of the plain form.
func TestEncodeOtherForms(t *testing.T) {
	t.Parallel()
	base := func() sysregistriesv2.V2RegistriesConf {
		return sysregistriesv2.V2RegistriesConf{UnqualifiedSearchRegistries: []string{"quay.io"},
			Registries: []sysregistriesv2.Registry{{Endpoint: sysregistriesv2.Endpoint{Location: "quay.io/a"},
				Mirrors: []sysregistriesv2.Endpoint{{Location: "m.example.com/a", PullFromMirror: "digest-only"}}}}}
	}
	for name, change := range map[string]func(*sysregistriesv2.V2RegistriesConf){
		"a quote":                      func(c *sysregistriesv2.V2RegistriesConf) { c.Registries[0].Location = `quay.io/"a"` },
		"a backslash":                  func(c *sysregistriesv2.V2RegistriesConf) { c.Registries[0].Mirrors[0].Location = `m\a` },
		"a tab":                        func(c *sysregistriesv2.V2RegistriesConf) { c.ShortNameMode = "a\tb" },
		"a delete":                     func(c *sysregistriesv2.V2RegistriesConf) { c.UnqualifiedSearchRegistries[0] = "a\x7f" },
		"not ASCII":                    func(c *sysregistriesv2.V2RegistriesConf) { c.Registries[0].Prefix = "é.example.com" },
		"a helper with a newline":      func(c *sysregistriesv2.V2RegistriesConf) { c.CredentialHelpers = []string{"a\nb"} },
		"aliases":                      func(c *sysregistriesv2.V2RegistriesConf) { c.Aliases = map[string]string{"app": "quay.io/a/app"} },
		"empty aliases":                func(c *sysregistriesv2.V2RegistriesConf) { c.Aliases = map[string]string{} },
		"an empty list of registries":  func(c *sysregistriesv2.V2RegistriesConf) { c.Registries = []sysregistriesv2.Registry{} },
		"a layer store helper quoting": func(c *sysregistriesv2.V2RegistriesConf) { c.AdditionalLayerStoreAuthHelper = `"x"` },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := base()
			if !plainConf(&c) {
				t.Fatal("plainConf refuses the base configuration")
			}
			change(&c)
			if plainConf(&c) {
				t.Fatal("plainConf takes it")
			}
			got, err := encode(c)
			if err != nil {
				t.Fatal(err)
			}
			if want := encoderBytes(t, c); !bytes.Equal(got, want) {
				t.Fatalf("encode wrote\n%s\nthe encoder\n%s", got, want)
			}
		})
	}
}

// TestRenderWritesPlain checks that the renderer's output on mirror sets
// of every kind takes writePlain, in the encoder's bytes.
func TestRenderWritesPlain(t *testing.T) {
	t.Parallel()
	var sets []mirror.Set
	for k, kind := range []mirror.Kind{mirror.ICSP, mirror.IDMS, mirror.ITMS} {
		for _, s := range gen.Sets(kind, 200, 20, uint64(k)) {
			if kind == mirror.ITMS {
				// Sources of their own, never contacted.
				for i := range s.Entries {
					s.Entries[i].Source = "tags." + s.Entries[i].Source
					s.Entries[i].Policy = mirror.NeverContactSource
				}
			}
			sets = append(sets, *s)
		}
	}
	res, err := Render(sets, Options{Image: &Image{InsecureRegistries: []string{"*.example.com"}, BlockedRegistries: []string{"blocked.example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !plainConf(&res.Edited.Conf) {
		t.Fatal("the rendered configuration is not of the plain form")
	}
	if want := encoderBytes(t, res.Edited.Conf); !bytes.Equal(res.Conf, want) {
		t.Fatalf("Render wrote\n%s\nthe encoder\n%s", res.Conf, want)
	}
	for _, want := range []string{"insecure = true", "blocked = true", `pull-from-mirror = "tag-only"`, `pull-from-mirror = "digest-only"`} {
		if !bytes.Contains(res.Conf, []byte(want)) {
			t.Errorf("the rendering holds no %q", want)
		}
	}
}
