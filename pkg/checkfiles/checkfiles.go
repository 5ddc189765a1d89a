// Package checkfiles runs `mirrorset check`: it reads each input (a file, a
// folder, standard input), splits the objects by the file they came from,
// runs the KRM function's checks on them (package lint) and prints every
// problem at its place, FILE:LINE:COLUMN. An input that cannot be read is a
// finding of its own, so that one run lists every problem.
package checkfiles

import (
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/lint"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// Options are what the command's flags say.
type Options struct {
	GitHub     bool   // print GitHub Actions annotations, not FILE:LINE:COLUMN lines
	ConfigFile string // a functionConfig file, "" for none
}

// Run checks the objects of paths (standard input for none, or "-") and
// prints the findings on stdout. It returns the exit code: 0 no error found,
// 1 an error found (or one writing the findings, on stderr), 2 a bad
// functionConfig file.
func Run(o Options, paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(paths) == 0 {
		paths = []string{manifests.Stdin}
	}
	cfg, err := config.ReadFile(o.ConfigFile)
	if err != nil {
		fmt.Fprintf(stderr, "error: --config: %v\n", err)
		return 2
	}
	found, sources := Read(paths, stdin)
	checked, err := lint.Check(sources, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	found = append(found, checked...)
	write := lint.Finding.Text
	if o.GitHub {
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

// Read reads each of paths and returns the objects as sources, one per
// file, and a finding for each path that cannot be read (the path is its
// file, without a place).
func Read(paths []string, stdin io.Reader) (lint.Findings, []lint.Source) {
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
	return found, sources
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
