package imagelist

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/imagepull"
)

// quay.io/team never contacts its source and has digest mirrors only: a pull
// by digest goes to the mirror, a pull by tag cannot be made.
const input = `apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: team}
spec:
  imageDigestMirrors:
  - source: quay.io/team
    mirrors: [mirror.example.com/team]
    mirrorSourcePolicy: NeverContactSource
---
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
  - name: by-digest
    image: quay.io/team/app@sha256:1111111111111111111111111111111111111111111111111111111111111111
  - name: by-tag
    image: quay.io/team/app:v1
`

const pullable = `apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
  - name: app
    image: ghcr.io/acme/app:v1
`

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		opts       Options
		stdin      string
		wantCode   int
		wantStdout []string
		wantStderr string
	}{
		{name: "a table", opts: Options{FailOn: imagepull.FailOnUnpullable}, stdin: input, wantCode: 1,
			wantStdout: []string{"IMAGE", "quay.io/team/app@sha256:", "mirror.example.com/team/app@sha256:", "quay.io/team/app:v1"},
			wantStderr: "2 image references: yes 1, no 1\n"},
		{name: "fail on none", opts: Options{FailOn: imagepull.FailOnNone}, stdin: input, wantStdout: []string{"quay.io/team/app:v1"}},
		{name: "all pullable", opts: Options{FailOn: imagepull.FailOnUnpullable}, stdin: pullable, wantStdout: []string{"ghcr.io/acme/app:v1"},
			wantStderr: "1 image reference"},
		{name: "a bad input", opts: Options{FailOn: imagepull.FailOnNone}, stdin: "a: [\n", wantCode: 1, wantStderr: "error: <stdin>: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := Run(tc.opts, nil, strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.wantCode, stderr.String())
			}
			for _, want := range tc.wantStdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr %q, want %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}

// JSON goes to stdout alone: no summary on stderr.
func TestRunJSON(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := Run(Options{JSON: true, FailOn: imagepull.FailOnUnpullable}, nil, strings.NewReader(input), &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1 (an image cannot be pulled); stderr:\n%s", code, stderr.String())
	}
	var rows []map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rows); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout.String())
	}
	if len(rows) != 2 || rows[0]["pullable"] != "yes" || rows[1]["pullable"] != "no" {
		t.Errorf("rows %v, want the digest pullable and the tag not", rows)
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr %q, want nothing", stderr.String())
	}
}
