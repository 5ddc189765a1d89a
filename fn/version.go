package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/mirrorset/mirrorset/pkg/version"
)

const versionUsage = `Usage: mirrorset version [--output text|json]

Print the version of mirrorset, the commit it was built from (with its time,
and "modified" when the tree had uncommitted changes) and the Go toolchain
and platform it was built for. "mirrorset --version" prints the same line.

Flags:
`

func versionCommand(fs *pflag.FlagSet) (func([]string) error, runFunc) {
	output := fs.String("output", "text", "`text` (one line) or json (for scripts)")
	check := func(p []string) error {
		if len(p) > 0 {
			return fmt.Errorf("unexpected argument %q", p[0])
		}
		if *output != "text" && *output != "json" {
			return fmt.Errorf("--output: %q is not text or json", *output)
		}
		return nil
	}
	return check, func(_ []string, stdin io.Reader, stdout, stderr io.Writer) int {
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
}
