package migrate

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const icsp = `apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata: {name: legacy}
spec:
  repositoryDigestMirrors:
  - source: quay.io/team
    mirrors: [mirror.example.com/team]
`

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		opts       Options // DestDir is set to a new folder unless noDest
		noDest     bool
		stdin      string
		wantCode   int
		wantFiles  []string // the names written into DestDir
		wantStderr string
	}{
		{name: "an ICSP", stdin: icsp, wantFiles: []string{"imagedigestmirrorset_legacy.yaml"}},
		{name: "tag mirrors too", opts: Options{Fields: map[string]string{"tagMirrors": "true"}}, stdin: icsp,
			wantFiles: []string{"imagedigestmirrorset_legacy.yaml", "imagetagmirrorset_legacy.yaml"}},
		{name: "a bad flag", opts: Options{Fields: map[string]string{"layout": "sideways"}}, stdin: icsp, wantCode: 1,
			wantStderr: "error: --layout: "},
		{name: "nothing to migrate", stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
			wantStderr: "warning: no ImageContentSourcePolicy"},
		{name: "new objects without --dest-dir", opts: Options{InPlace: true}, noDest: true, stdin: icsp, wantCode: 1,
			wantStderr: "error: --dest-dir is required for the new objects"},
		{name: "input that does not parse", stdin: "a: [\n", wantCode: 1, wantStderr: "1 error; nothing written\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := tc.opts
			dest := filepath.Join(t.TempDir(), "out")
			if !tc.noDest {
				o.DestDir = dest
			}
			var stdout, stderr bytes.Buffer
			code := Run(o, nil, strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr %q, want %q", stderr.String(), tc.wantStderr)
			}
			entries, _ := os.ReadDir(dest)
			var got, listed []string
			for _, e := range entries {
				got = append(got, e.Name())
				listed = append(listed, filepath.Join(dest, e.Name()))
			}
			if !slices.Equal(got, tc.wantFiles) {
				t.Errorf("wrote %q, want %q", got, tc.wantFiles)
			}
			if want := strings.Join(listed, "\n"); strings.TrimSuffix(stdout.String(), "\n") != want {
				t.Errorf("stdout %q, want the paths written %q", stdout.String(), want)
			}
		})
	}
}

func TestMirrorObjects(t *testing.T) {
	t.Parallel()
	var items []*yaml.RNode
	for _, s := range []string{
		icsp,
		"apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {name: d}\n",
		"apiVersion: config.openshift.io/v1\nkind: ImageTagMirrorSet\nmetadata: {name: t}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
		"apiVersion: v2\nkind: ImageDigestMirrorSet\nmetadata: {name: other-group}\n",
	} {
		n, err := yaml.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, n)
	}
	var got []string
	for _, n := range mirrorObjects(items) {
		got = append(got, n.GetName())
	}
	if want := []string{"legacy", "d", "t"}; !slices.Equal(got, want) {
		t.Errorf("mirrorObjects kept %q, want %q", got, want)
	}
}
