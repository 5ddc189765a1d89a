package resourcelist_test

import (
	"os"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/resourcelist"
)

// A function reads the list, parses the items it owns, and writes the others
// back as they came; kyaml's framework would have printed them again.
func Example() {
	in := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: kept   # spacing and all
- apiVersion: v1
  kind: Secret
  metadata:
    name: owned
functionConfig:
  apiVersion: v1
  kind: ConfigMap
`
	l, err := resourcelist.Read(strings.NewReader(in))
	if err != nil {
		panic(err) // a *resourcelist.Fallback: run the full parse on its Input
	}
	w := l.NewWriter(os.Stdout)
	for _, it := range l.Items {
		if it.Kind != "Secret" {
			_ = w.Item(it)
			continue
		}
		n, _ := it.Node()
		_ = n.PipeE(yaml.SetLabel("owned-by", "example"))
		_ = w.Node(n, it)
	}
	_ = w.Close(nil)
	// Output:
	// apiVersion: config.kubernetes.io/v1
	// kind: ResourceList
	// items:
	// - apiVersion: v1
	//   kind: ConfigMap
	//   metadata:
	//     name: kept   # spacing and all
	// - apiVersion: v1
	//   kind: Secret
	//   metadata:
	//     name: owned
	//     labels:
	//       owned-by: 'example'
	// functionConfig:
	//   apiVersion: v1
	//   kind: ConfigMap
}
