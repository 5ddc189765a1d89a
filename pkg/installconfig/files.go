package installconfig

import (
	"fmt"
	"io"
	"io/fs"
	"os"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// File is an install-config file and what it becomes.
type File struct {
	Path    string
	Mode    fs.FileMode
	Out     []byte
	Changed bool
}

// MigrateFiles takes the install-configs out of nodes (read with
// manifests.Read) and migrates each from its file's bytes (stdinData for
// standard input), so that everything else in the file stays as it was. It
// returns the other nodes, the install-configs and the errors; warnings go
// to stderr. fc is the functionConfig, whose own errors are reported
// elsewhere.
func MigrateFiles(nodes []*yaml.RNode, fc *yaml.RNode, stdinData []byte, inPlace bool, stderr io.Writer) ([]*yaml.RNode, []File, []string) {
	var rest []*yaml.RNode
	var ics []File
	var errs []string
	perFile := map[string]int{}
	for _, n := range nodes {
		perFile[manifests.Path(n)]++
	}
	cfg, err := config.Parse(fc)
	for _, n := range nodes {
		if !Is(n) {
			rest = append(rest, n)
			continue
		}
		path := manifests.Path(n)
		if err != nil {
			continue // the functionConfig's error is listed already
		}
		if perFile[path] > 1 {
			errs = append(errs, path+": an install-config file holds one document, not other objects beside it")
			continue
		}
		ic := File{Path: path, Mode: 0o644}
		data := stdinData
		if path == manifests.StdinName {
			if inPlace {
				errs = append(errs, "--in-place cannot rewrite an install-config read from standard input; use --dest-dir")
				continue
			}
		} else {
			if data, err = os.ReadFile(path); err != nil {
				errs = append(errs, err.Error())
				continue
			}
			if st, err := os.Stat(path); err == nil {
				ic.Mode = st.Mode().Perm()
			}
		}
		res, err := Migrate(data, path, cfg)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		for _, r := range res.Results {
			switch r.Severity {
			case result.Error:
				errs = append(errs, r.Message)
			case result.Warning:
				fmt.Fprintf(stderr, "warning: %s\n", r.Message)
			}
		}
		ic.Out, ic.Changed = res.Out, res.Changed
		if res.Out != nil {
			ics = append(ics, ic)
		}
	}
	return rest, ics, errs
}
