package nodeimpact

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
)

// Compare returns what replacing the base's files with the head's does to
// the nodes under opts. Files that do not parse are an error.
//
// The rules are the MCO's, per version (see Options.Version):
//   - identical files: no new rendered MachineConfig, no rollout;
//   - before 4.17 (pkg/daemon calculatePostConfigChangeActionFromMCDiffs
//     and isDrainRequired): registries.conf and policy.json reload CRI-O,
//     any other path (the search-registries drop-in) reboots; a
//     registries.conf change drains unless isSafeContainerRegistryConfChanges
//     finds it safe;
//   - from 4.17 (calculatePostConfigChangeNodeDisruptionActionFromMCDiffs
//     and isDrainRequiredForNodeDisruptionActions): each path takes the
//     actions of the closest node disruption policy, the MCO's defaults
//     (pkg/apihelpers defaultClusterPolicies) merged with Options.Policies
//     as MergeClusterPolicies does; a path without one reboots; the
//     registries.conf default, Special, drains unless the change is safe.
//
// Every change is a Reason, with the action it forces on its own; the
// MCO stops at the first unsafe change, Compare lists them all.
func Compare(base, head Files, opts Options) (*Impact, error) {
	r, err := rulesFor(opts.Version)
	if err != nil {
		return nil, err
	}
	imp := &Impact{}
	for _, path := range changedPaths(base, head) {
		level := pathLevel(path, r, opts.Policies)
		var reasons []Reason
		switch path {
		case RegistriesConf:
			reasons, err = compareRegistriesConf(imp, base[path], head[path], r, level)
		case SearchRegistries:
			reasons, err = compareSearchDropIn(base, head, level)
		default:
			reasons = []Reason{{Path: path, Text: fileChange(path, base, head), Action: level.safe}}
		}
		if err != nil {
			return nil, err
		}
		for _, reason := range reasons {
			if level.user {
				reason.Text += " (nodeDisruptionPolicy for " + level.policy + ": " + level.actions + ")"
			}
			reason.Change = reason.Text
			reason.Text += ": " + verdict(reason.Action, opts.SingleNode)
			if opts.SingleNode && reason.Action == Drain {
				reason.Action = level.withoutDrain
			}
			imp.Reasons = append(imp.Reasons, reason)
			imp.Action = max(imp.Action, reason.Action)
		}
	}
	if opts.SingleNode {
		for i := range imp.Registries {
			if imp.Registries[i].Action == Drain {
				imp.Registries[i].Action = pathLevel(RegistriesConf, r, opts.Policies).withoutDrain
			}
		}
	}
	return imp, nil
}

// verdict says what a change forces, as the end of a Reason's text.
func verdict(a Action, singleNode bool) string {
	switch a {
	case None:
		return "no rollout"
	case Rollout:
		return "no reload, no drain"
	case Reload:
		return "no drain"
	case Drain:
		if singleNode {
			return "drains, but the MCO skips the drain on a single node"
		}
		return "drains"
	}
	return "reboots"
}

// String says what a rollout does to each node, in a few words.
func (a Action) String() string {
	switch a {
	case None:
		return "no rollout"
	case Rollout:
		return "rollout, no reload, no drain"
	case Reload:
		return "rollout, CRI-O reload, no drain"
	case Drain:
		return "drain every node"
	case Reboot:
		return "reboot every node"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// changedPaths are the paths whose content or presence differs, the
// three known ones first, then the others sorted.
func changedPaths(base, head Files) []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if seen[p] {
			return
		}
		seen[p] = true
		b, inBase := base[p]
		h, inHead := head[p]
		if inBase != inHead || !bytes.Equal(b, h) {
			out = append(out, p)
		}
	}
	for _, p := range []string{RegistriesConf, PolicyJSON, SearchRegistries} {
		add(p)
	}
	var rest []string
	for p := range base {
		rest = append(rest, p)
	}
	for p := range head {
		rest = append(rest, p)
	}
	sort.Strings(rest)
	for _, p := range rest {
		add(p)
	}
	return out
}

func fileChange(path string, base, head Files) string {
	_, inBase := base[path]
	_, inHead := head[path]
	switch {
	case !inBase:
		return path + " added"
	case !inHead:
		return path + " removed"
	case path == PolicyJSON:
		return path + " (blocked and allowed registries) changed"
	}
	return path + " changed"
}

// compareSearchDropIn describes a change of the containerRuntimeSearchRegistries
// drop-in, which the MCO writes as a registries.conf holding only
// unqualified-search-registries.
func compareSearchDropIn(base, head Files, level pathAction) ([]Reason, error) {
	var lists [2][]string
	for i, f := range []Files{base, head} {
		data, ok := f[SearchRegistries]
		if !ok {
			continue
		}
		conf, err := parseConf(data, []string{"base", "head"}[i], SearchRegistries)
		if err != nil {
			return nil, err
		}
		lists[i] = conf.UnqualifiedSearchRegistries
	}
	_, inBase := base[SearchRegistries]
	_, inHead := head[SearchRegistries]
	var text string
	switch {
	case !inBase:
		text = "containerRuntimeSearchRegistries set to " + list(lists[1]) + " (drop-in " + SearchRegistries + " added)"
	case !inHead:
		text = "containerRuntimeSearchRegistries unset (drop-in " + SearchRegistries + " removed)"
	case slices.Equal(lists[0], lists[1]):
		text = "containerRuntimeSearchRegistries drop-in " + SearchRegistries + " changed"
	default:
		text = "containerRuntimeSearchRegistries changed from " + list(lists[0]) + " to " + list(lists[1])
	}
	if level.policy == "" {
		text += ", a path with no node disruption policy"
	}
	return []Reason{{Path: SearchRegistries, Text: text, Action: level.safe}}, nil
}

func list(s []string) string { return "[" + strings.Join(s, ", ") + "]" }

func parseConf(data []byte, side, path string) (sysregistriesv2.V2RegistriesConf, error) {
	var conf sysregistriesv2.V2RegistriesConf
	if _, err := toml.Decode(string(data), &conf); err != nil {
		return conf, fmt.Errorf("%s %s: %w", side, path, err)
	}
	return conf, nil
}

// change is one difference inside registries.conf and whether the MCO's
// isSafeContainerRegistryConfChanges lets it pass without a drain.
type change struct {
	text string
	safe bool
}

// compareRegistriesConf lists the changes of registries.conf, fills
// imp.Registries and imp.SearchRegistries, and gives each change its
// action: level.safe when isSafeContainerRegistryConfChanges finds it
// safe, level.unsafe otherwise.
func compareRegistriesConf(imp *Impact, baseData, headData []byte, r rules, level pathAction) ([]Reason, error) {
	base, err := parseConf(baseData, "base", RegistriesConf)
	if err != nil {
		return nil, err
	}
	head, err := parseConf(headData, "head", RegistriesConf)
	if err != nil {
		return nil, err
	}
	act := func(c change) Action {
		if c.safe {
			return level.safe
		}
		return level.unsafe
	}
	var reasons []Reason

	// unqualified-search-registries: the order matters, so an entry that
	// goes or moves is unsafe; appending is safe.
	if b, h := base.UnqualifiedSearchRegistries, head.UnqualifiedSearchRegistries; !slices.Equal(b, h) {
		imp.SearchRegistries = &[2][]string{b, h}
		c := searchChange(b, h)
		reasons = append(reasons, Reason{Path: RegistriesConf, Text: c.text, Action: act(c)})
	}

	// Registries are matched by prefix, else location; a later entry of
	// the same scope replaces an earlier one, as in the MCO's map.
	baseRegs, baseOrder := byScope(base.Registries)
	headRegs, headOrder := byScope(head.Registries)
	for _, scope := range headOrder {
		h := headRegs[scope]
		b, kept := baseRegs[scope]
		if kept && reflect.DeepEqual(b, h) {
			continue
		}
		reg := Registry{Scope: scope}
		var changes []change
		if !kept {
			reg.Added = true
			reg.MirrorsAdded = mirrors(h)
			if h.Blocked {
				reg.Blocked = &[2]bool{false, true}
			}
			if h.Insecure {
				reg.Insecure = &[2]bool{false, true}
			}
			changes = []change{addedRegistry(h, r)}
		} else {
			changes = keptRegistry(&reg, b, h, r)
		}
		reasons = appendRegistry(imp, reasons, reg, changes, act)
	}
	for _, scope := range baseOrder {
		if _, ok := headRegs[scope]; ok {
			continue
		}
		b := baseRegs[scope]
		reg := Registry{Scope: scope, Removed: true, MirrorsRemoved: mirrors(b)}
		if b.Blocked {
			reg.Blocked = &[2]bool{true, false}
		}
		if b.Insecure {
			reg.Insecure = &[2]bool{true, false}
		}
		text := "registry removed"
		if len(b.Mirrors) > 0 {
			text += " (mirrors " + mirrorList(b.Mirrors, b) + ")"
		}
		reasons = appendRegistry(imp, reasons, reg, []change{{text: text}}, act)
	}

	if len(reasons) == 0 {
		// Other keys (aliases, short-name-mode, credential helpers) or the
		// text alone: the MCO does not look at them.
		reasons = append(reasons, Reason{Path: RegistriesConf,
			Text:   "registries.conf changed outside its registries and unqualified-search-registries",
			Action: level.safe})
	}
	return reasons, nil
}

func appendRegistry(imp *Impact, reasons []Reason, reg Registry, changes []change, act func(change) Action) []Reason {
	for _, c := range changes {
		a := act(c)
		reg.Action = max(reg.Action, a)
		reasons = append(reasons, Reason{Path: RegistriesConf, Registry: reg.Scope, Text: reg.Scope + ": " + c.text, Action: a})
	}
	imp.Registries = append(imp.Registries, reg)
	return reasons
}

func searchChange(b, h []string) change {
	safe := len(b) <= len(h) && slices.Equal(b, h[:len(b)])
	var parts []string
	var removed, added []string
	for _, s := range b {
		if !slices.Contains(h, s) {
			removed = append(removed, s)
		}
	}
	for _, s := range h {
		if !slices.Contains(b, s) {
			added = append(added, s)
		}
	}
	if len(removed) > 0 {
		parts = append(parts, strings.Join(removed, ", ")+" removed")
	}
	kept := func(l, other []string) []string {
		var out []string
		for _, s := range l {
			if slices.Contains(other, s) {
				out = append(out, s)
			}
		}
		return out
	}
	if kb, kh := kept(b, h), kept(h, b); !slices.Equal(kb, kh) {
		parts = append(parts, "reordered from "+list(kb)+" to "+list(kh))
	}
	if len(added) > 0 {
		word := " added"
		if safe {
			word = " appended"
		}
		parts = append(parts, strings.Join(added, ", ")+word)
	}
	if len(parts) == 0 {
		// Duplicates only.
		parts = append(parts, "changed from "+list(b)+" to "+list(h))
	}
	return change{text: "unqualified-search-registries: " + strings.Join(parts, "; "), safe: safe}
}

func byScope(regs []sysregistriesv2.Registry) (map[string]sysregistriesv2.Registry, []string) {
	m := make(map[string]sysregistriesv2.Registry, len(regs))
	var order []string
	for _, reg := range regs {
		s := scopeOf(reg)
		if _, ok := m[s]; !ok {
			order = append(order, s)
		}
		m[s] = reg
	}
	return m, order
}

func scopeOf(reg sysregistriesv2.Registry) string {
	if reg.Prefix != "" {
		return reg.Prefix
	}
	return reg.Location
}

func mirrors(reg sysregistriesv2.Registry) []Mirror {
	out := make([]Mirror, 0, len(reg.Mirrors))
	for _, m := range reg.Mirrors {
		out = append(out, Mirror{Location: m.Location, PullFromMirror: m.PullFromMirror, Insecure: m.Insecure})
	}
	return out
}

// pullWord says how a mirror is used: containers/image reads an empty
// pull-from-mirror as the registry's mirror-by-digest-only.
func pullWord(m sysregistriesv2.Endpoint, reg sysregistriesv2.Registry) string {
	switch {
	case m.PullFromMirror == sysregistriesv2.MirrorByDigestOnly,
		m.PullFromMirror == "" && reg.MirrorByDigestOnly:
		return "digest-only"
	case m.PullFromMirror == sysregistriesv2.MirrorByTagOnly:
		return "tag-only"
	}
	return "by tag and digest"
}

func mirrorList(ms []sysregistriesv2.Endpoint, reg sysregistriesv2.Registry) string {
	parts := make([]string, 0, len(ms))
	for _, m := range ms {
		parts = append(parts, m.Location+" ("+pullWord(m, reg)+")")
	}
	return strings.Join(parts, ", ")
}

// digestOnly is the registry's mirror-by-digest-only as the MCO before
// 4.13 wrote it: the files of today's renderer say it per mirror, so a
// registry whose mirrors are all digest-only counts as
// mirror-by-digest-only = true.
func digestOnly(reg sysregistriesv2.Registry) bool {
	if reg.MirrorByDigestOnly {
		return true
	}
	if len(reg.Mirrors) == 0 {
		return false
	}
	for _, m := range reg.Mirrors {
		if m.PullFromMirror != sysregistriesv2.MirrorByDigestOnly {
			return false
		}
	}
	return true
}

// allDigestOnlyMirror follows the MCO's function of that name (4.13+).
func allDigestOnlyMirror(reg sysregistriesv2.Registry) bool {
	if len(reg.Mirrors) == 0 {
		return reg.MirrorByDigestOnly
	}
	for _, m := range reg.Mirrors {
		if m.PullFromMirror != sysregistriesv2.MirrorByDigestOnly {
			return false
		}
	}
	return true
}

func addedRegistry(h sysregistriesv2.Registry, r rules) change {
	var text string
	switch {
	case len(h.Mirrors) > 0:
		text = "registry added with mirrors " + mirrorList(h.Mirrors, h)
		if h.Blocked {
			text += "; the source is never contacted (NeverContactSource)"
		}
	case h.Blocked:
		text = "registry added, blocked"
	default:
		text = "registry added"
	}
	if h.Insecure {
		text += "; insecure"
	}
	if r.pullFromMirror {
		return change{text: text, safe: allDigestOnlyMirror(h)}
	}
	return change{text: text, safe: digestOnly(h)}
}

// keptRegistry lists the changes of a registry on both sides, following
// isSafeContainerRegistryConfChanges of the version's rules.
func keptRegistry(reg *Registry, b, h sysregistriesv2.Registry, r rules) []change {
	var out []change
	if b.Prefix != h.Prefix {
		out = append(out, change{text: fmt.Sprintf("prefix changed from %q to %q", b.Prefix, h.Prefix)})
	}
	if b.Location != h.Location {
		reg.Location = &[2]string{b.Location, h.Location}
		out = append(out, change{text: fmt.Sprintf("location changed from %s to %s", b.Location, h.Location)})
	}
	if b.Blocked != h.Blocked {
		reg.Blocked = &[2]bool{b.Blocked, h.Blocked}
		out = append(out, change{text: blockedText(b, h)})
	}
	if b.Insecure != h.Insecure {
		reg.Insecure = &[2]bool{b.Insecure, h.Insecure}
		text := "now insecure (TLS not verified)"
		if !h.Insecure {
			text = "no longer insecure"
		}
		out = append(out, change{text: text})
	}

	digestOnlyBefore413 := digestOnly(b) == digestOnly(h)
	if !r.pullFromMirror && !digestOnlyBefore413 {
		out = append(out, change{text: fmt.Sprintf("mirror-by-digest-only changed from %t to %t", digestOnly(b), digestOnly(h))})
	}
	for _, m := range b.Mirrors {
		if _, ok := findMirror(m.Location, h.Mirrors); !ok {
			reg.MirrorsRemoved = append(reg.MirrorsRemoved, Mirror{Location: m.Location, PullFromMirror: m.PullFromMirror, Insecure: m.Insecure})
			// Before 4.13 a removed mirror is checked only when
			// mirror-by-digest-only stays; it drains anyway when it does not.
			out = append(out, change{text: "mirror " + m.Location + " (" + pullWord(m, b) + ") removed"})
		}
	}
	for _, m := range h.Mirrors {
		old, ok := findMirror(m.Location, b.Mirrors)
		if !ok {
			reg.MirrorsAdded = append(reg.MirrorsAdded, Mirror{Location: m.Location, PullFromMirror: m.PullFromMirror, Insecure: m.Insecure})
			safe := m.PullFromMirror == sysregistriesv2.MirrorByDigestOnly || h.MirrorByDigestOnly
			if !r.pullFromMirror {
				safe = digestOnly(h) && digestOnlyBefore413
			}
			out = append(out, change{text: "mirror " + m.Location + " added (" + pullWord(m, h) + ")", safe: safe})
			continue
		}
		if old.PullFromMirror != m.PullFromMirror {
			reg.PullFromMirror = append(reg.PullFromMirror, MirrorChange{Location: m.Location, Base: old.PullFromMirror, Head: m.PullFromMirror})
			// 4.13+: only a change to digest-only is safe. Before 4.13
			// pull-from-mirror is not read; mirror-by-digest-only is.
			safe := m.PullFromMirror == sysregistriesv2.MirrorByDigestOnly || !r.pullFromMirror
			out = append(out, change{text: fmt.Sprintf("mirror %s: pull-from-mirror changed from %s to %s",
				m.Location, pullOrUnset(old.PullFromMirror), pullOrUnset(m.PullFromMirror)), safe: safe})
		}
		if old.Insecure != m.Insecure {
			text := "mirror " + m.Location + ": now insecure (TLS not verified)"
			if !m.Insecure {
				text = "mirror " + m.Location + ": no longer insecure"
			}
			out = append(out, change{text: text, safe: true})
		}
	}
	if r.pullFromMirror && b.MirrorByDigestOnly != h.MirrorByDigestOnly {
		out = append(out, change{text: fmt.Sprintf("mirror-by-digest-only changed from %t to %t", b.MirrorByDigestOnly, h.MirrorByDigestOnly), safe: true})
	}
	bo, ho := commonOrder(b.Mirrors, h.Mirrors)
	if !slices.Equal(bo, ho) {
		reg.Reordered = true
		out = append(out, change{text: "mirrors reordered from " + list(bo) + " to " + list(ho) + " (pulls try them in the new order)", safe: true})
	}
	if len(out) == 0 {
		// Duplicate mirrors only: DeepEqual fails, no check does.
		out = append(out, change{text: "mirror list changed from " + mirrorList(b.Mirrors, b) + " to " + mirrorList(h.Mirrors, h), safe: true})
	}
	return out
}

func pullOrUnset(p string) string {
	if p == "" {
		return "unset"
	}
	return p
}

func blockedText(b, h sysregistriesv2.Registry) string {
	hasMirrors := len(h.Mirrors) > 0 || len(b.Mirrors) > 0
	switch {
	case h.Blocked && hasMirrors:
		return "the source is no longer contacted (NeverContactSource)"
	case h.Blocked:
		return "now blocked"
	case hasMirrors:
		return "the source is contacted again (AllowContactingSource)"
	}
	return "no longer blocked"
}

func findMirror(loc string, ms []sysregistriesv2.Endpoint) (sysregistriesv2.Endpoint, bool) {
	for _, m := range ms {
		if m.Location == loc {
			return m, true
		}
	}
	return sysregistriesv2.Endpoint{}, false
}

// commonOrder returns the locations on both sides, in each side's order.
func commonOrder(b, h []sysregistriesv2.Endpoint) (bo, ho []string) {
	in := func(loc string, ms []sysregistriesv2.Endpoint) bool {
		_, ok := findMirror(loc, ms)
		return ok
	}
	for _, m := range b {
		if in(m.Location, h) && !slices.Contains(bo, m.Location) {
			bo = append(bo, m.Location)
		}
	}
	for _, m := range h {
		if in(m.Location, b) && !slices.Contains(ho, m.Location) {
			ho = append(ho, m.Location)
		}
	}
	return bo, ho
}
