// Package explainfiles runs `mirrorset explain`: it takes the registries.conf
// of a node, from a file or rendered from the objects of files (package
// registriesconf), and tells where the node pulls one image from (package
// explain).
package explainfiles

import (
	"fmt"
	"io"
	"os"

	"github.com/mirrorset/mirrorset/pkg/explain"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// Options are what the command's flags say.
type Options struct {
	Render registriesconf.FileOptions
	// Conf is a registries.conf file to explain with instead of rendering
	// one; the objects, if any, then only name the origins.
	Conf string
}

// Run explains the pulls of ref with the objects of paths (standard input
// for none, or "-") and writes the explanation on stdout; warnings and
// errors go to stderr. It returns the exit code: 0 explained, 1 an input
// cannot be read or rendered, 2 ref is not an image reference.
func Run(o Options, ref string, paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if _, err := explain.ParseRef(ref); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 2
	}
	conf, from, err := confOf(o, paths, stdin, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
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

// confOf is the registries.conf to explain with, and the objects that made
// it; warnings go to stderr.
func confOf(o Options, paths []string, stdin io.Reader, stderr io.Writer) ([]byte, explain.Origins, error) {
	if o.Conf == "" {
		res, in, err := o.Render.RenderFiles(paths, stdin, stderr)
		if err != nil {
			return nil, explain.Origins{}, err
		}
		return res.Conf, explain.Origins{Sets: in.Sets, Image: in.Image}, nil
	}
	conf, err := os.ReadFile(o.Conf)
	if err != nil {
		return nil, explain.Origins{}, err
	}
	// Objects are optional here: read them only when named.
	if len(paths) == 0 {
		return conf, explain.Origins{}, nil
	}
	in, err := registriesconf.ReadInputFiles(paths, stdin, stderr)
	if err != nil {
		return nil, explain.Origins{}, err
	}
	return conf, explain.Origins{Sets: in.Sets, Image: in.Image}, nil
}
