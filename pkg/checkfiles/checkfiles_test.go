package checkfiles

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/manifests"
)

const clean = `apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: clean}
spec:
  imageDigestMirrors:
  - source: quay.io/team
    mirrors: [mirror.example.com/team]
`

// The source has a tag: the API server refuses it, at line 6, column 5.
const tagged = `apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: tagged}
spec:
  imageDigestMirrors:
  - source: quay.io/team:1
    mirrors: [mirror.example.com/team]
`

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRun(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"clean.yaml":  clean,
		"tagged.yaml": tagged,
		"bad.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {layout: sideways}\n",
	})
	in := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name       string
		opts       Options
		paths      []string
		stdin      string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "clean", paths: []string{in("clean.yaml")}},
		{name: "an error, at its place", paths: []string{in("tagged.yaml")}, wantCode: 1,
			wantStdout: in("tagged.yaml") + ":6:5: error: "},
		{name: "standard input", stdin: tagged, wantCode: 1, wantStdout: "<stdin>:6:5: error: "},
		{name: "GitHub annotations", opts: Options{GitHub: true}, paths: []string{in("tagged.yaml")}, wantCode: 1,
			wantStdout: "::error file=" + in("tagged.yaml") + ",line=6,col=5"},
		{name: "an input that cannot be read is a finding", paths: []string{in("none.yaml"), in("clean.yaml")}, wantCode: 1,
			wantStdout: in("none.yaml") + ": error: "},
		{name: "a bad functionConfig is a usage error", opts: Options{ConfigFile: in("bad.yaml")}, paths: []string{in("clean.yaml")}, wantCode: 2,
			wantStderr: "error: --config: " + in("bad.yaml") + ": "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := Run(tc.opts, tc.paths, strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", code, tc.wantCode, stdout.String(), stderr.String())
			}
			if !strings.HasPrefix(stdout.String(), tc.wantStdout) || tc.wantStdout == "" && stdout.Len() > 0 {
				t.Errorf("stdout %q, want it to begin %q", stdout.String(), tc.wantStdout)
			}
			if !strings.HasPrefix(stderr.String(), tc.wantStderr) || tc.wantStderr == "" && stderr.Len() > 0 {
				t.Errorf("stderr %q, want it to begin %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}

// A folder gives one source per file, named by the file; standard input
// one named <stdin>.
func TestRead(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"a/one.yaml": clean + "---\n" + tagged, "a/two.yaml": clean, "broken.yaml": "a: [\n"})
	broken := filepath.Join(dir, "broken.yaml")
	found, sources := Read([]string{filepath.Join(dir, "a"), manifests.Stdin, broken}, strings.NewReader(clean))
	var got []string
	for _, s := range sources {
		got = append(got, strings.TrimPrefix(s.Name, dir+string(filepath.Separator))+":"+string(rune('0'+len(s.Objects))))
	}
	if want := "a/one.yaml:2 a/two.yaml:1 <stdin>:1"; strings.Join(got, " ") != want {
		t.Errorf("sources %q, want %q", strings.Join(got, " "), want)
	}
	// The finding's place names the file: its message does not again.
	if len(found) != 1 || found[0].File != broken || found[0].Message == "" || strings.Contains(found[0].Message, broken) {
		t.Errorf("findings %+v, want one for %s, its message without its name", found, broken)
	}
}
