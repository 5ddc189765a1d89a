// Command mirrorset is a KRM function that turns ImageContentSourcePolicies
// into ImageDigestMirrorSets and ImageTagMirrorSets, applies a default
// mirrorSourcePolicy, consolidates entries and refuses what the cluster would
// refuse. With no arguments it reads a ResourceList on stdin and writes it
// back on stdout; its subcommands work on plain YAML files.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mirrorset/mirrorset/pkg/imagepull"
	"github.com/mirrorset/mirrorset/pkg/krm"
)

const usage = `mirrorset: turn ImageContentSourcePolicy into ImageDigestMirrorSet/ImageTagMirrorSet.

Usage:
  mirrorset < resourcelist.yaml     run as a KRM function (kustomize, kpt, Argo CD):
                                    read a ResourceList on stdin, write it on stdout
  mirrorset check [FILE|DIR|-]...   report what the cluster would refuse, at FILE:LINE:COLUMN
  mirrorset registries-conf [FILE|DIR|-]...
                                    print the registries.conf that every node will get
  mirrorset explain IMAGE [FILE|DIR|-]...
                                    list where a node pulls IMAGE from, and why
  mirrorset diff --base PATH... --head PATH... | --base-ref REF [PATH...]
                                    say what a change does to the nodes: rollout, drain, reboot
  mirrorset images [FILE|DIR|-]...  list the images of the workloads and whether every node can pull them
  mirrorset migrate --dest-dir DIR [FILE|DIR|-]...
                                    convert ICSP files into one file per new object
  mirrorset import [FILE|DIR|-]...  turn a registries.conf into IDMS/ITMS objects
  mirrorset version [--output json] print the version, the commit and the Go version (also --version)
  mirrorset completion bash|zsh|fish|powershell
                                    print a shell completion script
  mirrorset COMMAND --help          the flags of a command
  mirrorset --help                  print this help

functionConfig (a ConfigMap's data, or fn.kpt.dev/v1alpha1 MirrorSetConfig):
  defaultMirrorSourcePolicy  NeverContactSource | AllowContactingSource (default: none set)
  tagMirrors                 true | false (default false): also make an ImageTagMirrorSet from each ICSP
  consolidate                true | false (default true): merge entries with the same source
  keepICSP                   true | false (default false): keep each ICSP beside its new objects
  onPolicyConflict           error | stricter | looser (default error)
  layout                     preserve | per-registry (default preserve)
  imagePullCheck             warning | error | off (default warning): images that cannot be pulled

Input limits (environment variables; sizes take Ki, Mi or Gi; 0 turns a limit off):
  MIRRORSET_MAX_INPUT_BYTES  64Mi      MIRRORSET_MAX_LINE_BYTES   4Mi
  MIRRORSET_MAX_SCALAR_BYTES 4Mi       MIRRORSET_MAX_DEPTH        1000
  MIRRORSET_MAX_NODES        500000    MIRRORSET_MAX_ITEMS        50000
  MIRRORSET_MAX_ALIAS_NODES  100000    GOMEMLIMIT   512MiB (soft, on the full parse)

Exit code 1 when any result is an error; errors are also printed on stderr.
`

// runFunc runs a command on its positional arguments, its flags parsed.
type runFunc func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

// command is a subcommand: setup registers its flags and returns the check
// of its arguments (a usage error) and what it runs.
type command struct {
	name, short, usage string
	setup              func(*pflag.FlagSet) (func([]string) error, runFunc)
	choices            map[string][]string // the values of flags that take one of a few, for completion
}

// commands are the subcommands, in the order the help lists them.
var commands = []command{
	{"check", "report what the cluster would refuse, at FILE:LINE:COLUMN", checkUsage, checkCommand, map[string][]string{"output": {"text", "github"}}},
	{"registries-conf", "print the registries.conf that every node will get", registriesConfUsage, registriesConfCommand, nil},
	{"explain", "list where a node pulls IMAGE from, and why", explainUsage, explainCommand, nil},
	{"diff", "say what a change does to the nodes: rollout, drain, reboot", diffUsage, diffCommand, map[string][]string{"output": {"text", "markdown", "json"}, "fail-on": {"rollout", "reload", "drain", "reboot"}}},
	{"images", "list the images of the workloads and whether every node can pull them", imagesUsage, imagesCommand, map[string][]string{"output": {"text", "json"}, "fail-on": {imagepull.FailOnUnpullable, imagepull.FailOnAny, imagepull.FailOnNone}}},
	{"migrate", "convert ICSP files into one file per new object", migrateUsage, migrateCommand, map[string][]string{
		"default-mirror-source-policy": {"NeverContactSource", "AllowContactingSource"},
		"tag-mirrors":                  {"true", "false"},
		"consolidate":                  {"true", "false"},
		"keep-icsp":                    {"true", "false"},
		"on-policy-conflict":           {"error", "stricter", "looser"},
		"layout":                       {"preserve", "per-registry"},
	}},
	{"import", "turn a registries.conf into IDMS/ITMS objects", importUsage, importCommand, nil},
	{"version", "print the version, the commit and the Go version", versionUsage, versionCommand, map[string][]string{"output": {"text", "json"}}},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run runs the command line args (without the program name) and returns
// the exit code: 0 ok, 1 findings or refused, 2 usage error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		// The KRM function, as the root command runs it, without making
		// the command tree first: kustomize and kpt start mirrorset once
		// per run, and its start is part of every one.
		return krm.Run(stdin, stdout, stderr)
	}
	code := 0
	root := newRoot(stdin, stdout, stderr, &code)
	args = longFlags(root, args)
	if len(args) > 0 && args[0] == "--version" {
		args = append([]string{"version"}, args[1:]...)
	}
	root.SetArgs(args)
	// Every error cobra returns is a bad call (a flag, an argument, a
	// command): the commands report their own and return their code.
	cmd, err := root.ExecuteC()
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		if cmd == root {
			fmt.Fprintln(stderr)
		}
		cmd.SetOut(stderr)
		cmd.HelpFunc()(cmd, nil)
		return 2
	}
	return code
}

// newRoot is the command tree. Its commands print to stdout and stderr,
// and set code.
func newRoot(stdin io.Reader, stdout, stderr io.Writer, code *int) *cobra.Command {
	root := &cobra.Command{
		Use:   "mirrorset",
		Short: "turn ImageContentSourcePolicy into ImageDigestMirrorSet/ImageTagMirrorSet",
		// With no argument, mirrorset is the KRM function; a bare argument
		// that names no command is a usage error.
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown argument %q", args[0])
			}
			return nil
		},
		Run: func(*cobra.Command, []string) {
			*code = krm.Run(stdin, stdout, stderr)
		},
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	// Handled in run as the version command; declared for help and completion.
	root.Flags().Bool("version", false, "print the version, as the version command does")
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cobraHelp := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		w := c.OutOrStdout() // stdout, or stderr after a usage error
		switch {
		case c == root:
			fmt.Fprint(w, usage)
		case c.Annotations["usage"] != "":
			fmt.Fprint(w, c.Annotations["usage"])
			fmt.Fprint(w, c.LocalFlags().FlagUsages())
		default:
			cobraHelp(c, args)
		}
	})
	for _, sub := range commands {
		c := &cobra.Command{
			Use:           sub.name,
			Short:         sub.short,
			Annotations:   map[string]string{"usage": sub.usage},
			SilenceErrors: true,
			SilenceUsage:  true,
		}
		check, exec := sub.setup(c.Flags())
		if check != nil {
			c.Args = func(_ *cobra.Command, args []string) error { return check(args) }
		}
		c.Run = func(_ *cobra.Command, args []string) {
			*code = exec(args, stdin, stdout, stderr)
		}
		for flag, values := range sub.choices {
			_ = c.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
		root.AddCommand(c)
	}
	return root
}

// longFlags turns -name and -name=value into --name and --name=value, the
// forms the flag package took before the commands moved to cobra (whose
// pflag reads -abc as the short flags a, b and c; no command has any but
// -h). It stops at "--" and leaves a flag's value alone.
func longFlags(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || strings.HasPrefix(cmd.Name(), cobra.ShellCompRequestCmd) || cmd.Name() == "completion" {
		return args
	}
	out := make([]string, 0, len(args))
	value := false // the argument is the value of the flag before it
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if value {
			value = false
			out = append(out, a)
			continue
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			a = "-" + a
		}
		if name, ok := strings.CutPrefix(a, "--"); ok && !strings.Contains(name, "=") {
			if f := cmd.Flags().Lookup(name); f != nil && f.NoOptDefVal == "" {
				value = true
			}
		}
		out = append(out, a)
	}
	return out
}
