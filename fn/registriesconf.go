package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

const registriesConfUsage = `Usage: mirrorset registries-conf [flags] [FILE|DIR|-]...

Print /etc/containers/registries.conf as the Machine Config Operator writes it
on every node, from the ImageContentSourcePolicy, ImageDigestMirrorSet and
ImageTagMirrorSet objects and the Image named cluster (image.config.openshift.io)
found in the files, the folders (every *.yaml and *.yml under them) and, for
"-" or no argument, standard input. A ConfigMap with a registries.conf key
(the mirror ConfigMap of agent-based and assisted installs) adds the mirror
rules of its file, as "mirrorset import" reads them. Other objects are
ignored. Lists and ResourceLists are unwrapped.

When the MCO would refuse the objects, print its error and exit 1: the nodes
then keep the registries.conf they have.

Flags:
`

// renderFlags registers the flags of registries-conf, also taken by explain,
// images and diff.
func renderFlags(fs *pflag.FlagSet, f *registriesconf.FileOptions) {
	fs.StringVar(&f.ReleaseImage, "release-image", "", "the cluster's release image `pull spec` (ClusterVersion status.desired.image); with it, a\nblocked registry that holds the payload is dropped or kept as the MCO decides")
	fs.StringVar(&f.Template, "template", "", "the registries.conf `file` the MCO starts from (default: the MCO's own template)")
}

func registriesConfCommand(fs *pflag.FlagSet) (func([]string) error, runFunc) {
	var rf registriesconf.FileOptions
	renderFlags(fs, &rf)
	var check func([]string) error
	return check, func(paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
		res, _, err := rf.RenderFiles(paths, stdin, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		if !res.Rewritten {
			fmt.Fprintln(stderr, "note: nothing to apply: the MCO writes no registries.conf and the nodes keep the template's")
		}
		if _, err := stdout.Write(res.Conf); err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		return 0
	}
}
