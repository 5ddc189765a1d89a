package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/mirrorset/mirrorset/pkg/version"
)

const versionUsage = `Usage: mirrorset version [--output text|json]

Print the version of mirrorset, the commit it was built from (with its time,
and "modified" when the tree had uncommitted changes) and the Go toolchain
and platform it was built for. "mirrorset --version" prints the same line.

Flags:
`

func runVersion(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	output := fs.String("output", "text", "`text` (one line) or json (for scripts)")
	_, code, done := parseCommand(fs, versionUsage, args, stdout, stderr, func(p []string) error {
		if len(p) > 0 {
			return fmt.Errorf("unexpected argument %q", p[0])
		}
		if *output != "text" && *output != "json" {
			return fmt.Errorf("--output: %q is not text or json", *output)
		}
		return nil
	})
	if done {
		return code
	}
	info := version.Get()
	if *output == "json" {
		b, err := json.MarshalIndent(info, "", "  ")
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return 0
	}
	fmt.Fprintln(stdout, info)
	return 0
}
