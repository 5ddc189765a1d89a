package result

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Node returns rs as the YAML node that yaml.Marshal(rs) gives once parsed
// again: the same tags and scalar styles, so that kyaml's encoder (and
// yamlprint) print it in the same bytes, without the reflection, the
// emitter and the parser on the way. It reports false for what it does not
// build that way (a nil result, tags, a field's current or proposed value,
// invalid UTF-8, line breaks other than "\n" and a plain "<<", which the
// parser would read back otherwise): marshal rs then.
func Node(rs Results) (*yaml.Node, bool) {
	b := nodeBuilder{nodes: make([]yaml.Node, 0, 1+len(rs)*8)}
	seq := b.node(yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"})
	seq.Content = make([]*yaml.Node, 0, len(rs))
	for _, r := range rs {
		if r == nil || len(r.Tags) > 0 || r.Field != nil && (r.Field.CurrentValue != nil || r.Field.ProposedValue != nil) {
			return nil, false
		}
		m := b.mapping()
		b.str(m, "message", r.Message)
		b.str(m, "severity", string(r.Severity))
		if ref := r.ResourceRef; ref != nil {
			v := b.mapping()
			b.str(v, "apiVersion", ref.APIVersion)
			b.str(v, "kind", ref.Kind)
			b.str(v, "name", ref.Name)
			b.str(v, "namespace", ref.Namespace)
			b.field(m, "resourceRef", v)
		}
		if f := r.Field; f != nil {
			v := b.mapping()
			b.str(v, "path", f.Path)
			b.field(m, "field", v)
		}
		if f := r.File; f != nil {
			v := b.mapping()
			b.str(v, "path", f.Path)
			if f.Index != 0 {
				b.field(v, "index", b.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(f.Index)}))
			}
			b.field(m, "file", v)
		}
		if b.failed {
			return nil, false
		}
		seq.Content = append(seq.Content, m)
	}
	return seq, true
}

// nodeBuilder makes the nodes out of one slice.
type nodeBuilder struct {
	nodes  []yaml.Node
	failed bool // a string that Node does not build
}

func (b *nodeBuilder) node(n yaml.Node) *yaml.Node {
	if len(b.nodes) == cap(b.nodes) {
		b.nodes = make([]yaml.Node, 0, 2*cap(b.nodes)+8)
	}
	b.nodes = append(b.nodes, n)
	return &b.nodes[len(b.nodes)-1]
}

func (b *nodeBuilder) mapping() *yaml.Node {
	return b.node(yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"})
}

func (b *nodeBuilder) field(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, b.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}), v)
}

// str adds a string field as the struct encoder writes it: left out when
// empty (omitempty), and in encoder.stringv's style.
func (b *nodeBuilder) str(m *yaml.Node, key, s string) {
	if s == "" {
		return
	}
	// A plain "<<" parses as a merge key (yaml.v3's parser.scalar), which
	// the encoder then writes with its !!merge tag.
	if s == "<<" || !utf8.ValidString(s) || strings.ContainsAny(s, "\r\u0085\u2028\u2029") {
		b.failed = true
		return
	}
	b.field(m, key, b.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: stringStyle(s)}))
}

// stringStyle is encoder.stringv's choice for an untagged string: literal
// when it has a line break, plain when it reads back as a string (and not
// as a YAML 1.1 bool or base 60 float), double-quoted otherwise. The
// emitter may still quote a plain one (as yaml_emitter_select_scalar_style
// does), the same way when the node is printed.
func stringStyle(s string) yaml.Style {
	if strings.Contains(s, "\n") {
		return yaml.LiteralStyle
	}
	r := yaml.Node{Kind: yaml.ScalarNode, Value: s}
	if r.ShortTag() == "!!str" && !isBase60Float(s) && !isOldBool(s) {
		return 0
	}
	return yaml.DoubleQuotedStyle
}

// isBase60Float and isOldBool are yaml.v3's encode.go functions of the
// same names.
func isBase60Float(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	if !(c == '+' || c == '-' || c >= '0' && c <= '9') || strings.IndexByte(s, ':') < 0 {
		return false
	}
	return base60float().MatchString(s)
}

// base60float is compiled on first use, not at every start: most runs
// never meet a plain scalar with a colon after a digit.
var base60float = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)
})

func isOldBool(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
		"n", "N", "no", "No", "NO", "off", "Off", "OFF":
		return true
	}
	return false
}
