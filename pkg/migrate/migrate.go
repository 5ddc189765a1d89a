// Package migrate runs `mirrorset migrate`: it reads ImageContentSourcePolicy
// objects (and the mirror sets and install-config files beside them), runs
// them through the KRM function with the functionConfig of the command's
// flags, and writes one file per resulting mirror object, and each rewritten
// install-config, all or none (package filewrite). Every error is listed
// before anything is written.
package migrate

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/filewrite"
	"github.com/mirrorset/mirrorset/pkg/installconfig"
	"github.com/mirrorset/mirrorset/pkg/krm"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// Options are what the command's flags say.
type Options struct {
	DestDir    string            // the folder the new objects go into
	InPlace    bool              // rewrite install-config files where they are
	ConfigFile string            // a functionConfig file, "" for none
	Fields     map[string]string // functionConfig fields given as flags, over the file's
}

// Run migrates the objects of paths (standard input for none, or "-") and
// writes the files, reporting on stdout (the paths written) and stderr. It
// returns the exit code: 0 written (or nothing to write), 1 errors and
// nothing written.
func Run(o Options, paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var errs []string
	cfg, err := config.FromFlags(o.ConfigFile, o.Fields)
	if err != nil {
		errs = append(errs, err.Error())
	}
	if len(paths) == 0 {
		paths = []string{manifests.Stdin}
	}
	// Standard input is read here, so that an install-config there can be
	// rewritten from its bytes.
	var stdinData []byte
	for _, p := range paths {
		if p == manifests.Stdin && stdinData == nil {
			if stdinData, err = io.ReadAll(stdin); err != nil {
				errs = append(errs, err.Error())
			}
		}
	}
	var nodes []*yaml.RNode
	for _, p := range paths {
		ns, err := manifests.Read([]string{p}, bytes.NewReader(stdinData))
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		nodes = append(nodes, ns...)
	}
	nodes, ics, icErrs := installconfig.MigrateFiles(nodes, cfg, stdinData, o.InPlace, stderr)
	errs = append(errs, icErrs...)
	items, results := krm.Process(nodes, cfg)
	for _, r := range results {
		switch r.Severity {
		case result.Error:
			errs = append(errs, r.Message)
		case result.Warning:
			fmt.Fprintf(stderr, "warning: %s\n", r.Message)
		}
	}
	if len(errs) > 0 {
		filewrite.ListErrors(stderr, errs)
		return 1
	}
	files, err := manifests.Files(mirrorObjects(items))
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	if len(files) > 0 && o.DestDir == "" {
		fmt.Fprintf(stderr, "error: --dest-dir is required for the new objects (--in-place rewrites install-config files only)\n")
		return 1
	}
	if len(files) == 0 && len(ics) == 0 {
		fmt.Fprintln(stderr, "warning: no ImageContentSourcePolicy, ImageDigestMirrorSet, ImageTagMirrorSet or install-config found; nothing written")
		return 0
	}
	writes := filewrite.Into(o.DestDir, files)
	for _, ic := range ics {
		if o.DestDir != "" {
			name := filepath.Base(ic.Path)
			if ic.Path == manifests.StdinName {
				name = "install-config.yaml"
			}
			if _, dup := files[name]; dup {
				fmt.Fprintf(stderr, "error: two files would be written to %s\n", name)
				return 1
			}
			writes[filepath.Join(o.DestDir, name)] = ic.Out
		}
		if o.InPlace && ic.Changed {
			writes[ic.Path] = ic.Out // filewrite keeps an existing file's mode
		}
	}
	return filewrite.AllListed(writes, stdout, stderr)
}

// mirrorObjects are the mirror objects among items: what migrate writes.
func mirrorObjects(items []*yaml.RNode) []*yaml.RNode {
	var out []*yaml.RNode
	for _, n := range items {
		if _, ok := mirror.KindOf(n.GetApiVersion(), n.GetKind()); ok {
			out = append(out, n)
		}
	}
	return out
}
