package hypershift

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/transform"
	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// document is one YAML document of a NodePool config: the separator line
// before it ("" for the first), its text, and, for a mirror object, its
// tree.
type document struct {
	sep, body string
	node      *yaml.RNode
}

// splitDocuments splits text where HyperShift's reader splits it
// (k8s.io/apimachinery's util/yaml YAMLReader): at each line that starts
// with "---" and has nothing after it but blanks or a comment.
func splitDocuments(text string) []document {
	docs := []document{{}}
	var body strings.Builder
	for rest := text; rest != ""; {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i+1], rest[i+1:]
		} else {
			rest = ""
		}
		if after, ok := strings.CutPrefix(line, "---"); ok {
			if t := strings.TrimSpace(after); t == "" || t[0] == '#' {
				docs[len(docs)-1].body = body.String()
				body.Reset()
				docs = append(docs, document{sep: line})
				continue
			}
		}
		body.WriteString(line)
	}
	docs[len(docs)-1].body = body.String()
	return docs
}

// EmbeddedConfig is the outcome of ConvertConfig.
type EmbeddedConfig struct {
	// Text is the new value of the config key; Changed says whether it
	// differs from the old one.
	Text    string
	Changed bool
	// Sets are the mirror objects the value holds once converted: what
	// the NodePool's nodes get beside the HostedCluster's entries.
	Sets    []mirror.Set
	Results result.Results
}

// NodePoolConfig is the config key of a NodePool ConfigMap, split into its
// YAML documents, with the mirror objects among them decoded.
type NodePoolConfig struct {
	text string
	docs []document
	sets []*mirror.Set
	// Results are the problems found in reading it.
	Results result.Results
}

// ParseConfig reads text, the config key of a NodePool ConfigMap. A
// document that is not YAML is an error, as it is for HyperShift; so is an
// ImageTagMirrorSet, which HyperShift does not accept there.
func ParseConfig(text string) *NodePoolConfig {
	c := &NodePoolConfig{text: text, docs: splitDocuments(text)}
	docs, rs := c.docs, &c.Results
	for i := range docs {
		d := &docs[i]
		if strings.TrimSpace(d.body) == "" {
			continue
		}
		n, err := yaml.Parse(d.body)
		if errors.Is(err, io.EOF) {
			continue // only comments: no object, and none to convert
		}
		if err != nil {
			*rs = append(*rs, &result.Result{Severity: result.Error, Message: fmt.Sprintf("document %d is not valid YAML, which HyperShift refuses too: %s", i+1, oneLine(err.Error()))})
			continue
		}
		if n.YNode().Kind != yaml.MappingNode {
			continue // no object, so no mirror object
		}
		if _, ok := mirror.KindOf(n.GetApiVersion(), n.GetKind()); !ok {
			continue
		}
		if msg := metadataShape(n.YNode()); msg != "" {
			*rs = append(*rs, &result.Result{Severity: result.Error, Message: fmt.Sprintf("document %d (%s): %s", i+1, n.GetKind(), msg)})
			continue
		}
		set, warnings, err := mirror.Decode(n, i)
		if set == nil {
			set = &mirror.Set{Item: i}
		}
		set.File = "" // the caller names the ConfigMap and its file
		for _, w := range warnings {
			*rs = append(*rs, docResult(result.Warning, set, i, w.Field, w.Msg))
		}
		if err != nil {
			var fe *mirror.FieldError
			if errors.As(err, &fe) {
				*rs = append(*rs, docResult(result.Error, set, i, fe.Field, fe.Msg))
			} else {
				*rs = append(*rs, docResult(result.Error, set, i, "", err.Error()))
			}
			continue
		}
		if set.Kind == mirror.ITMS {
			*rs = append(*rs, docResult(result.Error, set, i, "", "HyperShift accepts no ImageTagMirrorSet in a NodePool config (only MachineConfig, ImageContentSourcePolicy, ImageDigestMirrorSet, ClusterImagePolicy, KubeletConfig and ContainerRuntimeConfig)"))
			continue
		}
		d.node = n
		c.sets = append(c.sets, set)
	}
	return c
}

// Sets returns the mirror objects the config holds, as they are.
func (c *NodePoolConfig) Sets() []mirror.Set { return mirror.Values(c.sets) }

// Convert runs mirrorset on the mirror objects of the config: each
// ImageContentSourcePolicy becomes an ImageDigestMirrorSet (the conversion,
// default policy, checks and consolidation of the top level, among the
// documents of this value and beside the other digest mirror lists that
// the same nodes get, keyed by source), and every other document stays as
// it is, byte for byte, separators included. tagMirrors and layout do not
// apply: HyperShift accepts no ImageTagMirrorSet in a NodePool config, and
// the documents stay where they are.
func (c *NodePoolConfig) Convert(cfg config.Config, beside map[string][][]string) EmbeddedConfig {
	text, docs, sets, rs := c.text, c.docs, c.sets, append(result.Results(nil), c.Results...)
	if result.Failed(rs) || len(sets) == 0 {
		return EmbeddedConfig{Text: text, Results: rs, Sets: mirror.Values(sets)}
	}
	inner := cfg
	inner.TagMirrors, inner.Layout, inner.Preview = false, config.LayoutPreserve, config.PreviewNone
	out := transform.RunBeside(inner, sets, beside)
	rs = append(rs, out.Results...)
	if out.Failed() {
		return EmbeddedConfig{Text: text, Results: rs, Sets: mirror.Values(sets)}
	}
	if cfg.TagMirrors {
		rs = append(rs, &result.Result{Severity: result.Warning, Message: "tagMirrors does not apply here: HyperShift accepts no ImageTagMirrorSet in a NodePool config, so the ImageContentSourcePolicies became ImageDigestMirrorSets only"})
	}
	at := map[int][]transform.Out{}
	var final []mirror.Set
	for _, o := range out.Outs {
		at[o.Item] = append(at[o.Item], o)
		final = append(final, *o.Set)
	}
	var b strings.Builder
	changed := false
	for i, d := range docs {
		if d.node == nil {
			b.WriteString(d.sep)
			b.WriteString(d.body)
			continue
		}
		outs := at[i]
		if len(outs) == 0 { // merged into another document
			changed = true
			continue
		}
		b.WriteString(d.sep)
		for k, o := range outs {
			if k > 0 {
				b.WriteString("---\n")
			}
			body, err := write(d, o)
			if err != nil {
				rs = append(rs, docResult(result.Error, o.Set, i, "", "writing it: "+err.Error()))
				return EmbeddedConfig{Text: text, Results: rs, Sets: mirror.Values(sets)}
			}
			changed = changed || body != d.body
			b.WriteString(body)
		}
	}
	if !changed {
		return EmbeddedConfig{Text: text, Results: rs, Sets: final}
	}
	return EmbeddedConfig{Text: b.String(), Changed: true, Results: rs, Sets: final}
}

// write returns the text of output o of document d.
func write(d document, o transform.Out) (string, error) {
	switch o.How {
	case transform.Unchanged:
		return d.body, nil
	case transform.Updated:
		n := d.node.Copy()
		if err := mirror.SetEntries(n, o.Kind, o.Entries); err != nil {
			return "", err
		}
		return n.String()
	case transform.Converted:
		n, err := mirror.ConvertNode(d.node, o.Kind, o.Entries)
		if err != nil {
			return "", err
		}
		return n.String()
	}
	return "", fmt.Errorf("unexpected output %s", o.How)
}

// metadataShape says what is wrong with an object's metadata and its
// labels and annotations, which must be maps (or absent), or "": kyaml
// reads them as maps, and the API server refuses anything else.
func metadataShape(obj *yaml.Node) string {
	meta := yamlfield.Lookup(obj, "metadata")
	if meta == nil || yamlfield.IsNull(meta) {
		return ""
	}
	if meta.Kind != yaml.MappingNode {
		return "metadata: must be a map, got " + yamlfield.Describe(meta)
	}
	for _, f := range []string{"labels", "annotations"} {
		if v := yamlfield.Lookup(meta, f); v != nil && !yamlfield.IsNull(v) && v.Kind != yaml.MappingNode {
			return "metadata." + f + ": must be a map, got " + yamlfield.Describe(v)
		}
	}
	return ""
}

// docResult is a result about a field of the mirror object in document i.
func docResult(sev result.Severity, s *mirror.Set, i int, field, msg string) *result.Result {
	if field != "" {
		msg = field + ": " + msg
	}
	what := fmt.Sprintf("document %d", i+1)
	if s.Kind != "" {
		what += fmt.Sprintf(" (%s %q)", s.Kind, s.Name)
	}
	return &result.Result{Severity: sev, Message: what + ": " + msg}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
