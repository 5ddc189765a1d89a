package imagepull

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/containers/image/v5/docker/reference"

	"github.com/mirrorset/mirrorset/pkg/explain"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// checker renders sets and img as the MCO does and loads the result.
func checker(t *testing.T, img *registriesconf.Image, sets ...mirror.Set) *Checker {
	t.Helper()
	res, err := registriesconf.Render(sets, registriesconf.Options{Image: img})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewChecker(res.Conf, explain.Origins{Sets: sets, Image: img})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func set(k mirror.Kind, name string, entries ...mirror.Entry) mirror.Set {
	return mirror.Set{Kind: k, Name: name, Entries: entries}
}

const digest = "@sha256:0123456789012345678901234567890123456789012345678901234567890123"

func testChecker(t *testing.T) *Checker {
	return checker(t, &registriesconf.Image{Name: "cluster", BlockedRegistries: []string{"blocked.example.com", "m.example.com/never/secret"}},
		set(mirror.IDMS, "d",
			mirror.Entry{Source: "quay.io/never", Mirrors: []string{"m.example.com/never"}, Policy: mirror.NeverContactSource},
			mirror.Entry{Source: "quay.io/allow", Mirrors: []string{"m.example.com/allow"}},
			mirror.Entry{Source: "quay.io/never/nested", Mirrors: []string{"m.example.com/nested"}, Policy: mirror.NeverContactSource},
			mirror.Entry{Source: "*.corp.example.com", Mirrors: []string{"m.example.com/corp"}, Policy: mirror.NeverContactSource},
			mirror.Entry{Source: "quay.io/tagged", Mirrors: []string{"m.example.com/tagged"}, Policy: mirror.NeverContactSource}),
		set(mirror.ITMS, "t",
			mirror.Entry{Source: "quay.io/tagged", Mirrors: []string{"m.example.com/tagged"}, Policy: mirror.NeverContactSource}))
}

func TestCheck(t *testing.T) {
	c := testChecker(t)
	tests := []struct {
		image string
		want  Status
		first string
	}{
		{"quay.io/never/app:v1", Unpullable, ""},
		{"quay.io/never/app" + digest, Mirrored, "m.example.com/never/app" + digest},
		{"quay.io/never/nested/app:v1", Unpullable, ""},
		{"quay.io/allow/app:v1", SourceOnly, "quay.io/allow/app:v1"},
		{"quay.io/allow/app" + digest, Mirrored, "m.example.com/allow/app" + digest},
		{"quay.io/never/secret/app" + digest, Unpullable, ""}, // its mirror is blocked too
		{"quay.io/tagged/app:v1", Mirrored, "m.example.com/tagged/app:v1"},
		{"quay.io/other/app:v1", NoRules, "quay.io/other/app:v1"},
		{"registry.corp.example.com/a/b", Unpullable, ""},
		{"blocked.example.com/a/b:v1", Unpullable, ""},
		{"nginx", ShortName, ""},
		{"quay.io/never/App:v1", Unparseable, ""},
		{"quay.io/never/app@sha256:12", Unparseable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			brief, err := c.Check(tt.image)
			if err != nil {
				t.Fatal(err)
			}
			full, err := c.Explain(tt.image)
			if err != nil {
				t.Fatal(err)
			}
			if brief.Status != tt.want || full.Status != tt.want {
				t.Errorf("Check = %s, Explain = %s; want %s (%s)", brief.Status, full.Status, tt.want, full.Why)
			}
			if full.First != tt.first {
				t.Errorf("first tried = %q, want %q", full.First, tt.first)
			}
			if tt.want.Finding() && tt.want != Unparseable && full.Fix == "" {
				t.Errorf("no fix for %s: %s", tt.want, full.Why)
			}
		})
	}
}

// TestCheckMatchesExplain: the quick verdict (the name-only lookup for names
// no registry matches, one explain.Brief per registry and kind of pull where
// that holds for all its images, explain.Brief for the rest) is the full
// one, on many names around the sources, in two orders (the first image of
// a registry sets what the others get). quay.io/never is not uniform: a
// blocked registry lies inside its mirror.
func TestCheckMatchesExplain(t *testing.T) {
	for _, reverse := range []bool{false, true} {
		checkMatchesExplain(t, reverse)
	}
}

// TestCheckSideBySide checks one checker from four goroutines at once,
// each on the images of checkMatchesExplain in its own order: each gets,
// for each image, the verdict a checker of its own gives. Two of them ask
// for the Status first.
func TestCheckSideBySide(t *testing.T) {
	images := checkImages()
	want := map[string]Verdict{}
	alone := testChecker(t)
	for _, image := range images {
		v, err := alone.Check(image)
		if err != nil {
			t.Fatal(err)
		}
		want[image] = *v
	}
	c := testChecker(t)
	got := make([]map[string]*Verdict, 4)
	var wg sync.WaitGroup
	for g := range got {
		order := slices.Clone(images)
		rand.New(rand.NewPCG(uint64(g), 7)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		got[g] = map[string]*Verdict{}
		wg.Go(func() {
			for _, image := range order {
				if g%2 == 0 {
					s, err := c.Status(image)
					if err != nil || s != want[image].Status {
						t.Errorf("%s: goroutine %d got status %s, %v; want %s", image, g, s, err, want[image].Status)
						return
					}
				}
				v, err := c.Check(image)
				if err != nil {
					t.Error(err)
					return
				}
				got[g][image] = v
			}
		})
	}
	wg.Wait()
	for _, image := range images {
		for g := range got {
			if v := got[g][image]; *v != want[image] {
				t.Fatalf("%s: goroutine %d got %+v; want %+v", image, g, *v, want[image])
			}
		}
	}
}

// checkImages are names around the sources of testChecker.
func checkImages() []string {
	hosts := []string{"quay.io", "m.example.com", "registry.corp.example.com", "corp.example.com", "blocked.example.com", "docker.io", "localhost:5000", "ghcr.io", "Quay.io", "quay.io:", "quay.io:x"}
	paths := []string{"never", "never/nested", "allow", "tagged", "other", "never/nested/deep", "allowx", "never/secret", "never/secret/deep", "never/public",
		"never/a__b", "never/a--b", "never/A", "never/.a", "never/a.", "never//a", "allow/a_b.c-d"}
	var images []string
	for _, h := range hosts {
		for _, p := range paths {
			for _, ref := range []string{":v1", digest, "", ":V1_x.y-z", ":-bad", "@sha256:12", ":v1" + digest, "@sha256:" + strings.Repeat("A", 64)} {
				images = append(images, h+"/"+p+"/app"+ref)
			}
		}
	}
	return images
}

func checkMatchesExplain(t *testing.T, reverse bool) {
	c := testChecker(t)
	images := checkImages()
	if reverse {
		slices.Reverse(images)
	}
	{
		{
			for _, image := range images {
				before, err := c.Status(image)
				if err != nil {
					t.Fatal(err)
				}
				brief, err := c.Check(image)
				if err != nil {
					t.Fatal(err)
				}
				if after, err := c.Status(image); err != nil || before != brief.Status || after != brief.Status {
					t.Errorf("%s: Status says %s before Check and %s, %v after; Check says %s", image, before, after, err, brief.Status)
				}
				full, err := c.Explain(image)
				if err != nil {
					t.Fatal(err)
				}
				if name, ok := ExplicitName(image); ok && brief.Status == NoRules && full.Status == Unparseable {
					// As Check says: a bad reference of a name that no
					// registry matches is not looked at.
					if reg, _ := c.p.FindRegistry(name); reg == nil {
						continue
					}
				}
				if brief.Status != full.Status || brief.Status != NoRules && (brief.Registry != full.Registry || brief.ByDigest != full.ByDigest || brief.Ref != full.Ref) {
					t.Errorf("%s: Check says %s (%q), Explain %s (%q)", image, brief.Status, brief.Registry, full.Status, full.Registry)
				}
			}
		}
	}
}

func TestExplicitName(t *testing.T) {
	for image, want := range map[string]string{
		"quay.io/a/b:v1":           "quay.io/a/b",
		"quay.io:443/a/b" + digest: "quay.io:443/a/b",
		"localhost/a":              "localhost/a",
		"reg.io/a:v1" + digest:     "reg.io/a",
		"docker.io/nginx":          "",
		"docker.io/nginx:1":        "",
		"docker.io/a/nginx:1":      "docker.io/a/nginx",
		"docker.io/a/b/c" + digest: "docker.io/a/b/c",
		"index.docker.io/a/nginx":  "",
		"library/nginx":            "",
		"nginx:1":                  "",
	} {
		got, ok := ExplicitName(image)
		if got != want || ok != (want != "") {
			t.Errorf("ExplicitName(%q) = %q, %v; want %q", image, got, ok, want)
		}
	}
}

func TestResults(t *testing.T) {
	c := testChecker(t)
	var findings []Finding
	add := func(kind, name, image string) {
		v, err := c.Check(image)
		if err != nil {
			t.Fatal(err)
		}
		findings = append(findings, Finding{Ref: Ref{Image: image, Object: result.Object{Kind: kind, Name: name}, Field: "spec.image"}, Verdict: v})
	}
	add("CatalogSource", "a", "quay.io/never/index:v1")
	add("CatalogSource", "b", "quay.io/never/index:v1") // the same image: folded
	add("Pod", "s", "nginx")
	for i := range 30 {
		add("Pod", fmt.Sprint("p", i), fmt.Sprintf("r%d.example.com/x/y:v1", i)) // under no rules
		add("Pod", fmt.Sprint("q", i), fmt.Sprintf("quay.io/allow/app-%d:v1", i))
	}
	t.Run("warning", func(t *testing.T) {
		rs, err := Results(findings[:0:0], SeverityWarning, c.Explain)
		if err != nil || len(rs) != 0 {
			t.Fatalf("no findings gave %d results, %v", len(rs), err)
		}
	})
	var fs []Finding
	for _, f := range findings {
		if f.Verdict.Status.Finding() {
			fs = append(fs, f)
		}
	}
	for _, sev := range []Severity{SeverityWarning, SeverityError} {
		t.Run(sev, func(t *testing.T) {
			rs, err := Results(fs, sev, c.Explain)
			if err != nil {
				t.Fatal(err)
			}
			// The catalog (both CatalogSources in one), the short name, 3 of
			// quay.io/allow and a count of the other 27.
			if len(rs) != 6 {
				t.Fatalf("%d results, want 6:\n%s", len(rs), messages(rs))
			}
			if !strings.Contains(rs[0].Message, `also in 1 more field: CatalogSource "b"`) || !strings.Contains(rs[0].Message, "NeverContactSource in ImageDigestMirrorSet \"d\"") {
				t.Errorf("the folded result does not name the other field and the blocking entry: %s", rs[0].Message)
			}
			if rs[1].Severity != result.Warning {
				t.Errorf("a short name is a %s, want a warning", rs[1].Severity)
			}
			if want := result.Severity(sev); rs[0].Severity != want || rs[5].Severity != want {
				t.Errorf("severities %s and %s, want %s", rs[0].Severity, rs[5].Severity, want)
			}
			if !strings.HasPrefix(rs[5].Message, "27 more images under quay.io/allow") {
				t.Errorf("the count: %s", rs[5].Message)
			}
		})
	}
	t.Run("off", func(t *testing.T) {
		if rs, _ := Results(fs, SeverityOff, c.Explain); rs != nil {
			t.Errorf("off gave %d results", len(rs))
		}
	})
	t.Run("past MaxShown", func(t *testing.T) {
		var many []Finding
		for i := range MaxShown + 5 {
			image := fmt.Sprintf("quay.io/never/app-%d:v1", i)
			v, _ := c.Check(image)
			v2 := *v
			v2.Registry = fmt.Sprint("registry-", i) // one registry each: no per-registry count
			many = append(many, Finding{Ref: Ref{Image: image, Field: "spec.image"}, Verdict: &v2})
		}
		rs, err := Results(many, SeverityWarning, c.Explain)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != MaxShown+1 || !strings.HasPrefix(rs[MaxShown].Message, "5 more images that cannot be pulled") {
			t.Errorf("%d results, last %q; want %d and a count of 5", len(rs), rs[len(rs)-1].Message, MaxShown+1)
		}
	})
}

func messages(rs result.Results) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Message + "\n")
	}
	return b.String()
}

// plainRef is what Check reads of image without a parse: plainForm, and
// the reference as plainRefString spells it.
func plainRef(image, name string) (ref string, byDigest, ok bool) {
	if byDigest, ok = plainForm(image, name); !ok {
		return "", false, false
	}
	return plainRefString(image, name, byDigest), byDigest, true
}

// TestPlainRef: what plainRef reads, ParseRef reads the same (the same
// reference, by digest or not), on references generated from the
// characters and separators of the grammar; and it reads the plain forms.
func TestPlainRef(t *testing.T) {
	parts := []string{"a", "z9", "quay.io", "localhost", ":5000", ":", "/", ".", "-", "_", "__", "A", "@", "sha256:", strings.Repeat("0", 64), strings.Repeat("f", 63), "v1.2", "@sha256:" + strings.Repeat("ab", 32)}
	read := 0
	var gen func(prefix string, depth int)
	gen = func(prefix string, depth int) {
		if name, ok := ExplicitName(prefix); ok {
			if ref, byDigest, ok := plainRef(prefix, name); ok {
				read++
				parsed, err := explain.ParseRef(prefix)
				if err != nil {
					t.Errorf("plainRef read %q, which ParseRef refuses: %v", prefix, err)
				} else if _, canonical := parsed.(reference.Canonical); parsed.String() != ref || canonical != byDigest {
					t.Errorf("plainRef(%q) = %q, %v; ParseRef says %q, %v", prefix, ref, byDigest, parsed.String(), canonical)
				}
			}
		}
		if depth == 0 {
			return
		}
		for _, p := range parts {
			gen(prefix+p, depth-1)
		}
	}
	for _, host := range []string{"quay.io/", "localhost:5000/", "a-b.c/", "q/", "docker.io/", "docker.io/a/"} {
		gen(host, 4)
	}
	for _, image := range []string{"quay.io/a/b", "quay.io/a/b:v1", "quay.io:443/a-b/c_d.e" + digest, "localhost/a:latest"} {
		name, _ := ExplicitName(image)
		if _, _, ok := plainRef(image, name); !ok {
			t.Errorf("plainRef does not read %q", image)
		}
	}
	if read < 1000 {
		t.Errorf("plainRef read only %d generated references", read)
	}
}

// TestCheckPortAfterHostSource: a source that is a host alone matches the
// names of that host with a port too (containers/image's prefix match
// stops at a ':'), whose mirror then gains the port: a registry blocked
// there blocks the mirror for those names only. The verdict on the names
// without the port must not stand for them, nor theirs for the others.
func TestCheckPortAfterHostSource(t *testing.T) {
	t.Parallel()
	img := &registriesconf.Image{Name: "cluster", BlockedRegistries: []string{"mirror.example.com:5000"}}
	for _, tt := range []struct{ source, host string }{{"quay.io", "quay.io"}, {"*.example.org", "a.example.org"}} {
		sets := []mirror.Set{set(mirror.IDMS, "d", mirror.Entry{Source: tt.source, Mirrors: []string{"mirror.example.com"}, Policy: mirror.NeverContactSource})}
		checkPortAfterHost(t, img, sets, tt.host)
	}
}

func checkPortAfterHost(t *testing.T, img *registriesconf.Image, sets []mirror.Set, host string) {
	images := []string{host + "/a/b" + digest, host + ":5000/a/b" + digest, host + "/c" + digest, host + ":5000/c" + digest}
	for _, order := range [][]string{images, {images[1], images[0], images[3], images[2]}} {
		c := checker(t, img, sets...)
		for _, image := range order {
			brief, err := c.Check(image)
			if err != nil {
				t.Fatal(err)
			}
			status, err := c.Status(image)
			if err != nil {
				t.Fatal(err)
			}
			full, err := c.Explain(image)
			if err != nil {
				t.Fatal(err)
			}
			want := Mirrored
			if strings.Contains(image, ":5000") {
				want = Unpullable
			}
			if full.Status != want || brief.Status != want || status != want {
				t.Errorf("%s: Explain says %s, Check %s, Status %s; want %s", image, full.Status, brief.Status, status, want)
			}
		}
	}
}
