package importconf

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/manifests"
)

// Read reads one argument of the import command: a TOML registries.conf, or manifests
// holding one (a ConfigMap or MachineConfig). A file is TOML unless its
// name ends in .yaml, .yml or .json; standard input is TOML unless it
// parses as manifests with a kind.
func Read(arg string, stdin io.Reader) ([]Found, error) {
	if arg == manifests.Stdin {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", manifests.StdinName, err)
		}
		if nodes, err := manifests.Parse(data, ""); err == nil && hasKind(nodes) {
			return Find(nodes)
		}
		return []Found{{From: manifests.StdinName, Conf: data}}, nil
	}
	info, err := os.Stat(arg)
	if err != nil {
		return nil, err
	}
	switch filepath.Ext(arg) {
	case ".yaml", ".yml", ".json":
	default:
		if !info.IsDir() {
			data, err := os.ReadFile(arg)
			if err != nil {
				return nil, err
			}
			return []Found{{From: arg, Conf: data}}, nil
		}
	}
	nodes, err := manifests.Read([]string{arg}, nil)
	if err != nil {
		return nil, err
	}
	return Find(nodes)
}

func hasKind(nodes []*yaml.RNode) bool {
	for _, n := range nodes {
		if n.GetKind() != "" {
			return true
		}
	}
	return false
}
