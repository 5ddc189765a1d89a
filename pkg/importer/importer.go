// Package importer runs `mirrorset import`: it finds the registries.conf
// files of the inputs (package importconf), turns them into
// ImageDigestMirrorSet and ImageTagMirrorSet objects, and proves them before
// anything is printed or written: the objects, rendered as the Machine Config
// Operator renders them (package registriesconf), must say to every pull what
// each file says.
package importer

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/filewrite"
	"github.com/mirrorset/mirrorset/pkg/importconf"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// Options are what the command's flags say.
type Options struct {
	Name    string // the name of the new objects
	DestDir string // write one file per object here; "" prints them on stdout
}

// Run imports the registries.conf files of paths (standard input for none,
// or "-"). It prints the objects on stdout, or writes them into o.DestDir
// and lists their paths; warnings and errors go to stderr. It returns the
// exit code: 0 done, 1 errors and nothing printed or written.
func Run(o Options, paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
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
		errs = prove(first.Sets(o.Name), found)
	}
	if len(errs) > 0 {
		filewrite.ListErrors(stderr, errs)
		return 1
	}

	var items []*yaml.RNode
	for _, s := range first.Sets(o.Name) {
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
	files, err := manifests.Files(items)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	if o.DestDir != "" {
		return filewrite.AllListed(filewrite.Into(o.DestDir, files), stdout, stderr)
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

// prove renders sets as the MCO does and lists what the result does not
// say as each file of found says it: the objects must make the same pulls.
func prove(sets []mirror.Set, found []importconf.Found) []string {
	res, err := registriesconf.Render(sets, registriesconf.Options{})
	if err != nil {
		return []string{"the MCO would refuse the new objects: " + err.Error()}
	}
	var errs []string
	for _, f := range found {
		diffs, err := importconf.Differences(f.Conf, res.Conf)
		if err != nil {
			errs = append(errs, err.Error())
		}
		for _, d := range diffs {
			errs = append(errs, f.From+": "+d+" (the objects cannot say what the file says)")
		}
	}
	return errs
}
