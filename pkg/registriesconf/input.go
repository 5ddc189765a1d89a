package registriesconf

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/hypershift"
	"github.com/mirrorset/mirrorset/pkg/importconf"
	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// Input is what Render needs from a list of objects.
type Input struct {
	Sets  []mirror.Set
	Image *Image
	// Warnings name objects and fields the cluster ignores.
	Warnings []string
	hosted   []hostedCluster // HyperShift guests (hostedcluster.go)
}

// ReadInput picks the mirror objects and the Image named cluster out of
// nodes, and ignores everything else. Errors name the object and its file.
func ReadInput(nodes []*yaml.RNode) (*Input, error) {
	in := &Input{}
	for i, n := range nodes {
		switch {
		case IsImage(n):
			img, err := DecodeImage(n)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", describeNode(n), err)
			}
			if img.Name != ClusterImageName {
				in.Warnings = append(in.Warnings, fmt.Sprintf("%s: ignored: the MCO reads only the Image named %s", img.Ref(), ClusterImageName))
				continue
			}
			if in.Image != nil {
				return nil, fmt.Errorf("%s: a second Image named %s (the first is %s)", img.Ref(), ClusterImageName, in.Image.Ref())
			}
			in.Image = img
		case importconf.IsConfigMap(n):
			if err := in.readMirrorConfigMap(n, i); err != nil {
				return nil, err
			}
		case hypershift.IsHostedCluster(n.GetApiVersion(), n.GetKind()):
			if err := in.readHostedCluster(n, i); err != nil {
				return nil, err
			}
		default:
			if _, ok := mirror.KindOf(n.GetApiVersion(), n.GetKind()); !ok {
				continue
			}
			set, warnings, err := mirror.Decode(n, i)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", describeNode(n), err)
			}
			for _, w := range warnings {
				in.Warnings = append(in.Warnings, fmt.Sprintf("%s: %v", set.Ref(), w))
			}
			in.Sets = append(in.Sets, *set)
		}
	}
	return in, in.chooseCluster()
}

// describeNode names an object that may not decode: "x.yaml: Kind/name".
func describeNode(n *yaml.RNode) string {
	a := n.GetAnnotations()
	file := a[kioutil.PathAnnotation]
	if file == "" {
		file = a[kioutil.LegacyPathAnnotation]
	}
	name := n.GetKind() + "/" + n.GetName()
	if file == "" {
		return name
	}
	return file + ": " + name
}
