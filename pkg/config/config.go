// Package config reads mirrorset's functionConfig. It accepts a ConfigMap,
// whose data values are strings (so that `kpt fn eval -- key=value` works),
// and a typed fn.kpt.dev/v1alpha1 MirrorSetConfig. Unknown fields and bad
// values are errors that name the field and what it accepts.
package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// The typed functionConfig's apiVersion and kind.
const (
	APIVersion = "fn.kpt.dev/v1alpha1"
	Kind       = "MirrorSetConfig"
)

// What to do when entries for one source disagree on mirrorSourcePolicy.
const (
	ConflictError    = "error"    // refuse, as the cluster would
	ConflictStricter = "stricter" // NeverContactSource wins
	ConflictLooser   = "looser"   // AllowContactingSource wins
)

// How to group entries into objects.
const (
	LayoutPreserve    = "preserve"     // keep the objects the input had
	LayoutPerRegistry = "per-registry" // one object per source registry host
)

// Config is mirrorset's functionConfig.
type Config struct {
	// DefaultMirrorSourcePolicy is written into every IDMS/ITMS entry that
	// has none; empty writes nothing.
	DefaultMirrorSourcePolicy mirror.Policy
	// TagMirrors makes an ImageTagMirrorSet from each ICSP too.
	TagMirrors bool
	// Consolidate merges entries of one pool with the same source.
	Consolidate bool
	// KeepICSP keeps each converted ICSP beside its new objects.
	KeepICSP bool
	// OnPolicyConflict is one of ConflictError, ConflictStricter, ConflictLooser.
	OnPolicyConflict string
	// Layout is LayoutPreserve or LayoutPerRegistry.
	Layout string
	// Preview adds the rendered registries.conf: "" (no), "results" or
	// "configmap".
	Preview string
	// ImagePullCheck is how images that a node cannot pull, or pulls
	// from their source alone, are reported: ImagePullWarning,
	// ImagePullError or ImagePullOff.
	ImagePullCheck string
}

// Default is the configuration without a functionConfig: convert and
// consolidate, set no policy.
func Default() Config {
	return Config{Consolidate: true, OnPolicyConflict: ConflictError, Layout: LayoutPreserve, ImagePullCheck: ImagePullWarning}
}

// ImagePullCheck values.
const (
	ImagePullWarning = "warning"
	ImagePullError   = "error"
	ImagePullOff     = "off"
)

// Preview values.
const (
	PreviewNone      = ""
	PreviewResults   = "results"
	PreviewConfigMap = "configmap"
)

type field struct {
	name   string
	help   string   // what the field accepts
	values []string // the values it accepts, for "did you mean"
	parse  func(c *Config, v string) bool
}

var fields = []field{
	{"defaultMirrorSourcePolicy", "NeverContactSource or AllowContactingSource", []string{string(mirror.NeverContactSource), string(mirror.AllowContactingSource)}, func(c *Config, v string) bool {
		switch mirror.Policy(v) {
		case mirror.NeverContactSource, mirror.AllowContactingSource:
			c.DefaultMirrorSourcePolicy = mirror.Policy(v)
			return true
		}
		return false
	}},
	{"tagMirrors", "true or false", bools, boolField(func(c *Config) *bool { return &c.TagMirrors })},
	{"consolidate", "true or false", bools, boolField(func(c *Config) *bool { return &c.Consolidate })},
	{"keepICSP", "true or false", bools, boolField(func(c *Config) *bool { return &c.KeepICSP })},
	{"onPolicyConflict", "error, stricter (NeverContactSource wins) or looser (AllowContactingSource wins)", []string{ConflictError, ConflictStricter, ConflictLooser}, oneOf(func(c *Config) *string { return &c.OnPolicyConflict }, ConflictError, ConflictStricter, ConflictLooser)},
	{"layout", "preserve or per-registry", []string{LayoutPreserve, LayoutPerRegistry}, oneOf(func(c *Config) *string { return &c.Layout }, LayoutPreserve, LayoutPerRegistry)},
	{"imagePullCheck", "warning, error or off", []string{ImagePullWarning, ImagePullError, ImagePullOff}, oneOf(func(c *Config) *string { return &c.ImagePullCheck }, ImagePullWarning, ImagePullError, ImagePullOff)},
	{"preview", "results or configmap", []string{PreviewResults, PreviewConfigMap}, oneOf(func(c *Config) *string { return &c.Preview }, PreviewResults, PreviewConfigMap)},
}

var bools = []string{"true", "false"}

func boolField(get func(*Config) *bool) func(*Config, string) bool {
	return func(c *Config, v string) bool {
		b, err := strconv.ParseBool(v)
		if err != nil || (v != "true" && v != "false") {
			return false
		}
		*get(c) = b
		return true
	}
}

func oneOf(get func(*Config) *string, allowed ...string) func(*Config, string) bool {
	return func(c *Config, v string) bool {
		for _, a := range allowed {
			if v == a {
				*get(c) = v
				return true
			}
		}
		return false
	}
}

// Error is a problem with the functionConfig.
type Error struct {
	Field string // "" for the object as a whole
	Msg   string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return "functionConfig: " + e.Msg
	}
	return "functionConfig: " + e.Field + ": " + e.Msg
}

// Parse reads the functionConfig in node; nil gives Default.
func Parse(node *yaml.RNode) (Config, error) {
	c := Default()
	if node == nil || node.IsNilOrEmpty() {
		return c, nil
	}
	if node.YNode().Kind != yaml.MappingNode {
		return c, &Error{"", "must be a ConfigMap or a " + APIVersion + " " + Kind}
	}
	apiVersion, kind := node.GetApiVersion(), node.GetKind()
	switch {
	case apiVersion == "v1" && kind == "ConfigMap":
		data := node.Field("data")
		if data == nil || data.Value.IsNil() || yaml.IsYNodeEmptyMap(data.Value.YNode()) {
			return c, nil
		}
		if data.Value.YNode().Kind != yaml.MappingNode {
			return c, &Error{"data", "must be a map of strings, got " + yamlfield.Describe(data.Value.YNode())}
		}
		return c, parseFields(&c, data.Value.YNode(), "data.", true)
	case apiVersion == APIVersion && kind == Kind:
		return c, parseFields(&c, node.YNode(), "", false)
	}
	return c, &Error{"", fmt.Sprintf("kind %s %s is not accepted; use a ConfigMap or a %s %s", apiVersion, kind, APIVersion, Kind)}
}

func parseFields(c *Config, m *yaml.Node, prefix string, fromConfigMap bool) error {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i].Value, m.Content[i+1]
		if !fromConfigMap && (k == "apiVersion" || k == "kind" || k == "metadata") {
			continue
		}
		f, ok := lookup(k)
		if !ok {
			return &Error{prefix + k, "unknown field" + didYouMean(k, fieldNames()...) + "; known fields are " + strings.Join(fieldNames(), ", ")}
		}
		if v.Kind != yaml.ScalarNode {
			return &Error{prefix + k, "must be " + f.help + ", got " + yamlfield.Describe(v)}
		}
		if fromConfigMap && v.ShortTag() != yaml.NodeTagString {
			// A ConfigMap's data holds strings only; kpt and kustomize quote them.
			return &Error{prefix + k, fmt.Sprintf("must be a string in a ConfigMap (quote it: %q)", v.Value)}
		}
		if !fromConfigMap && f.help == "true or false" && v.ShortTag() != yaml.NodeTagBool {
			return &Error{prefix + k, fmt.Sprintf("must be true or false, got %q", v.Value)}
		}
		if !f.parse(c, v.Value) {
			return &Error{prefix + k, fmt.Sprintf("%q is not allowed%s; use %s", v.Value, didYouMean(v.Value, f.values...), f.help)}
		}
	}
	return nil
}

func lookup(name string) (field, bool) {
	for _, f := range fields {
		if f.name == name {
			return f, true
		}
	}
	return field{}, false
}

func fieldNames() []string {
	n := make([]string, len(fields))
	for i, f := range fields {
		n[i] = f.name
	}
	sort.Strings(n)
	return n
}

// didYouMean names the candidate that s matches but for case.
func didYouMean(s string, candidates ...string) string {
	for _, c := range candidates {
		if strings.EqualFold(s, c) {
			return fmt.Sprintf(" (did you mean %s?)", c)
		}
	}
	return ""
}
