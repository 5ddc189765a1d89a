package imagepull

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/containers/image/v5/docker/reference"

	"github.com/mirrorset/mirrorset/pkg/explain"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// randomCheckers renders n random configurations that the MCO takes:
// sources of several forms (hosts, with ports, paths, wildcards, Docker
// Hub), mirrors among a pool some of whose locations are not plain or lie
// inside others, blocked registries among them, both kinds of set and
// both policies; with the images around each source.
func randomCheckers(t *testing.T, n int) (checkers []*Checker, images [][]string, confs [][]byte) {
	t.Helper()
	r := rand.New(rand.NewPCG(14, 3))
	sources := []string{"quay.io", "quay.io/ns", "quay.io/ns/repo", "reg.example.com:5000", "reg.example.com:5000/team", "localhost:5000/a",
		"docker.io/org", "*.example.org", "registry.example.net/x/y"}
	mirrors := []string{"m1.example.com", "m1.example.com/x", "m1.example.com:5000/y", "m2.example.com/deep/er", "docker.io/mirrors", "docker.io/a/b",
		"Mirror.example.com/up", "m3.example.com/a_b", "m1.example.com/x/inner", "localhost:5001"}
	blocks := []string{"m1.example.com", "m1.example.com/x", "m2.example.com", "m1.example.com:5000", "m1.example.com/x/inner", "m3.example.com/a_b"}
	pick := func(pool []string, most int) []string {
		var out []string
		for _, k := range r.Perm(len(pool))[:r.IntN(most+1)] {
			out = append(out, pool[k])
		}
		return out
	}
	for len(checkers) < n {
		var sets []mirror.Set
		var named []string
		for k, kind := range []mirror.Kind{mirror.IDMS, mirror.ITMS} {
			s := mirror.Set{Kind: kind, Name: string(rune('a' + k))}
			for _, source := range pick(sources, 4) {
				e := mirror.Entry{Source: source, Mirrors: pick(mirrors, 3)}
				if r.IntN(2) == 0 && len(e.Mirrors) > 0 {
					e.Policy = mirror.NeverContactSource
				}
				s.Entries = append(s.Entries, e)
				named = append(named, source)
			}
			sets = append(sets, s)
		}
		img := &registriesconf.Image{Name: "cluster", BlockedRegistries: pick(blocks, 2)}
		res, err := registriesconf.Render(sets, registriesconf.Options{Image: img})
		if err != nil {
			continue // a configuration the MCO refuses
		}
		c, err := NewChecker(res.Conf, explain.Origins{Sets: sets, Image: img})
		if err != nil {
			continue
		}
		t.Cleanup(func() { c.Close() })
		var around []string
		for _, source := range named {
			host := source
			if source == "*.example.org" {
				host = "a.example.org"
			}
			for _, rest := range []string{"/app:v1", "/app" + digest, "/a/b:v2", ":5000/app" + digest, "/app", ""} {
				around = append(around, host+rest)
			}
		}
		checkers, images, confs = append(checkers, c), append(images, around), append(confs, res.Conf)
	}
	return checkers, images, confs
}

// handConfs are registries.conf files in forms the renderer does not
// write, which containers/image loads: the old mirror-by-digest-only,
// mirrors without pull-from-mirror, locations that are not plain (among
// them Docker Hub's, which the parse rewrites), a blocked mirror.
var handConfs = []string{`
[[registry]]
prefix = "quay.io/ns"
location = "quay.io/ns"
mirror-by-digest-only = true
[[registry.mirror]]
location = "m1.example.com/ns"
[[registry.mirror]]
location = "m2.example.com"
`, `
[[registry]]
prefix = "quay.io/ns"
location = "quay.io/ns"
[[registry.mirror]]
location = "m1.example.com/ns"
[[registry.mirror]]
location = "mirror/x"
[[registry.mirror]]
location = "m2.example.com/Up"
pull-from-mirror = "tag-only"
[[registry]]
prefix = "m1.example.com"
location = "m1.example.com"
blocked = true
`, `
[[registry]]
prefix = "quay.io/ns"
location = "quay.io/ns"
blocked = true
[[registry.mirror]]
location = "docker.io"
[[registry.mirror]]
location = "m1.example.com/ns"
pull-from-mirror = "digest-only"
`, `
[[registry]]
prefix = "quay.io/ns"
location = "quay.io/ns"
[[registry.mirror]]
location = "index.docker.io/ns"
[[registry.mirror]]
location = "m1.example.com/ns"
[[registry]]
prefix = "index.docker.io"
location = "index.docker.io"
blocked = true
`}

// TestExplainBelowIsBriefRef: for every image whose registry's verdict is
// worked out without a reference, explainBelow says what explain.BriefRef
// says on the image, but for the references.
func TestExplainBelowIsBriefRef(t *testing.T) {
	t.Parallel()
	checkers, images, _ := randomCheckers(t, 300)
	for _, conf := range handConfs {
		c, err := NewChecker([]byte(conf), explain.Origins{})
		if err != nil {
			t.Fatalf("%v\n%s", err, conf)
		}
		t.Cleanup(func() { c.Close() })
		checkers = append(checkers, c)
		images = append(images, []string{"quay.io/ns/app:v1", "quay.io/ns/app" + digest, "quay.io/ns/a/b:v1", "quay.io/ns/a/b" + digest})
	}
	compared := 0
	for k, c := range checkers {
		for _, image := range images[k] {
			ref, err := explain.ParseRef(image)
			if err != nil {
				continue
			}
			i, reg, _ := c.p.RegistryAt(ref.Name())
			if reg == nil {
				continue
			}
			if shared, rest := c.shared(i, reg, ref.Name()); !shared || !rest || !c.registryState(i, reg).plain {
				continue
			}
			want, err := explain.BriefRef(c.p, ref)
			if err != nil {
				t.Errorf("%s: explain.BriefRef: %v\n%s", image, err, c.p.SystemContext().SystemRegistriesConfPath)
				continue
			}
			want.Ref = ""
			for j := range want.Locations {
				want.Locations[j].Ref = ""
			}
			_, byDigest := ref.(reference.Canonical)
			if got := c.explainBelow(reg, byDigest); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: explainBelow says\n%+v\nexplain.BriefRef\n%+v", image, *got, *want)
			}
			compared++
		}
	}
	if compared < 1000 {
		t.Errorf("compared %d images only", compared)
	}
	t.Logf("%d configurations, %d images compared", len(checkers), compared)
}

// TestCheckIsVerdictOfBriefRef: on the random configurations, Check and
// Status give for every image, in two orders, the verdict worked out from
// explain.BriefRef (explain.Brief where the image does not parse) on that
// image alone, but for First (and Ref and ByDigest where no registry
// applies).
func TestCheckIsVerdictOfBriefRef(t *testing.T) {
	t.Parallel()
	checkers, images, confs := randomCheckers(t, 150)
	for k, c := range checkers {
		for _, order := range []bool{false, true} {
			fresh, err := NewChecker(confs[k], explain.Origins{})
			if err != nil {
				t.Fatal(err)
			}
			list := slices.Clone(images[k])
			if order {
				slices.Reverse(list)
			}
			for _, image := range list {
				want, err := c.verdict(image, func() (*explain.Explanation, error) { return explain.Brief(c.p, image) })
				if err != nil {
					continue // Check fails too; TestCheck covers the errors
				}
				want.First = ""
				status, err := fresh.Status(image)
				if err != nil {
					t.Fatalf("%s: %v", image, err)
				}
				got, err := fresh.Check(image)
				if err != nil {
					t.Fatalf("%s: %v", image, err)
				}
				if name, ok := ExplicitName(image); ok && got.Status == NoRules && want.Status == Unparseable {
					if reg, _ := c.p.FindRegistry(name); reg == nil {
						continue // as Check says: not looked at
					}
				}
				compared := *got
				if got.Status == NoRules && want.Status == NoRules {
					// Check's verdict without a parse (no [[registry]]
					// matches the name) leaves Ref and ByDigest out.
					compared.Ref, compared.ByDigest = "", false
					want.Ref, want.ByDigest = "", false
				}
				if compared != *want || status != want.Status {
					t.Errorf("%s: Check says %+v, Status %s; from explain.Brief: %+v", image, *got, status, *want)
				}
			}
			fresh.Close()
		}
	}
}

// TestNestedInside: the search without the string location + "/" finds
// what a search for it finds, over prefixes that sort around it.
func TestNestedInside(t *testing.T) {
	t.Parallel()
	prefixes := []string{"a", "a.b", "a/", "a/b", "a/b/c", "a-b/c", "a0", "a:5000/x", "ab/c", "b", "m.example.com", "m.example.com.x/y",
		"m.example.com/ns", "m.example.com/ns/in", "m.example.com/nsx", "m.example.com:5000", "z"}
	slices.Sort(prefixes)
	for _, location := range []string{"a", "a/b", "a/b/c", "m.example.com", "m.example.com/ns", "m.example.com/n", "m.example.com/nsx", "m", "", "zz", "a.b", "a-b"} {
		c := &Checker{prefixes: prefixes}
		want := false
		for _, p := range prefixes {
			want = want || location != "" && strings.HasPrefix(p, location+"/")
		}
		if got := c.nestedInside(location); got != want {
			t.Errorf("nestedInside(%q) = %v, want %v", location, got, want)
		}
	}
}
