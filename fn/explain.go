package main

import (
	"errors"
	"io"

	"github.com/spf13/pflag"

	"github.com/mirrorset/mirrorset/pkg/explainfiles"
)

const explainUsage = `Usage: mirrorset explain [flags] IMAGE_REF [FILE|DIR|-]...

Tell where a node pulls IMAGE_REF from: every location it tries, in order,
the mirror-set entry that put each there, and which are blocked. The
registries.conf is rendered as "mirrorset registries-conf" does from the
objects in the files, the folders and, for "-" or no argument, standard
input; with --registries-conf, that file is used instead and the objects, if
any, only name the origins. IMAGE_REF needs its registry host; with neither
tag nor digest it means :latest, as for the node.

Flags:
`

func explainCommand(fs *pflag.FlagSet) (func([]string) error, runFunc) {
	var o explainfiles.Options
	renderFlags(fs, &o.Render)
	fs.StringVar(&o.Conf, "registries-conf", "", "explain with this registries.conf `file` (as found on a node) instead of rendering one")
	check := func(p []string) error {
		if len(p) == 0 {
			return errors.New("missing IMAGE_REF")
		}
		return nil
	}
	return check, func(positional []string, stdin io.Reader, stdout, stderr io.Writer) int {
		return explainfiles.Run(o, positional[0], positional[1:], stdin, stdout, stderr)
	}
}
