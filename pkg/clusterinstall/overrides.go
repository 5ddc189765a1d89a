package clusterinstall

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/installconfig"
	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// The kinds whose installConfigOverrides, a JSON string of install-config
// fields, reach the installer: ACM's ClusterInstance
// (stolostron/siteconfig api/v1alpha1 clusterinstance_types.go, rendered as
// the AgentClusterInstall's agent-install.openshift.io/install-config-overrides
// annotation) and the older ZTP SiteConfig, per cluster.
const (
	ClusterInstanceAPIVersion = "siteconfig.open-cluster-management.io/v1alpha1"
	KindClusterInstance       = "ClusterInstance"
	SiteConfigAPIVersion      = "ran.openshift.io/v1"
	KindSiteConfig            = "SiteConfig"
	// OverridesField is the field, under spec (ClusterInstance) or
	// spec.clusters[i] (SiteConfig).
	OverridesField = "installConfigOverrides"
	// OverridesAnnotation is where an AgentClusterInstall holds the same
	// JSON string, which assisted-service merges into the install-config.
	OverridesAnnotation = "agent-install.openshift.io/install-config-overrides"
)

// HasOverrides reports whether apiVersion and kind are a ClusterInstance's, a
// SiteConfig's or an AgentClusterInstall's.
func HasOverrides(apiVersion, kind string) bool {
	return kind == KindClusterInstance && apiVersion == ClusterInstanceAPIVersion ||
		kind == KindSiteConfig && apiVersion == SiteConfigAPIVersion ||
		kind == KindAgentClusterInstall && IsAgentClusterInstall(apiVersion)
}

// Override is one installConfigOverrides string of an object.
type Override struct {
	Field string // "spec.installConfigOverrides", "spec.clusters[0].installConfigOverrides"
	Value string
}

// Overrides returns the installConfigOverrides strings of a ClusterInstance
// or SiteConfig n, or the install-config-overrides annotation of an
// AgentClusterInstall; a field that is no string is an error result that
// names where.
func Overrides(n *yaml.RNode, where string) ([]Override, result.Results) {
	if n.GetKind() == KindAgentClusterInstall {
		if v, ok := n.GetAnnotations()[OverridesAnnotation]; ok {
			return []Override{{Field: `metadata.annotations["` + OverridesAnnotation + `"]`, Value: v}}, nil
		}
		return nil, nil
	}
	spec := yamlfield.Lookup(n.YNode(), "spec")
	var out []Override
	var rs result.Results
	one := func(v *yaml.Node, field string) {
		if v == nil || yamlfield.IsNull(v) {
			return
		}
		s, err := yamlfield.String(v, field)
		if err != nil {
			rs = append(rs, &result.Result{Severity: result.Error, Message: where + ": " + err.Error()})
			return
		}
		out = append(out, Override{Field: field, Value: s})
	}
	if n.GetKind() == KindClusterInstance {
		one(yamlfield.Lookup(spec, OverridesField), "spec."+OverridesField)
		return out, rs
	}
	clusters := yamlfield.Lookup(spec, "clusters")
	if clusters == nil || clusters.Kind != yaml.SequenceNode {
		return nil, nil
	}
	for i, c := range clusters.Content {
		one(yamlfield.Lookup(c, OverridesField), "spec.clusters["+strconv.Itoa(i)+"]."+OverridesField)
	}
	return out, rs
}

// CheckOverride checks the mirror fields of one installConfigOverrides
// string as the installer's (installconfig.Check), with messages that start
// with where and the field. The string is not rewritten: a new JSON text
// would change its key order and spacing, so a deprecated
// imageContentSources gets a warning that suggests the move instead.
// Invalid JSON is an error: siteconfig refuses the ClusterInstance
// ("installConfigOverrides is not a valid JSON-formatted string"), and
// assisted-service fails to parse the annotation.
func CheckOverride(o Override, where string, cfg config.Config) result.Results {
	where += ": " + o.Field
	if strings.TrimSpace(o.Value) == "" {
		return nil
	}
	// Read as the cluster reads it: encoding/json, where a repeated key's
	// last value wins.
	var v any
	if err := json.Unmarshal([]byte(o.Value), &v); err != nil {
		msg := err.Error()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			msg = "line " + strconv.Itoa(1+strings.Count(o.Value[:min(int(se.Offset), len(o.Value))], "\n")) + " of the value: " + msg
		}
		return result.Results{{Severity: result.Error, Message: where + ": not valid JSON (siteconfig and assisted-service refuse it): " + msg}}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return result.Results{{Severity: result.Error, Message: where + ": must be a JSON object of install-config fields, got " + jsonType(v)}}
	}
	if m[installconfig.ContentSources] == nil && m[installconfig.DigestSources] == nil {
		return nil // no mirror fields: nothing more to read
	}
	var root yaml.Node
	if err := root.Encode(m); err != nil {
		return result.Results{{Severity: result.Error, Message: where + ": " + err.Error()}}
	}
	field, rs := installconfig.Check(&root, where, cfg)
	if field == installconfig.ContentSources && !result.Failed(rs) {
		rs = append(rs, &result.Result{Severity: result.Warning, Message: where + ": " + installconfig.ContentSources +
			": deprecated; move the entries to " + installconfig.DigestSources + " (same source and mirrors" + policyHint(cfg) +
			"). mirrorset does not rewrite this JSON string: a new one would change its key order and spacing"})
	}
	return rs
}

func policyHint(cfg config.Config) string {
	if cfg.DefaultMirrorSourcePolicy == "" {
		return ""
	}
	return ", sourcePolicy " + string(cfg.DefaultMirrorSourcePolicy) + " as defaultMirrorSourcePolicy asks, read by openshift-install 4.21 and later"
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "a value"
}
