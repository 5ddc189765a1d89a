package registriesconf

import (
	"fmt"
	"io"
	"os"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/manifests"
)

// FileOptions are the Options a command's flags give: the template by the
// name of its file.
type FileOptions struct {
	ReleaseImage string // see Options.ReleaseImage
	Template     string // the registries.conf file the MCO starts from; "" for BaseTemplate
}

// Options reads the template file, if any.
func (f FileOptions) Options() (Options, error) {
	opts := Options{ReleaseImage: f.ReleaseImage}
	if f.Template != "" {
		b, err := os.ReadFile(f.Template)
		if err != nil {
			return opts, err
		}
		opts.Template = b
	}
	return opts, nil
}

// RenderFiles reads the objects of the manifests named by paths (standard
// input for none; see manifests.ReadArgs) and renders what the nodes get;
// the warnings of both steps go to warnings, one a line.
func (f FileOptions) RenderFiles(paths []string, stdin io.Reader, warnings io.Writer) (*Result, *Input, error) {
	nodes, err := manifests.ReadArgs(paths, stdin)
	if err != nil {
		return nil, nil, err
	}
	return f.RenderNodes(nodes, warnings)
}

// RenderNodes is RenderFiles on objects already read. When the MCO refuses
// to render, the error says that the nodes keep their registries.conf.
func (f FileOptions) RenderNodes(nodes []*yaml.RNode, warnings io.Writer) (*Result, *Input, error) {
	opts, err := f.Options()
	if err != nil {
		return nil, nil, err
	}
	in, err := readInputWarn(nodes, warnings)
	if err != nil {
		return nil, nil, err
	}
	opts.Image = in.Image
	res, err := Render(in.Sets, opts)
	if err != nil {
		return nil, nil, renderError{err}
	}
	warn(warnings, res.Warnings)
	return res, in, nil
}

// renderError is the MCO refusing to render: the nodes keep what they have.
type renderError struct{ err error }

func (e renderError) Error() string { return "the nodes keep their registries.conf: " + e.err.Error() }
func (e renderError) Unwrap() error { return e.err }

// ReadInputFiles is ReadInput on the manifests named by paths (standard
// input for none); its warnings go to warnings, one a line.
func ReadInputFiles(paths []string, stdin io.Reader, warnings io.Writer) (*Input, error) {
	nodes, err := manifests.ReadArgs(paths, stdin)
	if err != nil {
		return nil, err
	}
	return readInputWarn(nodes, warnings)
}

// readInputWarn is ReadInput, its warnings written to w.
func readInputWarn(nodes []*yaml.RNode, w io.Writer) (*Input, error) {
	in, err := ReadInput(nodes)
	if err != nil {
		return nil, err
	}
	warn(w, in.Warnings)
	return in, nil
}

func warn(w io.Writer, warnings []string) {
	for _, m := range warnings {
		fmt.Fprintf(w, "warning: %s\n", m)
	}
}
