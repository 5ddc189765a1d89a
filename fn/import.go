package main

import (
	"io"

	"github.com/spf13/pflag"

	"github.com/mirrorset/mirrorset/pkg/importer"
)

const importUsage = `Usage: mirrorset import [flags] [FILE|DIR|-]...

Turn a registries.conf back into the ImageDigestMirrorSet and
ImageTagMirrorSet that make the Machine Config Operator write the same
mirror rules on every node. The input is a registries.conf (TOML: a file
whose name does not end in .yaml, .yml or .json, or standard input that is
not YAML), a ConfigMap with a registries.conf key (the mirror ConfigMap of
agent-based and assisted installs), or a MachineConfig whose Ignition writes
/etc/containers/registries.conf (data: URL, base64 or percent-encoded, gzip
or not). Folders are searched for *.yaml and *.yml files.

The objects are printed on standard output, or written with --dest-dir as
one file per object, named <kind>_<name>.yaml. Before anything is printed,
they are rendered as the MCO renders them and compared with the file, pull
by pull.

Errors (exit 1, nothing printed or written) are what would change the
nodes' pulls: mirrors used for every pull (pull-from-mirror = "all"),
insecure registries or mirrors, a blocked registry without mirrors, a
location that differs from its prefix, invalid sources or mirrors, a v1
format table, a file CRI-O would not load (a TOML error names its line).
Warnings are settings outside the mirror rules that the MCO replaces with
its template's: unqualified-search-registries, short-name-mode, aliases,
credential-helpers, unknown keys.

Flags:
`

func importCommand(fs *pflag.FlagSet) (func([]string) error, runFunc) {
	var o importer.Options
	fs.StringVar(&o.DestDir, "dest-dir", "", "write one file per object into this `folder` instead of printing them")
	fs.StringVar(&o.Name, "name", "imported", "the `name` of the new objects")
	var check func([]string) error
	return check, func(paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
		return importer.Run(o, paths, stdin, stdout, stderr)
	}
}
