package registriesconf

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// The cluster-wide image configuration the Machine Config Operator reads.
const (
	ImageAPIVersion = "config.openshift.io/v1"
	ImageKind       = "Image"
	// ClusterImageName is the only Image the MCO reads; it ignores others.
	ClusterImageName = "cluster"
)

// Image is what the MCO takes from an image.config.openshift.io Image for
// registries.conf: spec.registrySources. A nil list is a field that is not
// set; an empty one is a field set to [], which the MCO tells apart (an
// empty insecureRegistries still makes it rewrite registries.conf).
type Image struct {
	Name               string
	InsecureRegistries []string
	BlockedRegistries  []string
	// AllowedRegistries only reaches policy.json, but the MCO refuses the
	// whole rendering when it is set with BlockedRegistries.
	AllowedRegistries []string

	// File is the object's config.kubernetes.io/path, for messages.
	File string
}

// IsImage reports whether node is an image.config.openshift.io Image.
func IsImage(node *yaml.RNode) bool {
	return node.GetApiVersion() == ImageAPIVersion && node.GetKind() == ImageKind
}

// Ref names the object in messages, as mirror.Set.Ref does:
// `Image "cluster" in x.yaml`.
func (img *Image) Ref() string {
	r := ImageKind + " " + strconv.Quote(img.Name)
	if img.File != "" {
		r += " in " + img.File
	}
	return r
}

// registrySourcesFields are the fields of spec.registrySources decoded into
// Image, by their API names.
var registrySourcesFields = []string{"insecureRegistries", "blockedRegistries", "allowedRegistries"}

// DecodeImage reads the Image in node. A field of the wrong type is a
// *mirror.FieldError naming the field.
func DecodeImage(node *yaml.RNode) (*Image, error) {
	if !IsImage(node) {
		return nil, fmt.Errorf("not an %s %s: %s %s", ImageAPIVersion, ImageKind, node.GetApiVersion(), node.GetKind())
	}
	img := &Image{}
	a := node.GetAnnotations()
	img.File = a[kioutil.PathAnnotation]
	if img.File == "" {
		img.File = a[kioutil.LegacyPathAnnotation]
	}
	root := node.YNode()
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	meta, err := yamlfield.Map(root, "metadata", "metadata")
	if err != nil {
		return img, err
	}
	if n := yamlfield.Lookup(meta, "name"); n != nil && !yamlfield.IsNull(n) {
		if img.Name, err = yamlfield.String(n, "metadata.name"); err != nil {
			return img, err
		}
	}
	if img.Name == "" {
		return img, &mirror.FieldError{Field: "metadata.name", Msg: "is required"}
	}
	spec, err := yamlfield.Map(root, "spec", "spec")
	if err != nil {
		return img, err
	}
	sources, err := yamlfield.Map(spec, "registrySources", "spec.registrySources")
	if err != nil {
		return img, err
	}
	lists := []*[]string{&img.InsecureRegistries, &img.BlockedRegistries, &img.AllowedRegistries}
	for i, name := range registrySourcesFields {
		field := "spec.registrySources." + name
		n := yamlfield.Lookup(sources, name)
		if n == nil || yamlfield.IsNull(n) {
			continue
		}
		list, err := yamlfield.Strings(n, field)
		if err != nil {
			return img, err
		}
		*lists[i] = list
	}
	return img, nil
}
