package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRoot covers what the root command does with its arguments: help,
// a bare argument, an unknown flag, and the flag package's single-dash long
// flags, still taken since the move to cobra.
func TestRoot(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args           []string
		code           int
		stdout, stderr string // stdout exact when set; a part of stderr
	}{
		{args: []string{"--help"}, stdout: usage},
		{args: []string{"-h"}, stdout: usage},
		{args: []string{"-help"}, stdout: usage},
		{args: []string{"help"}, stdout: usage},
		{args: []string{"help", "check"}, stdout: checkUsage},
		{args: []string{"check", "-help"}, stdout: checkUsage},
		{args: []string{"resourcelist.yaml"}, code: 2, stderr: "error: unknown argument \"resourcelist.yaml\"\n\n" + usage},
		{args: []string{"-"}, code: 2, stderr: `unknown argument "-"`},
		{args: []string{"--nope"}, code: 2, stderr: "error: unknown flag: --nope\n\n" + usage},
		{args: []string{"check", "-o", "github"}, code: 2, stderr: "error: unknown shorthand flag: 'o' in -o\n" + checkUsage},
		{args: []string{"nope"}, code: 2, stderr: `unknown argument "nope"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, strings.NewReader(""), &stdout, &stderr); code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			if tc.stdout != "" && !strings.HasPrefix(stdout.String(), tc.stdout) {
				t.Errorf("stdout:\n%s\nwant it to start with\n%s", stdout.String(), tc.stdout)
			}
			if tc.code != 0 && stdout.Len() > 0 {
				t.Errorf("stdout on a usage error:\n%s", stdout.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr:\n%s\nwant it to contain\n%s", stderr.String(), tc.stderr)
			}
		})
	}
}

// TestSingleDashFlags runs one check with a flag in each form the flag
// package took (and pflag's --flag=value): each gives the same output.
func TestSingleDashFlags(t *testing.T) {
	t.Parallel()
	in := "testdata/check/inputs"
	var want bytes.Buffer
	wantCode := run([]string{"check", "--output", "github", in}, strings.NewReader(""), &want, &bytes.Buffer{})
	if !strings.HasPrefix(want.String(), "::") {
		t.Fatalf("check --output github printed no annotation:\n%s", want.String())
	}
	for _, args := range [][]string{
		{"check", "--output=github", in},
		{"check", "-output", "github", in},
		{"check", "-output=github", in},
		{"check", in, "-output", "github"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(args, strings.NewReader(""), &stdout, &stderr)
		if code != wantCode || stdout.String() != want.String() {
			t.Errorf("%q: exit %d, want %d; stdout:\n%s\nstderr:\n%s", args, code, wantCode, stdout.String(), stderr.String())
		}
	}
}

// TestCompletion runs cobra's completion generators for each shell, checks
// bash's script with bash -n, and asks the hidden __complete command (what
// the scripts call) for the commands and for a command's flags.
func TestCompletion(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := run([]string{"completion", shell}, strings.NewReader(""), &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
			}
			script := stdout.String()
			if !strings.Contains(script, "mirrorset __complete") && !strings.Contains(script, "__complete") {
				t.Errorf("the %s script does not call __complete:\n%.500s", shell, script)
			}
			if shell != "bash" {
				return
			}
			path := filepath.Join(t.TempDir(), "mirrorset.bash")
			if err := os.WriteFile(path, stdout.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
				t.Errorf("bash -n: %v\n%s", err, out)
			}
		})
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", ""}, []string{"check\t", "completion\t", "diff\t", "explain\t", "images\t", "import\t", "migrate\t", "registries-conf\t", "version\t"}},
		{[]string{"__complete", "im"}, []string{"images\t", "import\t"}},
		{[]string{"__complete", "check", "--"}, []string{"--config\t", "--output\t"}},
		{[]string{"__complete", "diff", "--b"}, []string{"--base\t", "--base-ref\t"}},
		{[]string{"__complete", "check", "--output", ""}, []string{"text\n", "github\n"}},
		{[]string{"__complete", "diff", "--fail-on", "d"}, []string{"drain\n"}},
		{[]string{"__complete", "migrate", "--layout", ""}, []string{"preserve\n", "per-registry\n"}},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Errorf("%q: exit %d; stderr:\n%s", tc.args, code, stderr.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(stdout.String(), "\n"+w) && !strings.HasPrefix(stdout.String(), w) {
				t.Errorf("%q: no %q in\n%s", tc.args, w, stdout.String())
			}
		}
	}
}
