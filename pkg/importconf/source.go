package importconf

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// ConfigMapKey is the key of the mirror ConfigMap that AgentServiceConfig,
// InfraEnv and AgentClusterInstall name in mirrorRegistryRef (assisted-service
// keeps the CA bundle beside it, under ca-bundle.crt).
const ConfigMapKey = "registries.conf"

// NodePath is where a MachineConfig writes the file for CRI-O.
const NodePath = "/etc/containers/registries.conf"

// Found is a registries.conf found inside an object.
type Found struct {
	// From names the object and the field: `x.yaml: ConfigMap ns/name
	// data."registries.conf"`.
	From string
	Conf []byte
}

// IsConfigMap reports whether n is a ConfigMap with a registries.conf key.
func IsConfigMap(n *yaml.RNode) bool {
	if n.GetApiVersion() != "v1" || n.GetKind() != "ConfigMap" {
		return false
	}
	_, ok := n.GetDataMap()[ConfigMapKey]
	return ok
}

// IsMachineConfig reports whether n is a MachineConfig.
func IsMachineConfig(n *yaml.RNode) bool {
	return n.GetApiVersion() == "machineconfiguration.openshift.io/v1" && n.GetKind() == "MachineConfig"
}

// Find returns the registries.conf files that the objects hold: the
// registries.conf key of ConfigMaps, and the /etc/containers/registries.conf
// that MachineConfigs write through Ignition. Other objects are skipped. A
// MachineConfig whose file cannot be decoded is an error.
func Find(nodes []*yaml.RNode) ([]Found, error) {
	var out []Found
	for _, n := range nodes {
		switch {
		case IsConfigMap(n):
			out = append(out, Found{From: Describe(n) + ` data."` + ConfigMapKey + `"`, Conf: []byte(n.GetDataMap()[ConfigMapKey])})
		case IsMachineConfig(n):
			fs, err := machineConfigFiles(n)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", Describe(n), err)
			}
			out = append(out, fs...)
		}
	}
	return out, nil
}

// machineConfigFiles reads spec.config.storage.files[] for NodePath.
func machineConfigFiles(n *yaml.RNode) ([]Found, error) {
	files := yamlfield.Lookup(yamlfield.Lookup(yamlfield.Lookup(yamlfield.Lookup(n.YNode(), "spec"), "config"), "storage"), "files")
	if files == nil || files.Kind != yaml.SequenceNode {
		return nil, nil
	}
	var out []Found
	for i, f := range files.Content {
		path := yamlfield.Lookup(f, "path")
		if path == nil || path.Value != NodePath {
			continue
		}
		field := "spec.config.storage.files[" + strconv.Itoa(i) + "]"
		contents := yamlfield.Lookup(f, "contents")
		src := yamlfield.Lookup(contents, "source")
		if src == nil {
			return nil, fmt.Errorf("%s.contents.source: missing: the file has no content to import", field)
		}
		var compression string
		if c := yamlfield.Lookup(contents, "compression"); c != nil {
			compression = c.Value
		}
		data, err := DataURL(src.Value, compression)
		if err != nil {
			return nil, fmt.Errorf("%s.contents.source: %w", field, err)
		}
		out = append(out, Found{From: Describe(n) + " " + field, Conf: data})
	}
	return out, nil
}

// DataURL decodes an Ignition file source: a data: URL (RFC 2397), base64
// or percent-encoded, then gunzipped when compression is "gzip". Other
// schemes (http, s3, ...) are fetched by the node, not here: an error.
// Ignition decodes with vincent-petithory/dataurl; this follows its rules
// for the forms Ignition configs use.
func DataURL(s, compression string) ([]byte, error) {
	rest, ok := strings.CutPrefix(s, "data:")
	if !ok {
		scheme, _, _ := strings.Cut(s, ":")
		return nil, fmt.Errorf("a %q source is fetched by the node; only data: URLs can be read here", scheme)
	}
	meta, payload, ok := strings.Cut(rest, ",")
	if !ok {
		return nil, fmt.Errorf("a data: URL needs a comma before its data")
	}
	var data []byte
	if strings.HasSuffix(meta, ";base64") {
		// Ignition accepts base64 with or without padding.
		b, err := base64.StdEncoding.DecodeString(payload)
		if err != nil {
			if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(payload, "=")); err != nil {
				return nil, fmt.Errorf("bad base64: %w", err)
			}
		}
		data = b
	} else {
		p, err := url.PathUnescape(payload)
		if err != nil {
			return nil, fmt.Errorf("bad percent-encoding: %w", err)
		}
		data = []byte(p)
	}
	switch compression {
	case "":
		return data, nil
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("compression gzip: %w", err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			return nil, fmt.Errorf("compression gzip: %w", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("compression %q: Ignition knows gzip only", compression)
}

// Describe names an object for messages: "x.yaml: Kind ns/name".
func Describe(n *yaml.RNode) string {
	a := n.GetAnnotations()
	file := a[kioutil.PathAnnotation]
	if file == "" {
		file = a[kioutil.LegacyPathAnnotation]
	}
	name := n.GetName()
	if ns := n.GetNamespace(); ns != "" {
		name = ns + "/" + name
	}
	s := n.GetKind() + " " + name
	if file != "" {
		s = file + ": " + s
	}
	return s
}
