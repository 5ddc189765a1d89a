package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/mirrorset/mirrorset/pkg/explain"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
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
	var rf registriesconf.FileOptions
	renderFlags(fs, &rf)
	confFile := fs.String("registries-conf", "", "explain with this registries.conf `file` (as found on a node) instead of rendering one")
	check := func(p []string) error {
		if len(p) == 0 {
			return errors.New("missing IMAGE_REF")
		}
		return nil
	}
	return check, func(positional []string, stdin io.Reader, stdout, stderr io.Writer) int {
		ref, paths := positional[0], positional[1:]
		if _, err := explain.ParseRef(ref); err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 2
		}

		var (
			conf []byte
			from explain.Origins
			err  error
		)
		if *confFile != "" {
			if conf, err = os.ReadFile(*confFile); err != nil {
				fmt.Fprintf(stderr, "error: %v\n", err)
				return 1
			}
			// Objects are optional here: read them only when named.
			if len(paths) > 0 {
				in, err := registriesconf.ReadInputFiles(paths, stdin, stderr)
				if err != nil {
					fmt.Fprintf(stderr, "error: %v\n", err)
					return 1
				}
				from = explain.Origins{Sets: in.Sets, Image: in.Image}
			}
		} else {
			res, in, err := rf.RenderFiles(paths, stdin, stderr)
			if err != nil {
				fmt.Fprintf(stderr, "error: %v\n", err)
				return 1
			}
			conf = res.Conf
			from = explain.Origins{Sets: in.Sets, Image: in.Image}
		}

		ex, err := explain.Explain(conf, ref, from)
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		if err := ex.WriteText(stdout); err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		return 0
	}
}
