package main

import (
	"errors"
	"io"

	"github.com/spf13/pflag"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/migrate"
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

func migrateCommand(fs *pflag.FlagSet) (func([]string) error, runFunc) {
	var o migrate.Options
	fs.StringVar(&o.DestDir, "dest-dir", "", "the `folder` to write the new objects into (created if missing)")
	fs.BoolVar(&o.InPlace, "in-place", false, "rewrite install-config files where they are (other objects still need --dest-dir)")
	fs.StringVar(&o.ConfigFile, "config", "", "a functionConfig `file` (ConfigMap or MirrorSetConfig); the flags below override it")
	fields := map[string]*string{} // functionConfig fields, by flag name
	for _, f := range []struct{ name, help string }{
		{"default-mirror-source-policy", "NeverContactSource or AllowContactingSource, for entries without a policy"},
		{"tag-mirrors", "true: also make an ImageTagMirrorSet from each ICSP"},
		{"consolidate", "false: do not merge entries with the same source (default true)"},
		{"keep-icsp", "true: also write each ICSP, beside its new objects"},
		{"on-policy-conflict", "error, stricter or looser"},
		{"layout", "preserve or per-registry"},
	} {
		fields[f.name] = fs.String(f.name, "", f.help)
	}
	check := func([]string) error {
		if o.DestDir == "" && !o.InPlace {
			return errors.New("--dest-dir is required (or --in-place, for install-config files)")
		}
		return nil
	}
	return check, func(paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
		o.Fields = map[string]string{}
		fs.Visit(func(f *pflag.Flag) {
			if v, ok := fields[f.Name]; ok {
				o.Fields[config.FieldOfFlag(f.Name)] = *v
			}
		})
		return migrate.Run(o, paths, stdin, stdout, stderr)
	}
}
