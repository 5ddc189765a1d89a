package explainfiles

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

const idms = `apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: team}
spec:
  imageDigestMirrors:
  - source: quay.io/team
    mirrors: [mirror.example.com/team]
`

// A node's file with another mirror than the objects say.
const nodeConf = `[[registry]]
  prefix = ""
  location = "quay.io/team"

  [[registry.mirror]]
    location = "node.example.com/team"
    pull-from-mirror = "digest-only"
`

const ref = "quay.io/team/app@sha256:1111111111111111111111111111111111111111111111111111111111111111"

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
	objects, conf := write("idms.yaml", idms), write("node.conf", nodeConf)
	tests := []struct {
		name       string
		opts       Options
		ref        string
		paths      []string
		stdin      string
		wantCode   int
		wantStdout []string
		wantStderr string
	}{
		{name: "rendered from the objects", ref: ref, paths: []string{objects},
			wantStdout: []string{"1. mirror.example.com/team/app@sha256:", `from ImageDigestMirrorSet "team" in ` + objects}},
		{name: "standard input", ref: ref, stdin: idms, wantStdout: []string{"1. mirror.example.com/team/app@sha256:"}},
		// Without paths, standard input is not read: it would not parse.
		{name: "a node's file, no objects", opts: Options{Conf: conf}, ref: ref, stdin: "a: [\n",
			wantStdout: []string{"1. node.example.com/team/app@sha256:"}},
		{name: "a node's file and the objects", opts: Options{Conf: conf}, ref: ref, paths: []string{objects},
			wantStdout: []string{"1. node.example.com/team/app@sha256:"}},
		{name: "not an image reference", ref: "quay.io/team/App", paths: []string{objects}, wantCode: 2, wantStderr: "error: "},
		{name: "a missing node file", opts: Options{Conf: filepath.Join(dir, "none.conf")}, ref: ref, wantCode: 1, wantStderr: "none.conf"},
		{name: "a missing template", opts: Options{Render: registriesconf.FileOptions{Template: filepath.Join(dir, "none.tmpl")}}, ref: ref,
			paths: []string{objects}, wantCode: 1, wantStderr: "none.tmpl"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := Run(tc.opts, tc.ref, tc.paths, strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.wantCode, stderr.String())
			}
			for _, want := range tc.wantStdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) || tc.wantStderr == "" && stderr.Len() > 0 {
				t.Errorf("stderr %q, want %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}
