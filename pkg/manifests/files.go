package manifests

import (
	"bytes"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Files returns one file per object, named <kind>_<name>.yaml in lower
// case, without the annotations Read added: what migrate and import write.
// Two objects with one name are an error.
func Files(items []*yaml.RNode) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, n := range items {
		c := n.Copy()
		for _, a := range []string{kioutil.PathAnnotation, kioutil.IndexAnnotation, kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation, kioutil.IdAnnotation, kioutil.LegacyIdAnnotation} {
			if _, err := c.Pipe(yaml.ClearAnnotation(a)); err != nil {
				return nil, err
			}
		}
		if a := c.GetAnnotations(); len(a) == 0 {
			if err := c.PipeE(yaml.Lookup("metadata"), yaml.Clear("annotations")); err != nil {
				return nil, err
			}
		}
		name := strings.ToLower(c.GetKind()) + "_" + c.GetName() + ".yaml"
		if _, dup := files[name]; dup {
			return nil, fmt.Errorf("two objects would be written to %s", name)
		}
		var buf bytes.Buffer
		s, err := c.String()
		if err != nil {
			return nil, err
		}
		buf.WriteString(s)
		files[name] = buf.Bytes()
	}
	return files, nil
}
