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

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return krm.Run(stdin, stdout, stderr)
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "check":
		return runCheck(args[1:], stdin, stdout, stderr)
	case "registries-conf":
		return runRegistriesConf(args[1:], stdin, stdout, stderr)
	case "explain":
		return runExplain(args[1:], stdin, stdout, stderr)
	case "diff":
		return runDiff(args[1:], stdin, stdout, stderr)
	case "images":
		return runImages(args[1:], stdin, stdout, stderr)
	case "migrate":
		return runMigrate(args[1:], stdin, stdout, stderr)
	case "import":
		return runImport(args[1:], stdin, stdout, stderr)
	case "version", "--version":
		return runVersion(args[1:], stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "error: unknown argument %q\n\n%s", args[0], usage)
	return 2
}
