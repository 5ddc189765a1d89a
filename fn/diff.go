package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/diff"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/nodeimpact"
)

const diffUsage = `Usage: mirrorset diff [flags] --base PATH... --head PATH...
       mirrorset diff [flags] --base-ref REF [PATH...]

Say what a change to mirror objects does to the nodes, before it merges.
Each side is read from files and folders as "mirrorset registries-conf"
reads them (--base and --head may be repeated; "-" is standard input, on one
side). With --base-ref, the head is PATH... in the working tree (default
"."), and the base is the same paths at the git commit REF, read with the
git command from the repository that holds each path; a path missing on
one side is an empty side.

Both sides go through the API server's checks and the Machine Config
Operator's (MCO) renderer. The report says, per registry of registries.conf,
what was added, removed or reordered, blocked or made insecure, which
objects and entries on each side make it, and what the MCO does to the
nodes by the rules of --openshift-version: no rollout; a rollout (each node
writes the file, reloads CRI-O); a drain of every node of every pool; or a
reboot. A MachineConfiguration named cluster among the inputs (the head's,
else the base's) is taken into account.

Exit codes: 0 the report was written, whatever the change; 1 a side is
refused (the API server rejects it, or the MCO cannot render it and the
pools would degrade), the change reaches --fail-on, or an input cannot be
read; 2 a usage error.

Flags:
`

// pathList is a repeatable flag.
type pathList []string

func (p *pathList) String() string     { return strings.Join(*p, " ") }
func (p *pathList) Set(s string) error { *p = append(*p, s); return nil }
func (p *pathList) Type() string       { return "path" }

func diffCommand(fs *pflag.FlagSet) (func([]string) error, runFunc) {
	var rf renderFlags
	rf.register(fs)
	var base, head pathList
	fs.Var(&base, "base", "a `path` (file, folder or -) of the base side; repeat for more")
	fs.Var(&head, "head", "a `path` (file, folder or -) of the head side; repeat for more")
	baseRef := fs.String("base-ref", "", "read the base from the PATH arguments at this git `ref`; the working tree is the head")
	output := fs.String("output", "text", "the report's `form`: text, markdown (a pull-request comment) or json")
	failOn := fs.String("fail-on", "", "exit 1 when the change reaches this `level`: rollout (any new rendered config), reload, drain or reboot")
	version := fs.String("openshift-version", "", "the cluster's OpenShift `version` (4.N) whose rules decide: before 4.13, by mirror-by-digest-only; from 4.17, with node disruption policies (default: the newest)")
	singleNode := fs.Bool("single-node", false, "the cluster is a single node, which the MCO never drains")
	var fail nodeimpact.Action
	check := func(p []string) error {
		switch *output {
		case "text", "markdown", "json":
		default:
			return fmt.Errorf("--output %q: use text, markdown or json", *output)
		}
		if *failOn != "" {
			a, err := diff.ParseAction(*failOn)
			if err != nil || a == nodeimpact.None {
				return fmt.Errorf("--fail-on %q: use rollout, reload, drain or reboot", *failOn)
			}
			fail = a
		}
		if err := nodeimpact.CheckVersion(*version); err != nil {
			return fmt.Errorf("--openshift-version: %w", err)
		}
		if *baseRef != "" {
			if len(base) > 0 || len(head) > 0 {
				return errors.New("--base-ref reads both sides from the PATH arguments: give no --base or --head")
			}
			if slices.Contains(p, manifests.Stdin) {
				return errors.New(`--base-ref reads files, not standard input ("-")`)
			}
			return nil
		}
		if slices.Contains(base, manifests.Stdin) && slices.Contains(head, manifests.Stdin) {
			return errors.New(`"-" (standard input) can feed one side only`)
		}
		if len(p) > 0 {
			return fmt.Errorf("unexpected argument %q: give the sides with --base and --head, or use --base-ref", p[0])
		}
		if len(base) == 0 || len(head) == 0 {
			return errors.New("give both --base and --head, or --base-ref")
		}
		return nil
	}
	return check, func(positional []string, stdin io.Reader, stdout, stderr io.Writer) int {
		var baseNodes, headNodes []*yaml.RNode
		var err error
		if *baseRef != "" {
			if len(positional) == 0 {
				positional = []string{"."}
			}
			baseNodes, headNodes, err = manifests.ReadAtRef(*baseRef, positional)
		} else {
			baseNodes, headNodes, err = readSides(base, head, stdin)
		}
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		sides := [2]*diff.Side{}
		for i, nodes := range [][]*yaml.RNode{baseNodes, headNodes} {
			if sides[i], err = diff.ReadSide(nodes); err != nil {
				fmt.Fprintf(stderr, "error: %s: %v\n", sideName(i), err)
				return 1
			}
		}
		opts, err := rf.options()
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		rep, err := diff.Compare(sides[0], sides[1], diff.Options{Render: opts, Version: *version, SingleNode: *singleNode})
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		for i, s := range []diff.SideResult{rep.Base, rep.Head} {
			for _, w := range s.Warnings {
				fmt.Fprintf(stderr, "warning: %s: %s\n", sideName(i), w)
			}
		}
		switch *output {
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
			for i, s := range []diff.SideResult{rep.Base, rep.Head} {
				if s.Refused != nil {
					for _, e := range s.Refused.Errors {
						fmt.Fprintf(stderr, "error: %s refused by the %s: %s\n", sideName(i), refuserName(s.Refused.By), e)
					}
				}
			}
			return 1
		case fail != nodeimpact.None && rep.Impact.Action >= fail:
			fmt.Fprintf(stderr, "error: the change reaches --fail-on %s: %s\n", *failOn, diff.ActionName(rep.Impact.Action))
			return 1
		}
		return 0
	}
}

func refuserName(r diff.Refuser) string {
	if r == diff.APIServer {
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

// readSides reads --base and --head; standard input may feed one side.
func readSides(base, head []string, stdin io.Reader) (b, h []*yaml.RNode, err error) {
	if b, err = manifests.Read(base, stdin); err != nil {
		return nil, nil, fmt.Errorf("base: %w", err)
	}
	if h, err = manifests.Read(head, stdin); err != nil {
		return nil, nil, fmt.Errorf("head: %w", err)
	}
	return b, h, nil
}
