package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/manifests"
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

// renderFlags are the flags of registries-conf, also taken by explain.
type renderFlags struct {
	releaseImage string
	template     string
}

func (f *renderFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.releaseImage, "release-image", "", "the cluster's release image `pull spec` (ClusterVersion status.desired.image); with it, a\nblocked registry that holds the payload is dropped or kept as the MCO decides")
	fs.StringVar(&f.template, "template", "", "the registries.conf `file` the MCO starts from (default: the MCO's own template)")
}

func (f *renderFlags) options() (registriesconf.Options, error) {
	opts := registriesconf.Options{ReleaseImage: f.releaseImage}
	if f.template != "" {
		b, err := os.ReadFile(f.template)
		if err != nil {
			return opts, err
		}
		opts.Template = b
	}
	return opts, nil
}

func registriesConfCommand(fs *pflag.FlagSet) (func([]string) error, runFunc) {
	var rf renderFlags
	rf.register(fs)
	var check func([]string) error
	return check, func(paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
		res, _, err := rf.render(paths, stdin, stderr)
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

// render reads the objects named by paths and renders what the nodes get;
// its warnings go to stderr.
func (f *renderFlags) render(paths []string, stdin io.Reader, stderr io.Writer) (*registriesconf.Result, *registriesconf.Input, error) {
	nodes, err := readNodes(paths, stdin)
	if err != nil {
		return nil, nil, err
	}
	return f.renderNodes(nodes, stderr)
}

// renderNodes is render on objects already read.
func (f *renderFlags) renderNodes(nodes []*yaml.RNode, stderr io.Writer) (*registriesconf.Result, *registriesconf.Input, error) {
	opts, err := f.options()
	if err != nil {
		return nil, nil, err
	}
	in, err := inputOf(nodes, stderr)
	if err != nil {
		return nil, nil, err
	}
	opts.Image = in.Image
	res, err := registriesconf.Render(in.Sets, opts)
	if err != nil {
		return nil, nil, renderError{err}
	}
	warn(stderr, res.Warnings)
	return res, in, nil
}

// renderError is the MCO refusing to render: the nodes keep what they have.
type renderError struct{ err error }

func (e renderError) Error() string { return "the nodes keep their registries.conf: " + e.err.Error() }
func (e renderError) Unwrap() error { return e.err }

// readInput reads the manifests named by paths (stdin when there are none)
// and picks the objects registries.conf is rendered from.
func readInput(paths []string, stdin io.Reader, stderr io.Writer) (*registriesconf.Input, error) {
	nodes, err := readNodes(paths, stdin)
	if err != nil {
		return nil, err
	}
	return inputOf(nodes, stderr)
}

// readNodes reads the manifests named by paths, stdin when there are none.
func readNodes(paths []string, stdin io.Reader) ([]*yaml.RNode, error) {
	if len(paths) == 0 {
		paths = []string{manifests.Stdin}
	}
	return manifests.Read(paths, stdin)
}

// inputOf picks the objects registries.conf is rendered from.
func inputOf(nodes []*yaml.RNode, stderr io.Writer) (*registriesconf.Input, error) {
	in, err := registriesconf.ReadInput(nodes)
	if err != nil {
		return nil, err
	}
	warn(stderr, in.Warnings)
	return in, nil
}

func warn(w io.Writer, warnings []string) {
	for _, m := range warnings {
		fmt.Fprintf(w, "warning: %s\n", m)
	}
}
