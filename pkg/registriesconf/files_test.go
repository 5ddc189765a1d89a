package registriesconf_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

const filesIDMS = `apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: a}
spec:
  imageDigestMirrors:
  - source: quay.io/team
    mirrors: [mirror.example.com/team]
`

// An Image named other than cluster: ReadInput warns that the MCO ignores it.
const filesOtherImage = `apiVersion: config.openshift.io/v1
kind: Image
metadata: {name: other}
spec: {}
`

// Two entries for one source with different policies: the MCO refuses.
const filesConflict = filesIDMS + `---
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: b}
spec:
  imageDigestMirrors:
  - source: quay.io/team
    mirrors: [other.example.com/team]
    mirrorSourcePolicy: NeverContactSource
`

func TestFileOptionsRenderFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	idms := write("idms.yaml", filesIDMS)
	template := write("template.conf", "unqualified-search-registries = ['registry.example.com']\n")
	tests := []struct {
		name         string
		opts         registriesconf.FileOptions
		paths        []string
		stdin        string
		wantConf     []string // in the rendered file
		wantWarnings string
		wantErr      string
		refused      bool // the error is the MCO's, and says so
	}{
		{name: "a file", paths: []string{idms}, wantConf: []string{`location = "quay.io/team"`, `location = "mirror.example.com/team"`, "registry.access.redhat.com"}},
		{name: "standard input when no path", stdin: filesIDMS, wantConf: []string{`location = "mirror.example.com/team"`}},
		{name: "a template file", opts: registriesconf.FileOptions{Template: template}, paths: []string{idms}, wantConf: []string{"registry.example.com", `location = "mirror.example.com/team"`}},
		{name: "the warnings of the input", stdin: filesIDMS + "---\n" + filesOtherImage, wantConf: []string{"mirror.example.com"}, wantWarnings: "warning: Image \"other\""},
		{name: "a missing template", opts: registriesconf.FileOptions{Template: filepath.Join(dir, "none.conf")}, paths: []string{idms}, wantErr: "none.conf"},
		{name: "a missing input", paths: []string{filepath.Join(dir, "none.yaml")}, wantErr: "none.yaml"},
		{name: "refused by the MCO", stdin: filesConflict, wantErr: "the nodes keep their registries.conf: ", refused: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var warnings bytes.Buffer
			res, in, err := tc.opts.RenderFiles(tc.paths, strings.NewReader(tc.stdin), &warnings)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				if unwrapped := errors.Unwrap(err); tc.refused && (unwrapped == nil || strings.Contains(unwrapped.Error(), "keep their")) {
					t.Errorf("the MCO's error is not wrapped: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.wantConf {
				if !strings.Contains(string(res.Conf), want) {
					t.Errorf("registries.conf lacks %q:\n%s", want, res.Conf)
				}
			}
			if len(in.Sets) == 0 {
				t.Errorf("no mirror sets in the input")
			}
			if tc.wantWarnings == "" && warnings.Len() > 0 || !strings.Contains(warnings.String(), tc.wantWarnings) {
				t.Errorf("warnings %q, want %q", warnings.String(), tc.wantWarnings)
			}
		})
	}
}

func TestReadInputFiles(t *testing.T) {
	t.Parallel()
	var warnings bytes.Buffer
	// A conflict is the MCO's to refuse, when it renders: reading takes it.
	in, err := registriesconf.ReadInputFiles(nil, strings.NewReader(filesConflict+"---\n"+filesOtherImage), &warnings)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Sets) != 2 {
		t.Errorf("%d sets, want 2", len(in.Sets))
	}
	if !strings.HasPrefix(warnings.String(), "warning: ") || !strings.Contains(warnings.String(), "other") {
		t.Errorf("warnings %q, want the ignored Image", warnings.String())
	}
}
