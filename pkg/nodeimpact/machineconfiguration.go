package nodeimpact

import (
	"fmt"
	"slices"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// The operator's MachineConfiguration, whose spec.nodeDisruptionPolicy the
// MCO reads from the object named cluster only.
const (
	MachineConfigurationAPIVersion = "operator.openshift.io/v1"
	MachineConfigurationKind       = "MachineConfiguration"
	MachineConfigurationName       = "cluster"
)

// policyActionTypes are the action types the API takes in
// spec.nodeDisruptionPolicy (NodeDisruptionPolicySpecActionType); Special
// is the MCO's own, in the status only.
var policyActionTypes = []string{"Reboot", "Drain", "Reload", "Restart", "DaemonReload", "None"}

// IsMachineConfiguration reports whether n is an operator.openshift.io/v1
// MachineConfiguration, whatever its name.
func IsMachineConfiguration(n *yaml.RNode) bool {
	return n.GetApiVersion() == MachineConfigurationAPIVersion && n.GetKind() == MachineConfigurationKind
}

// ParseMachineConfiguration returns the file policies of n
// (spec.nodeDisruptionPolicy.files) when n is the MachineConfiguration
// named cluster, and nil for any other object. A field of the wrong type,
// or a value the API server refuses, is an error that names the field.
func ParseMachineConfiguration(n *yaml.RNode) ([]FilePolicy, error) {
	if !IsMachineConfiguration(n) {
		return nil, nil
	}
	root := n.YNode()
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	meta, err := yamlfield.Map(root, "metadata", "metadata")
	if err != nil {
		return nil, wrapMC("", err)
	}
	name := ""
	if v := yamlfield.Lookup(meta, "name"); v != nil && !yamlfield.IsNull(v) {
		if name, err = yamlfield.String(v, "metadata.name"); err != nil {
			return nil, wrapMC("", err)
		}
	}
	if name != MachineConfigurationName {
		return nil, nil
	}
	spec, err := yamlfield.Map(root, "spec", "spec")
	if err != nil {
		return nil, wrapMC(name, err)
	}
	ndp, err := yamlfield.Map(spec, "nodeDisruptionPolicy", "spec.nodeDisruptionPolicy")
	if err != nil {
		return nil, wrapMC(name, err)
	}
	files := yamlfield.Lookup(ndp, "files")
	if files == nil || yamlfield.IsNull(files) {
		return nil, nil
	}
	const field = "spec.nodeDisruptionPolicy.files"
	if files.Kind != yaml.SequenceNode {
		return nil, wrapMC(name, &yamlfield.Error{Field: field, Msg: "must be a list, got " + yamlfield.Describe(files)})
	}
	if len(files.Content) > 50 {
		return nil, wrapMC(name, &yamlfield.Error{Field: field, Msg: fmt.Sprintf("must have at most 50 items, got %d", len(files.Content))})
	}
	var out []FilePolicy
	for i, item := range files.Content {
		p, err := parseFilePolicy(item, field+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, wrapMC(name, err)
		}
		for j, q := range out {
			if q.Path == p.Path {
				return nil, wrapMC(name, &yamlfield.Error{Field: field + "[" + strconv.Itoa(i) + "].path",
					Msg: fmt.Sprintf("%q: duplicate of %s[%d].path", p.Path, field, j)})
			}
		}
		out = append(out, p)
	}
	return out, nil
}

func wrapMC(name string, err error) error {
	return fmt.Errorf("%s %s: %w", MachineConfigurationKind, strconv.Quote(name), err)
}

func parseFilePolicy(n *yaml.Node, field string) (FilePolicy, error) {
	var p FilePolicy
	if n.Kind != yaml.MappingNode {
		return p, &yamlfield.Error{Field: field, Msg: "must be a map, got " + yamlfield.Describe(n)}
	}
	v := yamlfield.Lookup(n, "path")
	if v == nil || yamlfield.IsNull(v) {
		return p, &yamlfield.Error{Field: field + ".path", Msg: "is required"}
	}
	var err error
	if p.Path, err = yamlfield.String(v, field+".path"); err != nil {
		return p, err
	}
	actions := yamlfield.Lookup(n, "actions")
	if actions == nil || yamlfield.IsNull(actions) {
		return p, &yamlfield.Error{Field: field + ".actions", Msg: "is required"}
	}
	if actions.Kind != yaml.SequenceNode {
		return p, &yamlfield.Error{Field: field + ".actions", Msg: "must be a list, got " + yamlfield.Describe(actions)}
	}
	if len(actions.Content) > 10 {
		return p, &yamlfield.Error{Field: field + ".actions", Msg: fmt.Sprintf("must have at most 10 items, got %d", len(actions.Content))}
	}
	for i, a := range actions.Content {
		af := field + ".actions[" + strconv.Itoa(i) + "]"
		act, err := parsePolicyAction(a, af)
		if err != nil {
			return p, err
		}
		p.Actions = append(p.Actions, act)
	}
	for _, standalone := range []string{"Reboot", "None"} {
		if len(p.Actions) > 1 && slices.ContainsFunc(p.Actions, func(a PolicyAction) bool { return a.Type == standalone }) {
			return p, &yamlfield.Error{Field: field + ".actions",
				Msg: standalone + " action can only be specified standalone, as it will override any other actions"}
		}
	}
	return p, nil
}

func parsePolicyAction(n *yaml.Node, field string) (PolicyAction, error) {
	var a PolicyAction
	if n.Kind != yaml.MappingNode {
		return a, &yamlfield.Error{Field: field, Msg: "must be a map, got " + yamlfield.Describe(n)}
	}
	t := yamlfield.Lookup(n, "type")
	if t == nil || yamlfield.IsNull(t) {
		return a, &yamlfield.Error{Field: field + ".type", Msg: "is required"}
	}
	var err error
	if a.Type, err = yamlfield.String(t, field+".type"); err != nil {
		return a, err
	}
	if !slices.Contains(policyActionTypes, a.Type) {
		return a, &yamlfield.Error{Field: field + ".type", Msg: fmt.Sprintf("%q: must be one of %v", a.Type, policyActionTypes)}
	}
	for _, kind := range []string{"Reload", "Restart"} {
		key := map[string]string{"Reload": "reload", "Restart": "restart"}[kind]
		sub, err := yamlfield.Map(n, key, field+"."+key)
		if err != nil {
			return a, err
		}
		if a.Type != kind {
			if sub != nil {
				return a, &yamlfield.Error{Field: field + "." + key, Msg: key + " is required when type is " + kind + ", and forbidden otherwise"}
			}
			continue
		}
		if sub == nil {
			return a, &yamlfield.Error{Field: field + "." + key, Msg: key + " is required when type is " + kind + ", and forbidden otherwise"}
		}
		v := yamlfield.Lookup(sub, "serviceName")
		if v == nil || yamlfield.IsNull(v) {
			return a, &yamlfield.Error{Field: field + "." + key + ".serviceName", Msg: "is required"}
		}
		if a.Service, err = yamlfield.String(v, field+"."+key+".serviceName"); err != nil {
			return a, err
		}
	}
	return a, nil
}
