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
