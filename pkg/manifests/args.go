package manifests

import (
	"io"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ReadArgs is Read of a command's arguments: with none, it reads standard
// input, as for "-".
func ReadArgs(args []string, stdin io.Reader) ([]*yaml.RNode, error) {
	if len(args) == 0 {
		args = []string{Stdin}
	}
	return Read(args, stdin)
}
