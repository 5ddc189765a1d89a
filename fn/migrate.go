package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/filewrite"
	"github.com/mirrorset/mirrorset/pkg/installconfig"
	"github.com/mirrorset/mirrorset/pkg/krm"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/result"
)

const migrateUsage = `Usage: mirrorset migrate (--dest-dir DIR | --in-place) [flags] [FILE|DIR|-]...

Do what "oc adm migrate icsp" does, with the function's options and checks:
read the ImageContentSourcePolicy objects (and any ImageDigestMirrorSet and
ImageTagMirrorSet beside them) from the files, the folders and, for "-" or no
argument, standard input; convert, set the default policy and consolidate as
the KRM function does; and write one file per resulting object into DIR, named
<kind>_<name>.yaml (lower case), the same name on every run. Other objects are
not written.

An install-config.yaml among the inputs (no kind, apiVersion v1, baseDomain)
is rewritten: imageContentSources becomes imageDigestSources, with the
default policy as sourcePolicy, checked and consolidated as the
ImageDigestMirrorSet the installer makes of it; every other line of the file
stays as it was. With --in-place it is rewritten where it is; with
--dest-dir a copy goes into DIR under its own name.

When anything fails, every error is listed and nothing is written (exit 1):
the files are written beside their folders first and moved into place only
when all are whole, so a full disk leaves every file as it was.

Flags:
`

type migrateFlags struct {
	destDir    string
	inPlace    bool
	configFile string
	data       map[string]*string // functionConfig fields, as a ConfigMap's data
}

func migrateCommand(fs *pflag.FlagSet) (func([]string) error, runFunc) {
	f := migrateFlags{data: map[string]*string{}}
	fs.StringVar(&f.destDir, "dest-dir", "", "the `folder` to write the new objects into (created if missing)")
	fs.BoolVar(&f.inPlace, "in-place", false, "rewrite install-config files where they are (other objects still need --dest-dir)")
	fs.StringVar(&f.configFile, "config", "", "a functionConfig `file` (ConfigMap or MirrorSetConfig); the flags below override it")
	for _, o := range []struct{ name, help string }{
		{"default-mirror-source-policy", "NeverContactSource or AllowContactingSource, for entries without a policy"},
		{"tag-mirrors", "true: also make an ImageTagMirrorSet from each ICSP"},
		{"consolidate", "false: do not merge entries with the same source (default true)"},
		{"keep-icsp", "true: also write each ICSP, beside its new objects"},
		{"on-policy-conflict", "error, stricter or looser"},
		{"layout", "preserve or per-registry"},
	} {
		f.data[camel(o.name)] = fs.String(o.name, "", o.help)
	}
	check := func([]string) error {
		if f.destDir == "" && !f.inPlace {
			return errors.New("--dest-dir is required (or --in-place, for install-config files)")
		}
		return nil
	}
	return check, func(paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
		given := map[string]bool{}
		fs.Visit(func(fl *pflag.Flag) { given[camel(fl.Name)] = true })

		var errs []string
		cfg, err := f.functionConfig(given)
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
		nodes, ics, icErrs := installconfig.MigrateFiles(nodes, cfg, stdinData, f.inPlace, stderr)
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
			for _, e := range errs {
				fmt.Fprintf(stderr, "error: %s\n", e)
			}
			fmt.Fprintf(stderr, "%d %s; nothing written\n", len(errs), plural(len(errs), "error", "errors"))
			return 1
		}
		files, err := manifests.Files(mirrorObjects(items))
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		if len(files) > 0 && f.destDir == "" {
			fmt.Fprintf(stderr, "error: --dest-dir is required for the new objects (--in-place rewrites install-config files only)\n")
			return 1
		}
		if len(files) == 0 && len(ics) == 0 {
			fmt.Fprintln(stderr, "warning: no ImageContentSourcePolicy, ImageDigestMirrorSet, ImageTagMirrorSet or install-config found; nothing written")
			return 0
		}
		writes := make(map[string][]byte, len(files)+len(ics))
		for name, content := range files {
			writes[filepath.Join(f.destDir, name)] = content
		}
		for _, ic := range ics {
			if f.destDir != "" {
				name := filepath.Base(ic.Path)
				if ic.Path == manifests.StdinName {
					name = "install-config.yaml"
				}
				if _, dup := files[name]; dup {
					fmt.Fprintf(stderr, "error: two files would be written to %s\n", name)
					return 1
				}
				writes[filepath.Join(f.destDir, name)] = ic.Out
			}
			if f.inPlace && ic.Changed {
				writes[ic.Path] = ic.Out // filewrite keeps an existing file's mode
			}
		}
		return writeAll(writes, stdout, stderr)
	}
}

// writeFiles writes files (name to content) into destDir, creating it, all
// or nothing, and prints each path on stdout.
func writeFiles(destDir string, files map[string][]byte, stdout, stderr io.Writer) int {
	writes := make(map[string][]byte, len(files))
	for name, content := range files {
		writes[filepath.Join(destDir, name)] = content
	}
	return writeAll(writes, stdout, stderr)
}

// writeAll writes files (path to content) all or nothing, and prints each
// path on stdout, in order.
func writeAll(files map[string][]byte, stdout, stderr io.Writer) int {
	if err := filewrite.All(files, 0o644); err != nil {
		fmt.Fprintf(stderr, "error: %v\nnothing written\n", err)
		return 1
	}
	paths := make([]string, 0, len(files))
	for path := range files {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		fmt.Fprintln(stdout, path)
	}
	return 0
}

// functionConfig builds the functionConfig from --config and the flags
// given, as a ConfigMap, so that the function's own parser checks it.
func (f migrateFlags) functionConfig(given map[string]bool) (*yaml.RNode, error) {
	data := map[string]string{}
	if f.configFile != "" {
		b, err := os.ReadFile(f.configFile)
		if err != nil {
			return nil, err
		}
		n, err := yaml.Parse(string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.configFile, err)
		}
		if _, err := config.Parse(n); err != nil {
			return nil, fmt.Errorf("%s: %w", f.configFile, err)
		}
		if len(given) == 0 {
			return n, nil
		}
		// Carry the file's fields into the ConfigMap the flags extend.
		if n.GetKind() == "ConfigMap" {
			data = n.GetDataMap()
		} else if err := n.VisitFields(func(fn *yaml.MapNode) error {
			k := fn.Key.YNode().Value
			if k != "apiVersion" && k != "kind" && k != "metadata" {
				data[k] = fn.Value.YNode().Value
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	for k := range given {
		if v, ok := f.data[k]; ok {
			data[k] = *v
		}
	}
	if len(data) == 0 {
		return nil, nil
	}
	cm := yaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mirrorset-migrate\n")
	cm.SetDataMap(data)
	if _, err := config.Parse(cm); err != nil {
		return nil, flagError(err)
	}
	return cm, nil
}

// camel turns a flag name into its functionConfig field: keep-icsp is
// keepICSP.
func camel(flagName string) string {
	parts := strings.Split(flagName, "-")
	for i := 1; i < len(parts); i++ {
		if parts[i] == "icsp" {
			parts[i] = "ICSP"
			continue
		}
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, "")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// flagError names the flag, not the ConfigMap field, in a config error.
func flagError(err error) error {
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Field == "" {
		return err
	}
	field := strings.TrimPrefix(ce.Field, "data.")
	var b strings.Builder
	for _, r := range field {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('-')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	name := strings.ReplaceAll(b.String(), "-i-c-s-p", "-icsp")
	return fmt.Errorf("--%s: %s", name, ce.Msg)
}

// mirrorObjects are the mirror objects among items: what migrate and import
// write.
func mirrorObjects(items []*yaml.RNode) []*yaml.RNode {
	var out []*yaml.RNode
	for _, n := range items {
		if _, ok := mirror.KindOf(n.GetApiVersion(), n.GetKind()); ok {
			out = append(out, n)
		}
	}
	return out
}
