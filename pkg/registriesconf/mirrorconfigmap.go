package registriesconf

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/importconf"
)

// previewConfigMap is the ConfigMap in which the KRM function shows the
// rendered file (krm.PreviewName): an output, not mirror rules.
const previewConfigMap = "mirrorset-registries-conf"

// readMirrorConfigMap adds the mirror rules of an agent-based or assisted
// install's mirror ConfigMap (the one mirrorRegistryRef names) to in. The
// discovery hosts use its registries.conf as it is; the installed cluster
// gets its mirrors as an ImageDigestMirrorSet (and ImageTagMirrorSet) in
// install-config, which the MCO renders with every other mirror object, so
// its rules join the objects here as the sets "mirrorset import" makes of
// it. A TOML or loading error is an error naming the line; what the objects
// cannot say becomes a warning, since the installed nodes do not get it.
func (in *Input) readMirrorConfigMap(n *yaml.RNode, item int) error {
	if n.GetName() == previewConfigMap {
		return nil
	}
	found, err := importconf.Find([]*yaml.RNode{n})
	if err != nil || len(found) != 1 {
		return err
	}
	c, err := importconf.Decode(found[0].Conf, found[0].From)
	if err != nil {
		return err
	}
	for _, r := range c.Results {
		in.Warnings = append(in.Warnings, r.Message+" (the installed nodes do not get it)")
	}
	name := fmt.Sprintf("registries.conf of ConfigMap %s", n.GetName())
	if ns := n.GetNamespace(); ns != "" {
		name = fmt.Sprintf("registries.conf of ConfigMap %s/%s", ns, n.GetName())
	}
	for _, s := range c.Sets(name) {
		s.Item = item
		s.File = n.GetAnnotations()[kioutil.PathAnnotation]
		in.Sets = append(in.Sets, s)
	}
	return nil
}
