// Package imagepull finds the image references of workload manifests and
// tells, for each, whether a node can pull it under the mirror rules: the
// same lookups that `mirrorset explain` makes (package explain, which asks
// containers/image on the rendered registries.conf), reduced to a verdict
// and a fix; a registry's verdict for all the images below it is worked
// out once (registry.go). The KRM function reports the images that cannot be pulled, or
// that go straight to their source, as results; `mirrorset images` prints
// them all.
package imagepull

import (
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// Ref is one image reference found in an object.
type Ref struct {
	// Image is the reference as written.
	Image string
	// Object is the item it is in; Field the field's path in it:
	// "spec.template.spec.containers[0].image".
	Object result.Object
	Field  string
	// In names the element of a List the reference is in
	// (`Deployment "app"`), "" outside a List.
	In string
	// NotString describes the value when the field is not a string.
	NotString string
}

// Where says in what object and field the reference is, for messages:
// `Deployment "app" in apps/app.yaml: spec.template.spec.containers[0].image`.
func (r *Ref) Where() string {
	s := r.Object.Kind + " " + quoteName(r.Object.Name)
	if r.Object.File != "" {
		s += " in " + r.Object.File
	}
	s += ": " + r.Field
	if r.In != "" {
		s += " (" + r.In + ")"
	}
	return s
}

func quoteName(n string) string {
	if n == "" {
		return "(no name)"
	}
	return strconv.Quote(n)
}

// groupKind is an object's API group ("" for the core group) and kind.
type groupKind struct{ group, kind string }

func groupOf(apiVersion string) string {
	if i := strings.IndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}

var (
	templateSpec = []string{"spec", "template", "spec"}
	// podSpecs are where the kinds that run pods keep their pod spec.
	podSpecs = map[groupKind][]string{
		{"", "Pod"}:                               {"spec"},
		{"", "PodTemplate"}:                       {"template", "spec"},
		{"", "ReplicationController"}:             templateSpec,
		{"apps", "Deployment"}:                    templateSpec,
		{"apps", "StatefulSet"}:                   templateSpec,
		{"apps", "DaemonSet"}:                     templateSpec,
		{"apps", "ReplicaSet"}:                    templateSpec,
		{"batch", "Job"}:                          templateSpec,
		{"batch", "CronJob"}:                      {"spec", "jobTemplate", "spec", "template", "spec"},
		{"apps.openshift.io", "DeploymentConfig"}: templateSpec,
		{"argoproj.io", "Rollout"}:                templateSpec,
	}
	// imageFields are kinds that name one image in a field of their own.
	imageFields = map[groupKind][]string{
		{"operators.coreos.com", "CatalogSource"}: {"spec", "image"},
	}
	// containerLists are the lists of containers in a pod spec, in the
	// order a pod starts them.
	containerLists = []string{"initContainers", "containers", "ephemeralContainers"}
)

// Holds reports whether objects of this apiVersion and kind can hold image
// references that Find reads: the workload kinds, CatalogSource, and v1
// List. The fast path parses only these.
func Holds(apiVersion, kind string) bool {
	gk := groupKind{groupOf(apiVersion), kind}
	if _, ok := podSpecs[gk]; ok {
		return true
	}
	if _, ok := imageFields[gk]; ok {
		return true
	}
	return kind == "List" && apiVersion == "v1"
}

// Find returns the image references in the object n (a map), which is
// obj, in the order of its fields. The elements of a v1 List are searched
// too, each named in Ref.In.
func Find(n *yaml.Node, obj result.Object) []Ref {
	var refs []Ref
	find(n, obj.APIVersion, obj.Kind, "", "", func(r Ref) {
		r.Object = obj
		refs = append(refs, r)
	})
	return refs
}

func find(n *yaml.Node, apiVersion, kind, prefix, in string, add func(Ref)) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	gk := groupKind{groupOf(apiVersion), kind}
	if path, ok := imageFields[gk]; ok {
		image(lookup(n, path...), prefix+strings.Join(path, "."), in, add)
	}
	if path, ok := podSpecs[gk]; ok {
		spec := lookup(n, path...)
		if spec == nil || spec.Kind != yaml.MappingNode {
			return
		}
		at := prefix + strings.Join(path, ".") + "."
		for _, list := range containerLists {
			cs := yamlfield.Lookup(spec, list)
			if cs == nil || cs.Kind != yaml.SequenceNode {
				continue
			}
			for i, c := range cs.Content {
				if c.Kind != yaml.MappingNode {
					continue
				}
				image(yamlfield.Lookup(c, "image"), at+list+"["+strconv.Itoa(i)+"].image", in, add)
			}
		}
	}
	if kind == "List" && apiVersion == "v1" && prefix == "" {
		items := yamlfield.Lookup(n, "items")
		if items == nil || items.Kind != yaml.SequenceNode {
			return
		}
		for i, el := range items.Content {
			if el.Kind != yaml.MappingNode {
				continue
			}
			av, k := scalar(yamlfield.Lookup(el, "apiVersion")), scalar(yamlfield.Lookup(el, "kind"))
			name := scalar(lookup(el, "metadata", "name"))
			find(el, av, k, "items["+strconv.Itoa(i)+"].", k+" "+quoteName(name), add)
		}
	}
}

// image adds the reference in v, when there is one: a missing, null or
// empty field names no image (a later step may fill it in).
func image(v *yaml.Node, field, in string, add func(Ref)) {
	if v == nil || yamlfield.IsNull(v) {
		return
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != yaml.NodeTagString {
		add(Ref{Field: field, In: in, NotString: yamlfield.Describe(v)})
		return
	}
	if v.Value == "" {
		return
	}
	add(Ref{Image: v.Value, Field: field, In: in})
}

func lookup(n *yaml.Node, path ...string) *yaml.Node {
	for _, p := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		n = yamlfield.Lookup(n, p)
	}
	return n
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
