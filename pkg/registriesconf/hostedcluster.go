package registriesconf

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/hypershift"
	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// hostedCluster is a HostedCluster read for its guest's nodes: the
// ImageDigestMirrorSet cluster and the Image cluster HyperShift makes of it.
type hostedCluster struct {
	ref   string
	guest mirror.Set
	image *Image
}

// readHostedCluster reads a HyperShift HostedCluster as what its guest's
// nodes get: its spec.imageContentSources as the ImageDigestMirrorSet
// cluster (support/globalconfig ReconcileImageDigestMirrors), and its
// spec.configuration.image as the Image cluster (ReconcileImageConfigFromHostedCluster).
func (in *Input) readHostedCluster(n *yaml.RNode, item int) error {
	set, warnings, err := hypershift.Decode(n, item)
	if err != nil {
		return fmt.Errorf("%s: %w", describeNode(n), err)
	}
	ref := hypershift.Ref(hypershift.KindHostedCluster, n.GetNamespace(), set.Name, set.File)
	for _, w := range warnings {
		in.Warnings = append(in.Warnings, fmt.Sprintf("%s: %v", ref, w))
	}
	hc := hostedCluster{ref: ref, guest: hypershift.Guest(set)}
	if img, err := n.Pipe(yaml.Lookup("spec", "configuration", "image")); err == nil && img != nil && !yaml.IsYNodeNilOrEmpty(img.YNode()) {
		obj := yaml.NewMapRNode(&map[string]string{"apiVersion": ImageAPIVersion, "kind": ImageKind})
		if err := obj.PipeE(yaml.SetField("metadata", yaml.NewMapRNode(&map[string]string{"name": ClusterImageName}))); err != nil {
			return err
		}
		if err := obj.PipeE(yaml.SetField("spec", img)); err != nil {
			return err
		}
		if hc.image, err = DecodeImage(obj); err != nil {
			return fmt.Errorf("%s: spec.configuration.image: %w", ref, err)
		}
		hc.image.File = set.File
	}
	in.hosted = append(in.hosted, hc)
	return nil
}

// chooseCluster decides which cluster the input describes. A HostedCluster's
// guest is another cluster than the one the mirror objects and the Image
// configure: with those, the HostedClusters are left out, with a warning;
// alone, the one HostedCluster is its guest's nodes; several HostedClusters
// are several clusters, which one file cannot show.
func (in *Input) chooseCluster() error {
	switch {
	case len(in.hosted) == 0:
		return nil
	case len(in.Sets) > 0 || in.Image != nil:
		for _, hc := range in.hosted {
			in.Warnings = append(in.Warnings, fmt.Sprintf("%s: left out: its imageContentSources are the mirrors of its guest cluster, not of the cluster the other mirror objects configure; give its file alone to see its guest's nodes", hc.ref))
		}
		return nil
	case len(in.hosted) > 1:
		var refs []string
		for _, hc := range in.hosted {
			refs = append(refs, hc.ref)
		}
		return fmt.Errorf("%d HostedClusters (%s): each is the mirror configuration of another guest cluster; give the file of one", len(refs), strings.Join(refs, ", "))
	}
	hc := in.hosted[0]
	in.Sets = []mirror.Set{hc.guest}
	in.Image = hc.image
	in.Warnings = append(in.Warnings, fmt.Sprintf("%s: rendering its guest cluster's nodes, from the ImageDigestMirrorSet %s HyperShift makes of spec.imageContentSources; a NodePool's spec.config ConfigMaps may add mirror objects for its own nodes, which are not included", hc.ref, hypershift.GuestIDMS))
	return nil
}
