package main

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/version"
)

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	want := version.Get().String() + "\n"
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string // exact, when set
		stderr string // a part of it
	}{
		{args: []string{"version"}, stdout: want},
		{args: []string{"--version"}, stdout: want},
		{args: []string{"version", "--output", "text"}, stdout: want},
		{args: []string{"version", "--output", "yaml"}, code: 2, stderr: `--output: "yaml" is not text or json`},
		{args: []string{"version", "extra"}, code: 2, stderr: `unexpected argument "extra"`},
		{args: []string{"version", "--help"}, stdout: versionUsage + "  -h, --help          help for version\n      --output text   text (one line) or json (for scripts) (default \"text\")\n"},
		// The flag package's single-dash long flags are still taken.
		{args: []string{"-version"}, stdout: want},
		{args: []string{"version", "-output", "text"}, stdout: want},
		{args: []string{"version", "-output=text"}, stdout: want},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, strings.NewReader(""), &stdout, &stderr); code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			if tc.code == 0 && stdout.String() != tc.stdout {
				t.Errorf("stdout:\n%q\nwant\n%q", stdout.String(), tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr:\n%s\nwant it to contain %q", stderr.String(), tc.stderr)
			}
		})
	}
}

func TestVersionJSON(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"version", "--output", "json"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var got map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout.String())
	}
	if got["goVersion"] != runtime.Version() || got["version"] != version.Get().Version ||
		got["platform"] != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("JSON = %s", stdout.String())
	}
}
