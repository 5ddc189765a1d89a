package diff_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/diff"
	"github.com/mirrorset/mirrorset/pkg/nodeimpact"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

const commandBase = `apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: release}
spec:
  imageDigestMirrors:
  - source: quay.io/team
    mirrors: [mirror.example.com/team]
`

// The head adds a digest mirror: a rollout with a CRI-O reload, no drain.
const commandHead = `apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: release}
spec:
  imageDigestMirrors:
  - source: quay.io/team
    mirrors: [mirror.example.com/team, dr.example.com/team]
`

// The API server refuses a source with a tag.
const commandRefused = `apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: release}
spec:
  imageDigestMirrors:
  - source: quay.io/team:1
    mirrors: [mirror.example.com/team]
`

func TestCommandRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	base, head, refused := write("base.yaml", commandBase), write("head.yaml", commandHead), write("refused.yaml", commandRefused)
	tests := []struct {
		name       string
		cmd        diff.Command
		stdin      string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "a rollout", cmd: diff.Command{Base: []string{base}, Head: []string{head}},
			wantStdout: "nodes: rollout, CRI-O reload"},
		{name: "the head on standard input", cmd: diff.Command{Base: []string{base}, Head: []string{"-"}}, stdin: commandHead,
			wantStdout: "nodes: rollout, CRI-O reload"},
		{name: "markdown", cmd: diff.Command{Base: []string{base}, Head: []string{head}, Output: "markdown"}, wantStdout: "|"},
		{name: "below --fail-on", cmd: diff.Command{Base: []string{base}, Head: []string{head}, FailOn: nodeimpact.Drain, FailOnName: "drain"},
			wantStdout: "nodes: rollout"},
		{name: "at --fail-on", cmd: diff.Command{Base: []string{base}, Head: []string{head}, FailOn: nodeimpact.Reload, FailOnName: "reload"}, wantCode: 1,
			wantStdout: "nodes: rollout", wantStderr: "error: the change reaches --fail-on reload: "},
		{name: "a refused head", cmd: diff.Command{Base: []string{base}, Head: []string{refused}}, wantCode: 1,
			wantStderr: "error: head refused by the API server: "},
		{name: "a missing base", cmd: diff.Command{Base: []string{filepath.Join(dir, "none.yaml")}, Head: []string{head}}, wantCode: 1,
			wantStderr: "error: base: "},
		{name: "a missing template", cmd: diff.Command{Base: []string{base}, Head: []string{head}, Render: registriesconf.FileOptions{Template: filepath.Join(dir, "none.conf")}}, wantCode: 1,
			wantStderr: "error: open " + filepath.Join(dir, "none.conf")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := tc.cmd.Run(nil, strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantStdout, stdout.String())
			}
			if !strings.HasPrefix(stderr.String(), tc.wantStderr) || tc.wantStderr == "" && stderr.Len() > 0 {
				t.Errorf("stderr %q, want it to begin %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}

func TestCommandRunJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, head := filepath.Join(dir, "base.yaml"), filepath.Join(dir, "head.yaml")
	for p, content := range map[string]string{base: commandBase, head: commandHead} {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := (diff.Command{Base: []string{base}, Head: []string{head}, Output: "json"}).Run(nil, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep diff.JSONReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, stdout.String())
	}
	if rep.SchemaVersion != diff.SchemaVersion {
		t.Errorf("schemaVersion %d, want %d", rep.SchemaVersion, diff.SchemaVersion)
	}
}
