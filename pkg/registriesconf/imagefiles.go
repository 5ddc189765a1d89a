package registriesconf

import (
	"bytes"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// The other files the MCO writes from the Image named cluster, besides
// registries.conf.
const (
	// PolicyPath is the signature policy, which holds the blocked and
	// allowed registries.
	PolicyPath = "/etc/containers/policy.json"
	// SearchRegistriesPath is the drop-in for containerRuntimeSearchRegistries.
	SearchRegistriesPath = "/etc/containers/registries.conf.d/01-image-searchRegistries.conf"
)

// SearchRegistries returns the Image's
// spec.registrySources.containerRuntimeSearchRegistries, nil when it is not
// set. A field of the wrong type is a *mirror.FieldError naming the field.
func SearchRegistries(node *yaml.RNode) ([]string, error) {
	root := node.YNode()
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	spec, err := yamlfield.Map(root, "spec", "spec")
	if err != nil {
		return nil, err
	}
	sources, err := yamlfield.Map(spec, "registrySources", "spec.registrySources")
	if err != nil {
		return nil, err
	}
	n := yamlfield.Lookup(sources, "containerRuntimeSearchRegistries")
	if n == nil || yamlfield.IsNull(n) {
		return nil, nil
	}
	return yamlfield.Strings(n, "spec.registrySources.containerRuntimeSearchRegistries")
}

// SearchRegistriesDropIn returns the drop-in the MCO writes for
// containerRuntimeSearchRegistries, byte for byte (its
// updateSearchRegistriesConfig: a registries.conf with only
// unqualified-search-registries, in the same TOML encoder), or nil when the
// list is not set and the MCO writes no drop-in.
func SearchRegistriesDropIn(regs []string) ([]byte, error) {
	if regs == nil {
		return nil, nil
	}
	var b bytes.Buffer
	err := toml.NewEncoder(&b).Encode(sysregistriesv2.V2RegistriesConf{UnqualifiedSearchRegistries: regs})
	return b.Bytes(), err
}

// PolicyStandIn returns a text that stands for the node's policy.json: it
// changes exactly when the MCO's file changes for the Image's blocked and
// allowed registries, so it can be compared in its place. It follows the
// MCO's updatePolicyJSON on its template: no list set leaves the template
// as it is (an empty list is none: getValidBlockedAndAllowedRegistries
// appends the Image's lists to nil ones); otherwise the file is re-encoded with a default of reject
// (allowed registries) or insecureAcceptAnything (blocked ones, or the
// template's), and one requirement per scope, which the JSON keeps sorted
// and unique. ClusterImagePolicy and ImagePolicy scopes are not read.
// Errors are Render's, for the same input.
func PolicyStandIn(sets []mirror.Set, opts Options) ([]byte, error) {
	icsp, idms, _ := Typed(sets)
	lists, err := blockedAndAllowed(opts.ReleaseImage, opts.Image, icsp, idms)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("# stands for " + PolicyPath + "\n")
	if lists.policyBlocked == nil && lists.allowed == nil {
		b.WriteString("template\n")
		return []byte(b.String()), nil
	}
	def := "insecureAcceptAnything"
	scopes := map[string]string{}
	if len(lists.allowed) > 0 {
		def = "reject"
		for _, reg := range lists.allowed {
			scopes[reg] = "insecureAcceptAnything"
		}
	}
	if len(lists.policyBlocked) > 0 {
		def = "insecureAcceptAnything"
		for _, reg := range lists.policyBlocked {
			scopes[reg] = "reject"
		}
	}
	b.WriteString("default " + def + "\n")
	keys := make([]string, 0, len(scopes))
	for k := range scopes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString("docker " + k + " " + scopes[k] + "\n")
	}
	return []byte(b.String()), nil
}
