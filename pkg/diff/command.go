package diff

import (
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/nodeimpact"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// Command is a run of `mirrorset diff`, as its flags say (checked by the
// caller): where the sides are read from, how to render them, and the
// report's form.
type Command struct {
	Base, Head []string // the paths of each side ("-" on one side at most)
	BaseRef    string   // a git ref: the base is the paths at it, the head the working tree
	Render     registriesconf.FileOptions
	Output     string            // text, markdown or json
	FailOn     nodeimpact.Action // None for never
	FailOnName string            // the --fail-on value, for its message
	Version    string            // the cluster's OpenShift version, as nodeimpact.CheckVersion takes it
	SingleNode bool
}

// Run reads both sides (with BaseRef, from paths, "." for none), compares
// them and writes the report on stdout; warnings and errors go to stderr.
// It returns the exit code: 0 the report was written, 1 a side is refused,
// the change reaches FailOn, or an input cannot be read.
func (c Command) Run(paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var baseNodes, headNodes []*yaml.RNode
	var err error
	if c.BaseRef != "" {
		if len(paths) == 0 {
			paths = []string{"."}
		}
		baseNodes, headNodes, err = manifests.ReadAtRef(c.BaseRef, paths)
	} else {
		baseNodes, headNodes, err = readSides(c.Base, c.Head, stdin)
	}
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	sides := [2]*Side{}
	for i, nodes := range [][]*yaml.RNode{baseNodes, headNodes} {
		if sides[i], err = ReadSide(nodes); err != nil {
			fmt.Fprintf(stderr, "error: %s: %v\n", sideName(i), err)
			return 1
		}
	}
	opts, err := c.Render.Options()
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	rep, err := Compare(sides[0], sides[1], Options{Render: opts, Version: c.Version, SingleNode: c.SingleNode})
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	for i, s := range []SideResult{rep.Base, rep.Head} {
		for _, w := range s.Warnings {
			fmt.Fprintf(stderr, "warning: %s: %s\n", sideName(i), w)
		}
	}
	switch c.Output {
	case "markdown":
		err = rep.WriteMarkdown(stdout)
	case "json":
		err = rep.WriteJSON(stdout)
	default:
		err = rep.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	switch {
	case rep.Refused():
		for i, s := range []SideResult{rep.Base, rep.Head} {
			if s.Refused != nil {
				for _, e := range s.Refused.Errors {
					fmt.Fprintf(stderr, "error: %s refused by the %s: %s\n", sideName(i), refuserName(s.Refused.By), e)
				}
			}
		}
		return 1
	case c.FailOn != nodeimpact.None && rep.Impact.Action >= c.FailOn:
		fmt.Fprintf(stderr, "error: the change reaches --fail-on %s: %s\n", c.FailOnName, ActionName(rep.Impact.Action))
		return 1
	}
	return 0
}

func refuserName(r Refuser) string {
	if r == APIServer {
		return "API server"
	}
	return "MCO (the pools would degrade)"
}

func sideName(i int) string {
	if i == 0 {
		return "base"
	}
	return "head"
}

// readSides reads the paths of each side; standard input may feed one.
func readSides(base, head []string, stdin io.Reader) (b, h []*yaml.RNode, err error) {
	if b, err = manifests.Read(base, stdin); err != nil {
		return nil, nil, fmt.Errorf("base: %w", err)
	}
	if h, err = manifests.Read(head, stdin); err != nil {
		return nil, nil, fmt.Errorf("head: %w", err)
	}
	return b, h, nil
}
