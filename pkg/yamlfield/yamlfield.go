// Package yamlfield reads typed fields out of parsed YAML, with errors that
// name the field and say what it holds instead, so that a message can tell
// a user "spec.repositoryDigestMirrors: must be a list, got a string".
package yamlfield

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Error is a problem with one field of an object.
type Error struct {
	Field string // path, as "spec.imageDigestMirrors[0].mirrors"
	Msg   string
}

func (e *Error) Error() string { return e.Field + ": " + e.Msg }

// Lookup returns the value under key in the map n, or nil.
func Lookup(n *yaml.Node, key string) *yaml.Node {
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

// Map returns the map under key in n, nil when it is absent or null.
func Map(n *yaml.Node, key, field string) (*yaml.Node, error) {
	v := Lookup(n, key)
	if v == nil || IsNull(v) {
		return nil, nil
	}
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind != yaml.MappingNode {
		return nil, &Error{field, "must be a map, got " + Describe(v)}
	}
	return v, nil
}

// String returns the string in n, the value of field.
func String(n *yaml.Node, field string) (string, error) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagString {
		msg := "must be a string, got " + Describe(n)
		if n.Kind == yaml.ScalarNode && !IsNull(n) {
			msg += "; quote it: " + strconv.Quote(n.Value)
		}
		return "", &Error{field, msg}
	}
	return n.Value, nil
}

// Strings returns the list of strings in n, the value of field; null is an
// empty list.
func Strings(n *yaml.Node, field string) ([]string, error) {
	if IsNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, &Error{field, "must be a list of strings, got " + Describe(n)}
	}
	out := make([]string, 0, len(n.Content))
	for i, item := range n.Content {
		s, err := String(item, field+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// IsNull reports whether n is a null scalar.
func IsNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagNull
}

// Describe says what n is, for messages: its YAML type, and its value
// where that helps ("a string ("yes")", "a number (5000)").
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias (*" + n.Value + ")"
	}
	switch n.ShortTag() {
	case yaml.NodeTagNull:
		return "null"
	case yaml.NodeTagString:
		return "a string (" + strconv.Quote(clip(n.Value)) + ")"
	case yaml.NodeTagInt, yaml.NodeTagFloat:
		return "a number (" + n.Value + ")"
	case yaml.NodeTagBool:
		return "a boolean (" + n.Value + ")"
	}
	return n.ShortTag() + " " + strconv.Quote(clip(n.Value))
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// BadMetadata finds what kyaml cannot read in an object's metadata: the
// metadata itself or its annotations present but not maps (kyaml panics on
// the first and drops the second silently). It returns the field, what it
// must be, and the value found there, or a nil value when both are fine.
func BadMetadata(obj *yaml.Node) (field, want string, got *yaml.Node) {
	meta := Lookup(obj, "metadata")
	if meta == nil || IsNull(meta) {
		return "", "", nil
	}
	if meta.Kind != yaml.MappingNode {
		return "metadata", "a map (name, namespace, labels, annotations)", meta
	}
	if a := Lookup(meta, "annotations"); a != nil && !IsNull(a) && a.Kind != yaml.MappingNode {
		return "metadata.annotations", "a map of strings", a
	}
	return "", "", nil
}
