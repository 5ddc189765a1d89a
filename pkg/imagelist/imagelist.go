// Package imagelist runs `mirrorset images`: it reads workload manifests and
// mirror objects from files, renders the nodes' registries.conf from the
// objects (package registriesconf), and lists every image of the workloads
// with whether a node can pull it (package imagepull).
package imagelist

import (
	"fmt"
	"io"

	"github.com/mirrorset/mirrorset/pkg/explain"
	"github.com/mirrorset/mirrorset/pkg/imagepull"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// Options are what the command's flags say.
type Options struct {
	Render registriesconf.FileOptions
	JSON   bool   // print JSON, not a table and a summary
	FailOn string // imagepull.FailOnUnpullable, FailOnAny or FailOnNone
}

// Run lists the images of the objects of paths (standard input for none, or
// "-") on stdout; warnings, the summary of the table and errors go to
// stderr. It returns the exit code: 0 listed, 1 an image fails o.FailOn or
// the input cannot be read or rendered.
func Run(o Options, paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
	nodes, err := manifests.ReadArgs(paths, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	res, in, err := o.Render.RenderNodes(nodes, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	c, err := imagepull.NewChecker(res.Conf, explain.Origins{Sets: in.Sets, Image: in.Image})
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	defer c.Close()
	rows, err := imagepull.Table(nodes, c)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	write := imagepull.WriteText
	if o.JSON {
		write = imagepull.WriteJSON
	}
	if err := write(stdout, rows); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	if !o.JSON {
		fmt.Fprintln(stderr, imagepull.Summary(rows))
	}
	if imagepull.Fails(rows, o.FailOn) {
		return 1
	}
	return 0
}
