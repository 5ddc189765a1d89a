package importer

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const conf = `[[registry]]
  location = "quay.io/team"

  [[registry.mirror]]
    location = "mirror.example.com/team"
    pull-from-mirror = "digest-only"

  [[registry.mirror]]
    location = "cache.example.com/team"
    pull-from-mirror = "tag-only"
`

// other says other mirror rules than conf.
const other = `[[registry]]
  location = "quay.io/other"

  [[registry.mirror]]
    location = "mirror.example.com/other"
    pull-from-mirror = "digest-only"
`

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	confFile, otherFile := write("a.conf", conf), write("b.conf", other)
	empty := write("empty.conf", "unqualified-search-registries = ['registry.example.com']\n")
	insecure := write("insecure.conf", "[[registry]]\n  location = \"quay.io/x\"\n  insecure = true\n\n  [[registry.mirror]]\n    location = \"m.example.com/x\"\n    pull-from-mirror = \"digest-only\"\n")
	tests := []struct {
		name       string
		opts       Options
		paths      []string
		stdin      string
		wantCode   int
		wantStdout []string // in order
		wantStderr string
	}{
		{name: "printed", opts: Options{Name: "team"}, paths: []string{confFile}, wantStdout: []string{
			"kind: ImageDigestMirrorSet\nmetadata:\n  name: team\n", "mirror.example.com/team", "---\n",
			"kind: ImageTagMirrorSet\nmetadata:\n  name: team\n", "cache.example.com/team"}},
		{name: "standard input", opts: Options{Name: "team"}, stdin: conf, wantStdout: []string{"kind: ImageDigestMirrorSet"}},
		{name: "the same rules twice", opts: Options{Name: "team"}, paths: []string{confFile, confFile}, wantStdout: []string{"kind: ImageDigestMirrorSet"}},
		{name: "other rules", opts: Options{Name: "team"}, paths: []string{confFile, otherFile}, wantCode: 1,
			wantStderr: otherFile + " says other mirror rules than " + confFile + ": import them one at a time\n1 error; nothing written\n"},
		{name: "what the objects cannot say", opts: Options{Name: "team"}, paths: []string{insecure}, wantCode: 1, wantStderr: "insecure = true"},
		{name: "no mirror rules", opts: Options{Name: "team"}, paths: []string{empty}, wantStderr: "warning: the file has no mirror rules; nothing written\n"},
		{name: "no registries.conf", opts: Options{Name: "team"}, stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", wantCode: 1,
			wantStderr: "error: no registries.conf found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := Run(tc.opts, tc.paths, strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr %q, want %q", stderr.String(), tc.wantStderr)
			}
			out := stdout.String()
			for _, want := range tc.wantStdout {
				i := strings.Index(out, want)
				if i < 0 {
					t.Fatalf("stdout lacks %q, in order:\n%s", want, stdout.String())
				}
				out = out[i+len(want):]
			}
			if tc.wantStdout == nil && stdout.Len() > 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
}

func TestRunDestDir(t *testing.T) {
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	if code := Run(Options{Name: "team", DestDir: dest}, nil, strings.NewReader(conf), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	idms, itms := filepath.Join(dest, "imagedigestmirrorset_team.yaml"), filepath.Join(dest, "imagetagmirrorset_team.yaml")
	if want := idms + "\n" + itms + "\n"; stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
	for _, p := range []string{idms, itms} {
		if b, err := os.ReadFile(p); err != nil || !strings.Contains(string(b), "name: team\n") {
			t.Errorf("%s: %q, %v", p, b, err)
		}
	}
}
