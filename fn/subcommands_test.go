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

var updateSubcommands = flag.Bool("update-subcommands", false, "rewrite the golden files of testdata/subcommands/")

// subcommands are the entry points these golden cases run, by name.
var subcommands = map[string]func([]string, io.Reader, io.Writer, io.Writer) int{
	"registries-conf": runCommand("registries-conf"),
	"explain":         runCommand("explain"),
	"images":          runCommand("images"),
	"import":          runCommand("import"),
	"migrate":         runMigrate,
}

// runCommand runs the subcommand name with the arguments it is given.
func runCommand(name string) func([]string, io.Reader, io.Writer, io.Writer) int {
	return func(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
		return run(append([]string{name}, args...), stdin, stdout, stderr)
	}
}

var (
	runDiff    = runCommand("diff")
	runMigrate = runCommand("migrate")
)

// TestSubcommandsGolden runs each testdata/subcommands/<case>/args (the
// subcommand, then one argument per line; paths are relative to fn/), with
// the case's stdin file if any, and compares stdout, stderr and the exit
// code with the files of those names. -update-subcommands rewrites them;
// read every diff before keeping it.
func TestSubcommandsGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/subcommands/*/args")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, argsFile := range cases {
		dir := filepath.Dir(argsFile)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b, err := os.ReadFile(argsFile)
			if err != nil {
				t.Fatal(err)
			}
			args := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
			run, ok := subcommands[args[0]]
			if !ok {
				t.Fatalf("unknown subcommand %q", args[0])
			}
			var stdin io.Reader = strings.NewReader("")
			if b, err := os.ReadFile(filepath.Join(dir, "stdin")); err == nil {
				stdin = bytes.NewReader(b)
			}
			var stdout, stderr bytes.Buffer
			code := run(args[1:], stdin, &stdout, &stderr)
			goldenfile.MatchOptional(t, filepath.Join(dir, "stdout"), stdout.String(), *updateSubcommands)
			goldenfile.MatchOptional(t, filepath.Join(dir, "stderr"), stderr.String(), *updateSubcommands)
			goldenfile.MatchOptional(t, filepath.Join(dir, "exit"), strconv.Itoa(code)+"\n", *updateSubcommands)
		})
	}
}
