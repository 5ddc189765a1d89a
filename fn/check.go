package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/mirrorset/mirrorset/pkg/checkfiles"
)

const checkUsage = `Usage: mirrorset check [flags] [FILE|DIR|-]...

Run the KRM function's checks on the objects in the files, the folders (every
*.yaml and *.yml under them) and, for "-" or no argument, standard input,
without changing anything: what the cluster would refuse (errors) and what the
function would warn about (warnings). Lists and ResourceLists are unwrapped.

Each problem is printed on stdout as
  FILE:LINE:COLUMN: severity: message
where LINE:COLUMN is the field's place in the file ("<stdin>" for standard
input); a problem that is about no one object has no place.

Exit code 1 when any error is found, 0 otherwise (warnings included), 2 for a
usage error.

Flags:
`

func checkCommand(fs *pflag.FlagSet) (func([]string) error, runFunc) {
	output := fs.String("output", "text", "`text` (FILE:LINE:COLUMN: severity: message) or github (GitHub Actions annotations)")
	configFile := fs.String("config", "", "a functionConfig `file` (ConfigMap or MirrorSetConfig), as the function would get")
	check := func([]string) error {
		if *output != "text" && *output != "github" {
			return fmt.Errorf("--output %q: use text or github", *output)
		}
		return nil
	}
	return check, func(paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
		return checkfiles.Run(checkfiles.Options{GitHub: *output == "github", ConfigFile: *configFile}, paths, stdin, stdout, stderr)
	}
}
