package config

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ReadFile reads the functionConfig file name (a ConfigMap or a
// MirrorSetConfig) and checks it as the function would; "" is no file, and
// nil.
func ReadFile(name string) (*yaml.RNode, error) {
	if name == "" {
		return nil, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	n, err := yaml.Parse(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if _, err := Parse(n); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return n, nil
}

// FromFlags is the functionConfig of a command's flags: the fields of the
// file name (as ReadFile reads it; "" for none), then fields (by field name,
// see FieldOfFlag) over them, as a ConfigMap that Parse checks; nil when
// there is no field at all. An error about a field names its flag.
func FromFlags(name string, fields map[string]string) (*yaml.RNode, error) {
	data := map[string]string{}
	n, err := ReadFile(name)
	if err != nil {
		return nil, err
	}
	if n != nil {
		// Carry the file's fields into the ConfigMap the flags extend.
		if n.GetKind() == "ConfigMap" {
			data = n.GetDataMap()
		} else if err := n.VisitFields(func(fn *yaml.MapNode) error {
			k := fn.Key.YNode().Value
			if k != "apiVersion" && k != "kind" && k != "metadata" {
				data[k] = fn.Value.YNode().Value
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	for k, v := range fields {
		data[k] = v
	}
	if len(data) == 0 {
		return nil, nil
	}
	cm := yaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mirrorset-migrate\n")
	cm.SetDataMap(data)
	if _, err := Parse(cm); err != nil {
		return nil, flagError(err)
	}
	return cm, nil
}

// FieldOfFlag is the functionConfig field a flag sets: keep-icsp sets
// keepICSP.
func FieldOfFlag(flag string) string {
	parts := strings.Split(flag, "-")
	for i := 1; i < len(parts); i++ {
		if parts[i] == "icsp" {
			parts[i] = "ICSP"
			continue
		}
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, "")
}

// flagError names the flag, not the ConfigMap field, in a config error.
func flagError(err error) error {
	var ce *Error
	if !errors.As(err, &ce) || ce.Field == "" {
		return err
	}
	field := strings.TrimPrefix(ce.Field, "data.")
	var b strings.Builder
	for _, r := range field {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('-')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	name := strings.ReplaceAll(b.String(), "-i-c-s-p", "-icsp")
	return fmt.Errorf("--%s: %s", name, ce.Msg)
}
