package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/lint"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/result"
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
		if len(paths) == 0 {
			paths = []string{manifests.Stdin}
		}
		cfg, err := migrateFlags{configFile: *configFile}.functionConfig(nil)
		if err != nil {
			fmt.Fprintf(stderr, "error: --config: %v\n", err)
			return 2
		}
		// Every input that reads is checked, so that one run lists every
		// problem; one that does not is a finding of its own.
		var found lint.Findings
		var sources []lint.Source
		for _, p := range paths {
			name := p
			if p == manifests.Stdin {
				name = manifests.StdinName
			}
			objs, err := manifests.Read([]string{p}, stdin)
			if err != nil {
				found = append(found, lint.Finding{File: name, Severity: result.Error, Message: readError(err, p)})
				continue
			}
			sources = append(sources, sourcesOf(objs, name)...)
		}
		checked, err := lint.Check(sources, cfg)
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		found = append(found, checked...)
		write := lint.Finding.Text
		if *output == "github" {
			write = lint.Finding.GitHub
		}
		for _, f := range found {
			if _, err := io.WriteString(stdout, write(f)); err != nil {
				fmt.Fprintf(stderr, "error: %v\n", err)
				return 1
			}
		}
		if found.Failed() {
			return 1
		}
		return 0
	}
}

// sourcesOf splits the objects read for one argument (a folder gives many
// files) by the file each came from.
func sourcesOf(objs []*yaml.RNode, arg string) []lint.Source {
	var out []lint.Source
	for _, o := range objs {
		name := arg
		if arg != manifests.StdinName {
			name = manifests.Path(o)
		}
		if len(out) == 0 || out[len(out)-1].Name != name {
			out = append(out, lint.Source{Name: name})
		}
		out[len(out)-1].Objects = append(out[len(out)-1].Objects, o)
	}
	return out
}

// readError is err without the file name that the finding's place gives.
func readError(err error, path string) string {
	return strings.TrimPrefix(err.Error(), path+": ")
}
