package mirror

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// FieldError is a problem with one field of an object.
type FieldError = yamlfield.Error

// Decode reads the mirror object in node, which item is the index of in its
// ResourceList. Fields of the wrong type are errors that name the field;
// unknown entry fields come back as warnings, since the API server prunes
// them.
func Decode(node *yaml.RNode, item int) (set *Set, warnings []*FieldError, err error) {
	kind, ok := KindOf(node.GetApiVersion(), node.GetKind())
	if !ok {
		return nil, nil, fmt.Errorf("not a mirror object: %s %s", node.GetApiVersion(), node.GetKind())
	}
	return DecodeAs(node, item, kind)
}

// DecodeAs is Decode for an object that holds mirror entries of kind k in
// k.EntriesField(), such as a HostedCluster, whatever its apiVersion and
// kind say.
func DecodeAs(node *yaml.RNode, item int, kind Kind) (set *Set, warnings []*FieldError, err error) {
	set = &Set{Kind: kind, Item: item}
	set.File, set.FileIndex = FileOf(node)

	name, err := stringField(node.YNode(), "metadata", "name")
	if err != nil {
		return set, nil, err
	}
	if name == "" {
		return set, nil, &FieldError{Field: "metadata.name", Msg: "is required: every object needs a name"}
	}
	set.Name = name

	path := kind.EntriesField()
	spec := yamlfield.Lookup(node.YNode(), "spec")
	if spec == nil {
		return set, nil, nil
	}
	if spec.Kind != yaml.MappingNode {
		return set, nil, &FieldError{Field: "spec", Msg: "must be a map with " + path[1] + ", got " + yamlfield.Describe(spec)}
	}
	list := yamlfield.Lookup(spec, path[1])
	if list == nil {
		return set, nil, nil
	}
	field := path[0] + "." + path[1]
	if list.Kind != yaml.SequenceNode {
		return set, nil, &FieldError{Field: field, Msg: "must be a list of {source, mirrors} entries, got " + yamlfield.Describe(list)}
	}
	for i, en := range list.Content {
		ef := field + "[" + strconv.Itoa(i) + "]"
		e, w, err := decodeEntry(en, kind, ef)
		if err != nil {
			return set, warnings, err
		}
		warnings = append(warnings, w...)
		set.Entries = append(set.Entries, e)
	}
	return set, warnings, nil
}

func decodeEntry(n *yaml.Node, kind Kind, field string) (Entry, []*FieldError, error) {
	var e Entry
	var warnings []*FieldError
	if n.Kind != yaml.MappingNode {
		return e, nil, &FieldError{Field: field, Msg: "must be a map with source and mirrors, got " + yamlfield.Describe(n)}
	}
	seenSource := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		f := field + "." + k
		switch {
		case k == "source":
			s, err := yamlfield.String(v, f)
			if err != nil {
				return e, nil, err
			}
			e.Source, seenSource = s, true
		case k == "mirrors":
			if yamlfield.IsNull(v) {
				continue
			}
			if v.Kind != yaml.SequenceNode {
				return e, nil, &FieldError{Field: f, Msg: "must be a list of strings, got " + yamlfield.Describe(v)}
			}
			for j, m := range v.Content {
				s, err := yamlfield.String(m, f+"["+strconv.Itoa(j)+"]")
				if err != nil {
					return e, nil, err
				}
				e.Mirrors = append(e.Mirrors, s)
			}
		case k == "mirrorSourcePolicy" && kind.HasPolicy():
			if yamlfield.IsNull(v) {
				continue
			}
			s, err := yamlfield.String(v, f)
			if err != nil {
				return e, nil, err
			}
			e.Policy = Policy(s)
		default:
			msg := "is not a field of " + string(kind) + " entries; the API server drops it"
			switch {
			case k == "mirrorSourcePolicy" && kind == ICSP:
				msg = "ImageContentSourcePolicy has no mirrorSourcePolicy; convert it to an ImageDigestMirrorSet to set one"
			case k == "mirrorSourcePolicy":
				msg = "is not a field of " + string(kind) + " entries: the API server drops it, and the guest's ImageDigestMirrorSet cluster gets no policy"
			}
			warnings = append(warnings, &FieldError{Field: f, Msg: msg})
		}
	}
	if !seenSource {
		return e, nil, &FieldError{Field: field + ".source", Msg: "is required: the registry or repository that the mirrors stand in for, as quay.io/ns/repo"}
	}
	return e, warnings, nil
}

// FileOf returns the path and index annotations of node, the new or the
// legacy ones.
func FileOf(node *yaml.RNode) (string, int) {
	a := node.GetAnnotations()
	path := a[kioutil.PathAnnotation]
	if path == "" {
		path = a[kioutil.LegacyPathAnnotation]
	}
	idx := a[kioutil.IndexAnnotation]
	if idx == "" {
		idx = a[kioutil.LegacyIndexAnnotation]
	}
	i, _ := strconv.Atoi(idx)
	return path, i
}

func stringField(n *yaml.Node, path ...string) (string, error) {
	for i, p := range path {
		if i > 0 && n != nil && n.Kind != yaml.MappingNode && !yamlfield.IsNull(n) {
			return "", &FieldError{Field: joinPath(path[:i]), Msg: "must be a map, got " + yamlfield.Describe(n)}
		}
		n = yamlfield.Lookup(n, p)
	}
	if n == nil || yamlfield.IsNull(n) {
		return "", nil
	}
	return yamlfield.String(n, joinPath(path))
}

func joinPath(p []string) string {
	s := ""
	for i, e := range p {
		if i > 0 {
			s += "."
		}
		s += e
	}
	return s
}

// EntriesNode builds the YAML list for entries, as kind k spells it.
func EntriesNode(k Kind, entries []Entry) *yaml.RNode {
	list := yaml.NewListRNode()
	for _, e := range entries {
		m := yaml.NewMapRNode(nil)
		m.YNode().Content = append(m.YNode().Content, yaml.NewStringRNode("source").YNode(), yaml.NewStringRNode(e.Source).YNode())
		if len(e.Mirrors) > 0 {
			m.YNode().Content = append(m.YNode().Content, yaml.NewStringRNode("mirrors").YNode(), yaml.NewListRNode(e.Mirrors...).YNode())
		}
		if e.Policy != "" && k.HasPolicy() {
			m.YNode().Content = append(m.YNode().Content, yaml.NewStringRNode("mirrorSourcePolicy").YNode(), yaml.NewStringRNode(string(e.Policy)).YNode())
		}
		list.YNode().Content = append(list.YNode().Content, m.YNode())
	}
	return list
}

// SetEntries replaces the entry list of the object in node with entries.
// Entry nodes that already say the same thing are reused, comments and all.
func SetEntries(node *yaml.RNode, k Kind, entries []Entry) error {
	path := k.EntriesField()
	// Each old entry node is decoded once and found by what it says, so
	// that a long list costs linear time, not a scan per entry.
	reuse := map[string]*yaml.Node{}
	if list := yamlfield.Lookup(yamlfield.Lookup(node.YNode(), path[0]), path[1]); list != nil && list.Kind == yaml.SequenceNode {
		for _, n := range list.Content {
			d, w, err := decodeEntry(n, k, "")
			if err != nil || len(w) > 0 {
				continue
			}
			if key := entryKey(d); reuse[key] == nil {
				reuse[key] = n
			}
		}
	}
	fresh := EntriesNode(k, entries)
	for i, e := range entries {
		if n := reuse[entryKey(e)]; n != nil {
			fresh.YNode().Content[i] = n
		}
	}
	spec, err := node.Pipe(yaml.LookupCreate(yaml.MappingNode, path[0]))
	if err != nil {
		return fmt.Errorf("setting %s: %w", path[0], err)
	}
	return spec.PipeE(yaml.SetField(path[1], fresh))
}

// entryKey is what an entry says, as a map key: two entries have the same
// key exactly when Equal holds for them.
func entryKey(e Entry) string {
	var b strings.Builder
	for _, s := range append([]string{e.Source, string(e.Policy)}, e.Mirrors...) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	return b.String()
}

// droppedMetadata are the metadata fields that a cluster fills in and that
// must not travel into a new object (`oc get -o yaml` leaves them behind).
var droppedMetadata = []string{"uid", "resourceVersion", "generation", "creationTimestamp",
	"managedFields", "ownerReferences", "namespace", "selfLink", "deletionTimestamp",
	"deletionGracePeriodSeconds", "finalizers", "generateName"}

// lastApplied is kubectl's copy of the previous object, which would describe
// the ICSP, not the new object.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// ConvertNode returns a new object of kind k with entries, taking the name,
// labels and annotations of from (an ICSP). Fields the cluster filled in are
// dropped, and so is status.
func ConvertNode(from *yaml.RNode, k Kind, entries []Entry) (*yaml.RNode, error) {
	meta := from.Field("metadata")
	if meta != nil && meta.Value.YNode().Kind != yaml.MappingNode {
		return convertNodeByFields(from, k, entries)
	}
	// The tree that convertNodeByFields builds with kyaml's SetField, made
	// directly: SetField parses every string value again as YAML 1.1 to
	// choose its style, which took most of the time of a list of thousands
	// of ICSPs. TestConvertNodeAsByFields holds the two together.
	n := &yaml.Node{Kind: yaml.MappingNode}
	n.Content = append(n.Content, fieldKey("apiVersion"), fieldValue(k.APIVersion()), fieldKey("kind"), fieldValue(string(k)))
	if meta != nil {
		m := meta.Value.Copy()
		for _, f := range droppedMetadata {
			if !hasKey(m.YNode(), f) {
				continue // what Clear would find
			}
			if err := m.PipeE(yaml.Clear(f)); err != nil {
				return nil, err
			}
		}
		if a := m.Field("annotations"); a != nil {
			if hasKey(a.Value.YNode(), lastApplied) {
				if err := a.Value.PipeE(yaml.Clear(lastApplied)); err != nil {
					return nil, err
				}
			}
			if len(a.Value.YNode().Content) == 0 {
				if err := m.PipeE(yaml.Clear("annotations")); err != nil {
					return nil, err
				}
			}
		}
		n.Content = append(n.Content, fieldKey("metadata"), m.YNode())
	}
	spec := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{fieldKey(k.EntriesField()[1]), EntriesNode(k, entries).YNode()}}
	n.Content = append(n.Content, fieldKey("spec"), spec)
	return yaml.NewRNode(n), nil
}

// fieldKey is the key node that kyaml's FieldSetter appends.
func fieldKey(name string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: name} }

// fieldValue is a new string value node as kyaml's FieldSetter sets it:
// NewStringRNode, and double quotes for a string that YAML 1.1 reads as
// another type (which apiVersion and kind values never are).
func fieldValue(v string) *yaml.Node {
	n := yaml.NewStringRNode(v).YNode()
	styles.Lock()
	defer styles.Unlock()
	st, ok := styles.of[v]
	if !ok {
		if yaml.IsYaml1_1NonString(n) {
			st = yaml.DoubleQuotedStyle
		}
		styles.of[v] = st
	}
	if n.Style == 0 {
		n.Style = st
	}
	return n
}

// styles are the styles fieldValue found for its few values: finding one
// parses the value as YAML 1.1.
var styles = struct {
	sync.Mutex
	of map[string]yaml.Style
}{of: map[string]yaml.Style{}}

// hasKey reports whether the map m has key.
func hasKey(m *yaml.Node, key string) bool {
	if m.Kind != yaml.MappingNode {
		return true // let Clear say what it says
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

func convertNodeByFields(from *yaml.RNode, k Kind, entries []Entry) (*yaml.RNode, error) {
	n := yaml.NewMapRNode(nil)
	if err := n.PipeE(yaml.SetField("apiVersion", yaml.NewStringRNode(k.APIVersion()))); err != nil {
		return nil, err
	}
	if err := n.PipeE(yaml.SetField("kind", yaml.NewStringRNode(string(k)))); err != nil {
		return nil, err
	}
	meta := from.Field("metadata")
	if meta != nil {
		m := meta.Value.Copy()
		for _, f := range droppedMetadata {
			if err := m.PipeE(yaml.Clear(f)); err != nil {
				return nil, err
			}
		}
		if a := m.Field("annotations"); a != nil {
			if err := a.Value.PipeE(yaml.Clear(lastApplied)); err != nil {
				return nil, err
			}
			if len(a.Value.YNode().Content) == 0 {
				if err := m.PipeE(yaml.Clear("annotations")); err != nil {
					return nil, err
				}
			}
		}
		if err := n.PipeE(yaml.SetField("metadata", m)); err != nil {
			return nil, err
		}
	}
	spec := yaml.NewMapRNode(nil)
	if err := spec.PipeE(yaml.SetField(k.EntriesField()[1], EntriesNode(k, entries))); err != nil {
		return nil, err
	}
	return n, n.PipeE(yaml.SetField("spec", spec))
}

// NewNode returns a new object of kind k named name with entries, carrying
// the given annotations (the file and index of the item it stands beside).
func NewNode(k Kind, name string, annotations map[string]string, entries []Entry) (*yaml.RNode, error) {
	n := yaml.NewMapRNode(nil)
	if err := n.PipeE(yaml.SetField("apiVersion", yaml.NewStringRNode(k.APIVersion()))); err != nil {
		return nil, err
	}
	if err := n.PipeE(yaml.SetField("kind", yaml.NewStringRNode(string(k)))); err != nil {
		return nil, err
	}
	if err := n.SetName(name); err != nil {
		return nil, err
	}
	if len(annotations) > 0 {
		if err := n.SetAnnotations(annotations); err != nil {
			return nil, err
		}
	}
	spec := yaml.NewMapRNode(nil)
	if err := spec.PipeE(yaml.SetField(k.EntriesField()[1], EntriesNode(k, entries))); err != nil {
		return nil, err
	}
	return n, n.PipeE(yaml.SetField("spec", spec))
}
