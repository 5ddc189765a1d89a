package registriesconf

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/mirror"
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
	meta, err := mapField(root, "metadata", "metadata")
	if err != nil {
		return img, err
	}
	if n := lookup(meta, "name"); n != nil && !isNull(n) {
		if img.Name, err = scalarString(n, "metadata.name"); err != nil {
			return img, err
		}
	}
	if img.Name == "" {
		return img, &mirror.FieldError{Field: "metadata.name", Msg: "is required"}
	}
	spec, err := mapField(root, "spec", "spec")
	if err != nil {
		return img, err
	}
	sources, err := mapField(spec, "registrySources", "spec.registrySources")
	if err != nil {
		return img, err
	}
	lists := []*[]string{&img.InsecureRegistries, &img.BlockedRegistries, &img.AllowedRegistries}
	for i, name := range registrySourcesFields {
		field := "spec.registrySources." + name
		n := lookup(sources, name)
		if n == nil || isNull(n) {
			continue
		}
		if n.Kind != yaml.SequenceNode {
			return img, &mirror.FieldError{Field: field, Msg: "must be a list of strings, got " + describe(n)}
		}
		list := make([]string, 0, len(n.Content))
		for j, item := range n.Content {
			s, err := scalarString(item, field+"["+strconv.Itoa(j)+"]")
			if err != nil {
				return img, err
			}
			list = append(list, s)
		}
		*lists[i] = list
	}
	return img, nil
}

// mapField returns the map under key of n, nil when it is absent or null.
func mapField(n *yaml.Node, key, field string) (*yaml.Node, error) {
	v := lookup(n, key)
	if v == nil || isNull(v) {
		return nil, nil
	}
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind != yaml.MappingNode {
		return nil, &mirror.FieldError{Field: field, Msg: "must be a map, got " + describe(v)}
	}
	return v, nil
}

func lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalarString(n *yaml.Node, field string) (string, error) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagString {
		return "", &mirror.FieldError{Field: field, Msg: "must be a string, got " + describe(n)}
	}
	return n.Value, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagNull
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.ShortTag() {
	case yaml.NodeTagNull:
		return "null"
	case yaml.NodeTagString:
		return "a string"
	case yaml.NodeTagInt, yaml.NodeTagFloat:
		return "a number (" + n.Value + ")"
	case yaml.NodeTagBool:
		return "a boolean (" + n.Value + ")"
	}
	return n.ShortTag() + " " + strconv.Quote(n.Value)
}
