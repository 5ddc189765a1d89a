package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

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
	var c diff.Command
	renderFlags(fs, &c.Render)
	fs.Var((*pathList)(&c.Base), "base", "a `path` (file, folder or -) of the base side; repeat for more")
	fs.Var((*pathList)(&c.Head), "head", "a `path` (file, folder or -) of the head side; repeat for more")
	fs.StringVar(&c.BaseRef, "base-ref", "", "read the base from the PATH arguments at this git `ref`; the working tree is the head")
	fs.StringVar(&c.Output, "output", "text", "the report's `form`: text, markdown (a pull-request comment) or json")
	fs.StringVar(&c.FailOnName, "fail-on", "", "exit 1 when the change reaches this `level`: rollout (any new rendered config), reload, drain or reboot")
	fs.StringVar(&c.Version, "openshift-version", "", "the cluster's OpenShift `version` (4.N) whose rules decide: before 4.13, by mirror-by-digest-only; from 4.17, with node disruption policies (default: the newest)")
	fs.BoolVar(&c.SingleNode, "single-node", false, "the cluster is a single node, which the MCO never drains")
	check := func(p []string) error {
		switch c.Output {
		case "text", "markdown", "json":
		default:
			return fmt.Errorf("--output %q: use text, markdown or json", c.Output)
		}
		if c.FailOnName != "" {
			a, err := diff.ParseAction(c.FailOnName)
			if err != nil || a == nodeimpact.None {
				return fmt.Errorf("--fail-on %q: use rollout, reload, drain or reboot", c.FailOnName)
			}
			c.FailOn = a
		}
		if err := nodeimpact.CheckVersion(c.Version); err != nil {
			return fmt.Errorf("--openshift-version: %w", err)
		}
		if c.BaseRef != "" {
			if len(c.Base) > 0 || len(c.Head) > 0 {
				return errors.New("--base-ref reads both sides from the PATH arguments: give no --base or --head")
			}
			if slices.Contains(p, manifests.Stdin) {
				return errors.New(`--base-ref reads files, not standard input ("-")`)
			}
			return nil
		}
		if slices.Contains(c.Base, manifests.Stdin) && slices.Contains(c.Head, manifests.Stdin) {
			return errors.New(`"-" (standard input) can feed one side only`)
		}
		if len(p) > 0 {
			return fmt.Errorf("unexpected argument %q: give the sides with --base and --head, or use --base-ref", p[0])
		}
		if len(c.Base) == 0 || len(c.Head) == 0 {
			return errors.New("give both --base and --head, or --base-ref")
		}
		return nil
	}
	return check, func(paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
		return c.Run(paths, stdin, stdout, stderr)
	}
}
