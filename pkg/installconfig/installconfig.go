// Package installconfig migrates the mirror rules of an OpenShift
// install-config.yaml (openshift/installer pkg/types InstallConfig): the
// deprecated imageContentSources [{source, mirrors}] becomes
// imageDigestSources [{source, mirrors, sourcePolicy}], with a default
// sourcePolicy where the config asks for one, the checks and the
// consolidation of mirrorset's core, and every other byte of the file as it
// was. The installer turns the list into one ImageDigestMirrorSet named
// image-digest-mirror (pkg/asset/manifests ConvertImageDigestMirrorSet), so
// the entries are checked and consolidated as that object.
package installconfig

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/transform"
	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// The install-config fields, as the installer's types spell them.
const (
	ContentSources = "imageContentSources" // deprecated: {source, mirrors}
	DigestSources  = "imageDigestSources"  // {source, mirrors, sourcePolicy}
	SourcePolicy   = "sourcePolicy"
)

// IDMSName is the name of the ImageDigestMirrorSet the installer makes.
const IDMSName = "image-digest-mirror"

// Is reports whether n is an install-config: the installer's InstallConfig
// has no kind, apiVersion v1, and requires baseDomain. No Kubernetes object
// lacks a kind, so the shape is safe to go by.
func Is(n *yaml.RNode) bool {
	root := n.YNode()
	if root.Kind != yaml.MappingNode || yamlfield.Lookup(root, "kind") != nil {
		return false
	}
	v := yamlfield.Lookup(root, "apiVersion")
	return v != nil && v.Value == "v1" && yamlfield.Lookup(root, "baseDomain") != nil
}

// Result is what Migrate made of one file.
type Result struct {
	// Out is the new file; nil when Results hold an error.
	Out []byte
	// Changed is false when Out is the input, byte for byte.
	Changed bool
	// Sets are the ImageDigestMirrorSet the installer makes from the input
	// and from Out, for a comparison of what the nodes get.
	Before, After []mirror.Set
	Results       result.Results
}

// Migrate rewrites the install-config in data (named file in messages)
// with cfg's defaultMirrorSourcePolicy and consolidate; the layout and the
// options about ICSP objects do not apply.
func Migrate(data []byte, file string, cfg config.Config) (*Result, error) {
	doc, err := yaml.Parse(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	root := doc.YNode()
	if !Is(doc) {
		return nil, fmt.Errorf("%s: not an install-config (apiVersion v1, baseDomain, no kind)", file)
	}
	res := &Result{}
	add := func(sev result.Severity, field, msg string) {
		res.Results = append(res.Results, &result.Result{Severity: sev, Message: file + ": " + field + ": " + msg})
	}
	ki, ci, at, field, ok := inUse(root, add)
	if !ok {
		return res, nil
	}
	if at < 0 {
		res.Out, res.Changed = data, false
		return res, nil
	}
	set, nodes, ok := decode(root.Content[at+1], field, file, add)
	if !ok {
		return res, nil
	}
	res.Before = []mirror.Set{*set.Clone()}

	// The core, on the object the installer makes of the list.
	cfg.Layout = config.LayoutPreserve
	out := transform.Run(cfg, []*mirror.Set{set})
	for _, r := range out.Results {
		r.Message = rename(r.Message, set, field)
		res.Results = append(res.Results, r)
	}
	if result.Failed(res.Results) {
		return res, nil
	}
	entries := set.Entries
	if len(out.Outs) > 0 {
		entries = out.Outs[0].Entries
	}
	res.After = []mirror.Set{{Kind: mirror.IDMS, Name: IDMSName, File: file, Entries: entries}}
	if policyAdded(set.Entries, entries) {
		add(result.Warning, DigestSources, "sourcePolicy is read by openshift-install 4.21 and later (openshift/installer#10050); an older one refuses the unknown field or, in the versions that only warn about unknown fields, installs without the policy")
	}

	changed := field != DigestSources || !mirror.Equal(entries, set.Entries)
	if !changed {
		res.Out = data
		return res, nil
	}
	// Only the key changes when the entries stay as they are: the list is
	// kept as written, blank lines and all.
	renameOnly := mirror.Equal(entries, set.Entries)
	root.Content[at].Value = DigestSources
	if !renameOnly {
		root.Content[at+1] = entriesNode(root.Content[at+1], nodes, entries)
	}
	// An empty imageDigestSources (or imageContentSources) beside the one
	// in use says nothing: it goes, so that the installer sees one field.
	other := ki
	if at == ki {
		other = ci
	}
	var drop *yaml.Node
	if other >= 0 {
		drop = root.Content[other]
	}
	out2, err := splice(data, root, at, drop, renameOnly)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	res.Out, res.Changed = out2, !bytes.Equal(out2, data)
	return res, nil
}

// inUse finds the two fields in the map root and the one in use (at is
// its key's index, -1 when neither is there); ok is false, with an error
// added, when both hold entries.
func inUse(root *yaml.Node, add func(result.Severity, string, string)) (ki, ci, at int, field string, ok bool) {
	ki, ci = keyIndex(root, ContentSources), keyIndex(root, DigestSources)
	if ci >= 0 && ki >= 0 && nonEmpty(root.Content[ki+1]) && nonEmpty(root.Content[ci+1]) {
		add(result.Error, ContentSources, "cannot set imageContentSources and imageDigestSources at the same time (the installer refuses it); move the entries into one of them")
		return ki, ci, -1, "", false
	}
	// The one list in use; an empty one beside it goes.
	at, field = ci, DigestSources
	if ki >= 0 && nonEmpty(root.Content[ki+1]) || ci < 0 {
		at, field = ki, ContentSources
	}
	return ki, ci, at, field, true
}

// Check makes Migrate's checks on the mirror fields of root, the
// top-level map of an install-config or of a document that the installer
// merges into one (an install-config override), without consolidating or
// rewriting anything: both fields at once, the entries' shapes, the
// installer's rule on sourcePolicy, and the core's checks of the
// ImageDigestMirrorSet the installer makes of them. Messages start with
// where, then the field. field is the list in use, "" when there is none.
func Check(root *yaml.Node, where string, cfg config.Config) (field string, rs result.Results) {
	add := func(sev result.Severity, f, msg string) {
		rs = append(rs, &result.Result{Severity: sev, Message: where + ": " + f + ": " + msg})
	}
	if root == nil || root.Kind != yaml.MappingNode {
		return "", nil
	}
	_, _, at, field, ok := inUse(root, add)
	if !ok || at < 0 {
		return "", rs
	}
	set, _, ok := decode(root.Content[at+1], field, where, add)
	if !ok || set == nil {
		return field, rs
	}
	set.File = where
	cfg.Layout, cfg.Consolidate, cfg.DefaultMirrorSourcePolicy, cfg.TagMirrors = config.LayoutPreserve, false, "", false
	out := transform.Run(cfg, []*mirror.Set{set})
	for _, r := range out.Results {
		rs = append(rs, &result.Result{Severity: r.Severity, Message: rename(r.Message, set, field)})
	}
	return field, rs
}

func keyIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

func nonEmpty(n *yaml.Node) bool {
	return n != nil && !yamlfield.IsNull(n) && !(n.Kind == yaml.SequenceNode && len(n.Content) == 0)
}

// decode reads the list under field into the set the installer makes,
// and returns each entry's node. Errors name file and field; ok is false
// when the list's shape leaves nothing to check further.
func decode(list *yaml.Node, field, file string, add func(result.Severity, string, string)) (*mirror.Set, []*yaml.Node, bool) {
	set := &mirror.Set{Kind: mirror.IDMS, Name: IDMSName, File: file}
	if yamlfield.IsNull(list) {
		return set, nil, true
	}
	if list.Kind != yaml.SequenceNode {
		add(result.Error, field, "must be a list of {source, mirrors} entries, got "+yamlfield.Describe(list))
		return nil, nil, false
	}
	ok := true
	for i, n := range list.Content {
		f := field + "[" + strconv.Itoa(i) + "]"
		if n.Kind != yaml.MappingNode {
			add(result.Error, f, "must be a map with source and mirrors, got "+yamlfield.Describe(n))
			ok = false
			continue
		}
		var e mirror.Entry
		for j := 0; j+1 < len(n.Content); j += 2 {
			k, v := n.Content[j].Value, n.Content[j+1]
			var err error
			switch {
			case k == "source":
				e.Source, err = yamlfield.String(v, f+".source")
			case k == "mirrors":
				e.Mirrors, err = yamlfield.Strings(v, f+".mirrors")
			case k == SourcePolicy && field == DigestSources:
				var p string
				p, err = yamlfield.String(v, f+"."+SourcePolicy)
				e.Policy = mirror.Policy(p)
			case k == SourcePolicy:
				// Migrating would make a field the installer ignores take effect.
				add(result.Error, f+"."+SourcePolicy, "imageContentSources entries have no sourcePolicy (the installer ignores it); remove it, or move the entry to imageDigestSources yourself")
			default:
				add(result.Warning, f+"."+k, "not a field of the installer's "+entryType(field)+"; the installer warns and ignores it")
			}
			if err != nil {
				add(result.Error, f, err.Error())
				ok = false
			}
		}
		// The installer's validateImageDigestSources; the core's checks
		// (formats, policy values) follow.
		if e.Policy != "" && len(e.Mirrors) == 0 {
			add(result.Error, f+"."+SourcePolicy, fmt.Sprintf("%q: sourcePolicy cannot be configured without a mirror (the installer refuses it)", e.Policy))
		}
		set.Entries = append(set.Entries, e)
	}
	return set, list.Content, ok
}

func entryType(field string) string {
	if field == ContentSources {
		return "ImageContentSource (source, mirrors)"
	}
	return "ImageDigestSource (source, mirrors, sourcePolicy)"
}

// rename turns a message about the set into one about the install-config's
// field: the file, imageContentSources[i], sourcePolicy.
func rename(msg string, s *mirror.Set, field string) string {
	msg = strings.ReplaceAll(msg, s.Ref()+": spec.imageDigestMirrors", s.File+": "+field)
	msg = strings.ReplaceAll(msg, s.Ref()+": ", s.File+": "+field+": ")
	msg = strings.ReplaceAll(msg, s.Ref(), s.File+" "+field)
	msg = strings.ReplaceAll(msg, string(s.Kind)+" "+strconv.Quote(s.Name), field)
	msg = strings.ReplaceAll(msg, "spec.imageDigestMirrors", field)
	return strings.ReplaceAll(msg, "mirrorSourcePolicy", SourcePolicy)
}

// entriesNode returns the list for entries, reusing the node of the first
// old entry for each source (its comments and key order stay) and the
// scalar nodes of mirrors it already had.
func entriesNode(old *yaml.Node, nodes []*yaml.Node, entries []mirror.Entry) *yaml.Node {
	bySource := map[string]*yaml.Node{}
	for _, n := range nodes {
		if s := yamlfield.Lookup(n, "source"); s != nil && bySource[s.Value] == nil {
			bySource[s.Value] = n
		}
	}
	list := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: old.Style &^ yaml.FlowStyle,
		HeadComment: old.HeadComment, LineComment: old.LineComment, FootComment: old.FootComment}
	if old.Kind == yaml.SequenceNode {
		list.Style = old.Style
	}
	for _, e := range entries {
		n := bySource[e.Source]
		delete(bySource, e.Source)
		if n == nil {
			n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			setField(n, "source", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: e.Source})
		}
		setField(n, "mirrors", mirrorsNode(yamlfield.Lookup(n, "mirrors"), e.Mirrors))
		if e.Policy != "" {
			setField(n, SourcePolicy, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: string(e.Policy)})
		}
		list.Content = append(list.Content, n)
	}
	return list
}

func mirrorsNode(old *yaml.Node, mirrors []string) *yaml.Node {
	have := map[string]*yaml.Node{}
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if old != nil && old.Kind == yaml.SequenceNode {
		for _, m := range old.Content {
			if have[m.Value] == nil {
				have[m.Value] = m
			}
		}
		n.Style, n.HeadComment, n.LineComment, n.FootComment = old.Style, old.HeadComment, old.LineComment, old.FootComment
	}
	for _, m := range mirrors {
		s := have[m]
		if s == nil {
			s = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: m}
		}
		delete(have, m)
		n.Content = append(n.Content, s)
	}
	return n
}

// setField sets key in the map m to v, in place when it is there, else at
// the end.
func setField(m *yaml.Node, key string, v *yaml.Node) {
	if i := keyIndex(m, key); i >= 0 {
		v.LineComment = m.Content[i+1].LineComment
		m.Content[i+1] = v
		return
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// policyAdded reports whether an entry of after has a policy that no entry
// for its source had before.
func policyAdded(before, after []mirror.Entry) bool {
	had := map[string]bool{}
	for _, e := range before {
		if e.Policy != "" {
			had[e.Source] = true
		}
	}
	for _, e := range after {
		if e.Policy != "" && !had[e.Source] {
			return true
		}
	}
	return false
}
