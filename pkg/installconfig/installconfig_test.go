package installconfig_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/installconfig"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/result"
)

var (
	sources = []string{"quay.io/openshift-release-dev/ocp-release", "quay.io/openshift-release-dev/ocp-v4.0-art-dev", "registry.redhat.io", "registry.redhat.io/ubi9", "*.example.org"}
	mirrors = []string{"mirror.example.com:5000/ocp4/openshift4", "backup.example.com/ocp", "cache.example.net/x", "m.example.com"}
)

// genInstallConfig writes an install-config with random imageContentSources
// (no mirror listed twice in one entry, which the API rejects), in one of
// two sequence styles, with comments.
func genInstallConfig(r *rand.Rand) string {
	var b strings.Builder
	ind := ""
	if r.IntN(2) == 0 {
		ind = "  "
	}
	b.WriteString("apiVersion: v1\nbaseDomain: example.com\n# mirrors\nimageContentSources:\n")
	for i, n := 0, 1+r.IntN(6); i < n; i++ {
		fmt.Fprintf(&b, "%s- source: %q # entry %d\n%s  mirrors:\n", ind, sources[r.IntN(len(sources))], i, ind)
		for _, p := range r.Perm(len(mirrors))[:1+r.IntN(3)] {
			fmt.Fprintf(&b, "%s  %s- %s\n", ind, ind, mirrors[p])
		}
	}
	b.WriteString("metadata:\n  name: gen\npullSecret: '{}'\n")
	return b.String()
}

// TestMigrateNodesSeeTheSame migrates generated imageContentSources and
// compares the registries.conf that the installer's IDMS renders to, from
// the file before and from the file after; the file after is read back from
// its bytes, and migrating it again changes nothing.
func TestMigrateNodesSeeTheSame(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(4, 2))
	for i := 0; i < 300; i++ {
		in := genInstallConfig(r)
		res, err := installconfig.Migrate([]byte(in), "gen.yaml", config.Default())
		if err != nil || result.Failed(res.Results) {
			t.Fatalf("case %d: %v %v\n%s", i, err, res.Results, in)
		}
		back, err := installconfig.Migrate(res.Out, "out.yaml", config.Default())
		if err != nil || back.Changed {
			t.Fatalf("case %d: second run: %v, changed %v\n%s", i, err, back.Changed, res.Out)
		}
		before, errB := registriesconf.Render(res.Before, registriesconf.Options{})
		after, errA := registriesconf.Render(back.Before, registriesconf.Options{})
		if (errB == nil) != (errA == nil) {
			t.Fatalf("case %d: before %v, after %v", i, errB, errA)
		}
		if errB == nil && string(before.Conf) != string(after.Conf) {
			t.Fatalf("case %d: the nodes would see another file\n--- in\n%s--- out\n%s--- before\n%s--- after\n%s", i, in, res.Out, before.Conf, after.Conf)
		}
		if !strings.Contains(string(res.Out), "imageDigestSources:") || strings.Contains(string(res.Out), "imageContentSources") {
			t.Fatalf("case %d: not migrated:\n%s", i, res.Out)
		}
		if !strings.Contains(string(res.Out), "# mirrors\n") {
			t.Fatalf("case %d: the comment above the field is lost:\n%s", i, res.Out)
		}
	}
}

func TestMigrateErrors(t *testing.T) {
	t.Parallel()
	const head = "apiVersion: v1\nbaseDomain: example.com\nmetadata:\n  name: x\n"
	for _, tc := range []struct{ name, body, want string }{
		{"both fields", "imageContentSources:\n- source: quay.io/a\n  mirrors: [m.example.com/a]\nimageDigestSources:\n- source: quay.io/b\n  mirrors: [m.example.com/b]\n",
			"x.yaml: imageContentSources: cannot set imageContentSources and imageDigestSources at the same time"},
		{"bad mirror", "imageContentSources:\n- source: quay.io/a\n  mirrors: [m.example.com/a]\n- source: quay.io/b\n  mirrors: [m.example.com/b, m.example.com/B]\n",
			`x.yaml: imageContentSources[1].mirrors[1]: "m.example.com/B" is not a valid mirror`},
		{"policy without mirror", "imageDigestSources:\n- source: quay.io/a\n  sourcePolicy: AllowContactingSource\n",
			"x.yaml: imageDigestSources[0].sourcePolicy: \"AllowContactingSource\": sourcePolicy cannot be configured without a mirror"},
		{"sourcePolicy in the old field", "imageContentSources:\n- source: quay.io/a\n  mirrors: [m.example.com/a]\n  sourcePolicy: NeverContactSource\n",
			"x.yaml: imageContentSources[0].sourcePolicy: imageContentSources entries have no sourcePolicy"},
		{"not a list", "imageContentSources: quay.io/a\n", "x.yaml: imageContentSources: must be a list"},
		{"policy conflict", "imageDigestSources:\n- source: quay.io/a\n  mirrors: [m.example.com/a]\n  sourcePolicy: NeverContactSource\n- source: quay.io/a\n  mirrors: [n.example.com/a]\n",
			"conflicting sourcePolicy for source \"quay.io/a\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := installconfig.Migrate([]byte(head+tc.body), "x.yaml", config.Default())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range res.Results {
				got = append(got, string(r.Severity)+": "+r.Message)
			}
			if !result.Failed(res.Results) || res.Out != nil || !strings.Contains(strings.Join(got, "\n"), tc.want) {
				t.Fatalf("got %q, out %q; want an error with %q", got, res.Out, tc.want)
			}
		})
	}
}
