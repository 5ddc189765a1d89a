package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/importconf"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/result"
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
	destDir := fs.String("dest-dir", "", "write one file per object into this `folder` instead of printing them")
	name := fs.String("name", "imported", "the `name` of the new objects")
	var check func([]string) error
	return check, func(paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
		if len(paths) == 0 {
			paths = []string{manifests.Stdin}
		}
		var errs []string
		var found []importconf.Found
		for _, p := range paths {
			fs, err := importconf.Read(p, stdin)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			found = append(found, fs...)
		}
		if len(found) == 0 && len(errs) == 0 {
			errs = append(errs, "no registries.conf found: give a TOML file, a ConfigMap with a registries.conf key, or a MachineConfig that writes "+importconf.NodePath)
		}

		var first *importconf.Conf
		var firstFrom string
		for _, f := range found {
			c, err := importconf.Decode(f.Conf, f.From)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			for _, r := range c.Results {
				if r.Severity == result.Error {
					errs = append(errs, r.Message)
				} else {
					fmt.Fprintf(stderr, "warning: %s\n", r.Message)
				}
			}
			if first == nil {
				first, firstFrom = c, f.From
			} else if !mirror.Equal(first.Digest, c.Digest) || !mirror.Equal(first.Tag, c.Tag) {
				errs = append(errs, fmt.Sprintf("%s says other mirror rules than %s: import them one at a time", f.From, firstFrom))
			}
		}
		if len(errs) == 0 {
			// The proof: the objects render to the same pulls as each file.
			sets := first.Sets(*name)
			res, err := registriesconf.Render(sets, registriesconf.Options{})
			if err != nil {
				errs = append(errs, "the MCO would refuse the new objects: "+err.Error())
			} else {
				for _, f := range found {
					diffs, err := importconf.Differences(f.Conf, res.Conf)
					if err != nil {
						errs = append(errs, err.Error())
					}
					for _, d := range diffs {
						errs = append(errs, f.From+": "+d+" (the objects cannot say what the file says)")
					}
				}
			}
		}
		if len(errs) > 0 {
			for _, e := range errs {
				fmt.Fprintf(stderr, "error: %s\n", e)
			}
			fmt.Fprintf(stderr, "%d %s; nothing written\n", len(errs), plural(len(errs), "error", "errors"))
			return 1
		}

		var items []*yaml.RNode
		for _, s := range first.Sets(*name) {
			n, err := mirror.NewNode(s.Kind, s.Name, nil, s.Entries)
			if err != nil {
				fmt.Fprintf(stderr, "error: %v\n", err)
				return 1
			}
			items = append(items, n)
		}
		if len(items) == 0 {
			fmt.Fprintln(stderr, "warning: the file has no mirror rules; nothing written")
			return 0
		}
		files, err := manifests.Files(mirrorObjects(items))
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		if *destDir != "" {
			return writeFiles(*destDir, files, stdout, stderr)
		}
		var out bytes.Buffer
		for i, n := range items {
			if i > 0 {
				out.WriteString("---\n")
			}
			out.Write(files[strings.ToLower(n.GetKind())+"_"+n.GetName()+".yaml"])
		}
		if _, err := stdout.Write(out.Bytes()); err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		return 0
	}
}
