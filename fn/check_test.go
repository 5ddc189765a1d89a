package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/goldenfile"
	"github.com/mirrorset/mirrorset/pkg/lint"
)

var updateCheck = flag.Bool("update-check", false, "rewrite the golden files of testdata/check/")

// TestCheckGolden runs "mirrorset check" with each testdata/check/<case>/args
// (one argument per line; paths are relative to fn/), with the case's stdin
// file if any, and compares stdout, stderr and the exit code with the files
// of those names. -update-check rewrites them; read every diff before
// keeping it.
func TestCheckGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/check/*/args")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, argsFile := range cases {
		dir := filepath.Dir(argsFile)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(argsFile)
			if err != nil {
				t.Fatal(err)
			}
			var args []string
			if s := strings.TrimRight(string(b), "\n"); s != "" {
				args = strings.Split(s, "\n")
			}
			var stdin io.Reader = strings.NewReader("")
			if b, err := os.ReadFile(filepath.Join(dir, "stdin")); err == nil {
				stdin = bytes.NewReader(b)
			}
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"check"}, args...), stdin, &stdout, &stderr)
			goldenfile.MatchOptional(t, filepath.Join(dir, "stdout"), stdout.String(), *updateCheck)
			goldenfile.MatchOptional(t, filepath.Join(dir, "stderr"), stderr.String(), *updateCheck)
			goldenfile.MatchOptional(t, filepath.Join(dir, "exit"), strconv.Itoa(code)+"\n", *updateCheck)
		})
	}
}

// TestCheckChangesNothing: check leaves its input files as they were.
func TestCheckChangesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := "apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata:\n  name: a\nspec:\n  repositoryDigestMirrors:\n  - source: quay.io/a\n    mirrors: [mirror.example.com/a]\n"
	path := filepath.Join(dir, "icsp.yaml")
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"check", path}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || string(b) != in {
		t.Fatalf("the folder changed: %d files, icsp.yaml:\n%s", len(entries), b)
	}
}

// TestWriteGitHub: the escapes of GitHub's workflow commands, in the
// message and in the file property.
func TestWriteGitHub(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		f    lint.Finding
		want string
	}{
		{lint.Finding{File: "a.yaml", Line: 3, Column: 5, Severity: "error", Message: "100% bad\r\nvery"},
			"::error file=a.yaml,line=3,col=5::100%25 bad%0D%0Avery\n"},
		{lint.Finding{File: "dir,x/a:b.yaml", Line: 1, Column: 1, Severity: "warning", Message: "m: n, o"},
			"::warning file=dir%2Cx/a%3Ab.yaml,line=1,col=1::m: n, o\n"},
		{lint.Finding{File: "a.yaml", Severity: "error", Message: "cannot read"},
			"::error file=a.yaml::cannot read\n"},
		{lint.Finding{Severity: "error", Message: "about no object"},
			"::error::about no object\n"},
		{lint.Finding{File: "<stdin>", Line: 2, Column: 3, Severity: "error", Message: "m"},
			"::error::<stdin>:2:3: m\n"},
	} {
		if got := writeGitHub(tc.f); got != tc.want {
			t.Errorf("writeGitHub(%+v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}
