// Package diff says what a change to mirror objects does to the nodes,
// before it merges: both sides go through the checks of the API server and
// the Machine Config Operator's (MCO) renderer, package nodeimpact decides
// what the MCO does with the difference, and each changed registry is
// traced back to the objects and entries that make it on each side, as
// package explain traces a pull. Compare takes sides already read; Command
// runs `mirrorset diff`, reading them from files, folders or a git ref
// (package manifests). The report is written as text, as a pull-request
// comment in Markdown, or as JSON.
package diff

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
	"github.com/openshift/runtime-utils/pkg/registries"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/check"
	"github.com/mirrorset/mirrorset/pkg/diff/unified"
	"github.com/mirrorset/mirrorset/pkg/explain"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/nodeimpact"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// Side is one side of a change: what the nodes' files are made from.
type Side struct {
	Sets  []mirror.Set
	Image *registriesconf.Image
	// Search is the Image's containerRuntimeSearchRegistries, nil when
	// not set.
	Search []string
	// Policies are the node disruption policies of the side's
	// MachineConfiguration named cluster; PoliciesFrom names that object,
	// empty when the side has none.
	Policies     []nodeimpact.FilePolicy
	PoliciesFrom string
	// Warnings name what the cluster ignores in the side's objects.
	Warnings []string
}

// ReadSide picks from nodes the mirror objects, the Image named cluster
// and the MachineConfiguration named cluster; it ignores everything else.
func ReadSide(nodes []*yaml.RNode) (*Side, error) {
	in, err := registriesconf.ReadInput(nodes)
	if err != nil {
		return nil, err
	}
	s := &Side{Sets: in.Sets, Image: in.Image, Warnings: in.Warnings}
	for _, n := range nodes {
		ref := n.GetKind() + " " + strconv.Quote(n.GetName())
		if f := n.GetAnnotations()[kioutil.PathAnnotation]; f != "" {
			ref += " in " + f
		}
		switch {
		case registriesconf.IsImage(n) && n.GetName() == registriesconf.ClusterImageName:
			if s.Search, err = registriesconf.SearchRegistries(n); err != nil {
				return nil, fmt.Errorf("%s: %w", ref, err)
			}
		case nodeimpact.IsMachineConfiguration(n) && n.GetName() == nodeimpact.MachineConfigurationName:
			if s.PoliciesFrom != "" {
				return nil, fmt.Errorf("%s: a second MachineConfiguration named %s (the first is %s)", ref, nodeimpact.MachineConfigurationName, s.PoliciesFrom)
			}
			p, err := nodeimpact.ParseMachineConfiguration(n)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", ref, err)
			}
			s.Policies, s.PoliciesFrom = p, ref
		}
	}
	return s, nil
}

// Options are what the comparison depends on besides the sides.
type Options struct {
	// Render holds the release image and the template the MCO starts
	// from; its Image is ignored, each side brings its own.
	Render registriesconf.Options
	// Version is the target OpenShift version, as nodeimpact takes it.
	Version string
	// SingleNode is a single-node cluster, which the MCO never drains.
	SingleNode bool
}

// Refuser says who refuses a side.
type Refuser string

const (
	// APIServer: the objects are not stored; the apply fails and nothing
	// reaches the nodes.
	APIServer Refuser = "api-server"
	// MCO: the objects are stored but the MCO cannot render them: the
	// nodes keep the files they have and the pools degrade.
	MCO Refuser = "mco"
)

// Refusal is why a side cannot reach the nodes.
type Refusal struct {
	By Refuser
	// Errors are the messages, each naming its object and field where
	// there is one.
	Errors []string
}

// SideResult is what one side gives the nodes.
type SideResult struct {
	// Objects counts the side's objects that reach the nodes, by kind.
	Objects map[string]int
	// Files are the node files the side makes, nil when it is refused.
	Files nodeimpact.Files
	// Refused is nil when the side renders.
	Refused *Refusal
	// Warnings are the side's read and render warnings.
	Warnings []string
}

// Report is what a change does to the nodes.
type Report struct {
	// Version is the OpenShift version whose rules decided, as given.
	Version    string
	Base, Head SideResult
	// Impact is nil when a side is refused.
	Impact *nodeimpact.Impact
	// PoliciesFrom names the MachineConfiguration whose node disruption
	// policies were applied, empty for none.
	PoliciesFrom string
	// Registries are the registries.conf changes, in Impact's order, with
	// what causes each.
	Registries []Registry
	// Others are the changes not about one [[registry]] of
	// registries.conf (the Image's other files), in Impact's order.
	Others []Other
	// Files are the unified diffs of the node files that changed, by path.
	Files []FileDiff
}

// Other is a change outside the [[registry]] tables, with what makes it on
// each side.
type Other struct {
	nodeimpact.Reason
	Base, Head []string
}

// Refused reports whether either side is refused.
func (r *Report) Refused() bool { return r.Base.Refused != nil || r.Head.Refused != nil }

// Registry is one [[registry]] that changed.
type Registry struct {
	nodeimpact.Registry
	// Changes say each change in a reviewer's words, with its causes.
	Changes []Change
}

// Change is one change of a registry.
type Change struct {
	Text string
	// Base and Head name what makes the changed thing on each side:
	// mirror-set entries as explain names them, the Image config's lists.
	Base, Head []string
}

// FileDiff is a node file's change as a unified diff.
type FileDiff struct {
	Path    string
	Unified string
}

// Compare renders both sides and says what replacing the base with the
// head does to the nodes. A refused side is in the report, not an error;
// errors are only what stops the comparison itself.
func Compare(base, head *Side, opts Options) (*Report, error) {
	rep := &Report{Version: opts.Version}
	rep.Base = render(base, opts.Render)
	rep.Head = render(head, opts.Render)
	if rep.Refused() {
		return rep, nil
	}
	policies := head.Policies
	rep.PoliciesFrom = head.PoliciesFrom
	if head.PoliciesFrom == "" {
		policies, rep.PoliciesFrom = base.Policies, base.PoliciesFrom
	}
	impact, err := nodeimpact.Compare(rep.Base.Files, rep.Head.Files, nodeimpact.Options{Version: opts.Version, Policies: policies, SingleNode: opts.SingleNode})
	if err != nil {
		return nil, err
	}
	rep.Impact = impact
	for _, x := range impact.Reasons {
		if x.Path == nodeimpact.RegistriesConf && x.Registry != "" {
			continue
		}
		rep.Others = append(rep.Others, Other{Reason: x, Base: imageField(x.Path, base), Head: imageField(x.Path, head)})
	}
	for _, path := range slices.Sorted(maps.Keys(union(rep.Base.Files, rep.Head.Files))) {
		a, b := rep.Base.Files[path], rep.Head.Files[path]
		if d := unified.Diff("a"+path, "b"+path, a, b, 3); d != "" {
			rep.Files = append(rep.Files, FileDiff{Path: path, Unified: d})
		}
	}
	if len(impact.Registries) == 0 {
		return rep, nil
	}
	bv, err := newView(rep.Base.Files[nodeimpact.RegistriesConf], base)
	if err != nil {
		return nil, fmt.Errorf("base: %w", err)
	}
	defer bv.close()
	hv, err := newView(rep.Head.Files[nodeimpact.RegistriesConf], head)
	if err != nil {
		return nil, fmt.Errorf("head: %w", err)
	}
	defer hv.close()
	for _, r := range impact.Registries {
		reg, err := describe(r, impact.Reasons, bv, hv)
		if err != nil {
			return nil, err
		}
		rep.Registries = append(rep.Registries, reg)
	}
	return rep, nil
}

func union(a, b nodeimpact.Files) map[string]bool {
	out := map[string]bool{}
	for p := range a {
		out[p] = true
	}
	for p := range b {
		out[p] = true
	}
	return out
}

// render runs a side through the API server's checks, then the MCO's.
func render(s *Side, opts registriesconf.Options) SideResult {
	res := SideResult{Warnings: slices.Clone(s.Warnings), Objects: map[string]int{}}
	for _, set := range s.Sets {
		res.Objects[string(set.Kind)]++
	}
	if s.Image != nil {
		res.Objects["Image"]++
	}
	if s.PoliciesFrom != "" {
		res.Objects["MachineConfiguration"]++
	}
	var errs []string
	if err := registriesconf.ValidateImage(s.Image); err != nil {
		errs = append(errs, err.Error())
	}
	for i := range s.Sets {
		for _, r := range check.Entries(&s.Sets[i]) {
			if r.Severity == result.Error {
				errs = append(errs, r.Message)
			}
		}
	}
	if len(errs) > 0 {
		res.Refused = &Refusal{By: APIServer, Errors: errs}
		return res
	}
	opts.Image = s.Image
	files, out, err := nodeimpact.RenderFiles(s.Sets, opts, s.Search)
	if err != nil {
		res.Refused = &Refusal{By: MCO, Errors: []string{err.Error()}}
		return res
	}
	res.Warnings = append(res.Warnings, out.Warnings...)
	res.Files = files
	return res
}

// view is one side's registries.conf, parsed to find each registry's
// mirrors in order and, through explain, the entries behind them.
type view struct {
	side   *Side
	regs   map[string]sysregistriesv2.Registry
	parsed *registriesconf.Parsed
}

func newView(conf []byte, s *Side) (*view, error) {
	var c sysregistriesv2.V2RegistriesConf
	if _, err := toml.Decode(string(conf), &c); err != nil {
		return nil, fmt.Errorf("registries.conf: %w", err)
	}
	v := &view{side: s, regs: map[string]sysregistriesv2.Registry{}}
	for _, r := range c.Registries {
		v.regs[cmp.Or(r.Prefix, r.Location)] = r
	}
	p, err := registriesconf.Parse(conf)
	if err != nil {
		return nil, err
	}
	v.parsed = p
	return v, nil
}

func (v *view) close() { v.parsed.Close() }

// causes are what makes a registry on one side: the entries behind each
// mirror, and what blocks the source.
type causes struct {
	mirrors map[string][]string // by mirrorKey
	blocks  []string
	all     []string
}

// probeDigest makes a pull by digest, which lists digest mirrors as
// locations and tag mirrors as skipped: explain names the entries of both.
const probeDigest = "@sha256:0000000000000000000000000000000000000000000000000000000000000000"

// causesOf asks explain about a pull under scope, and keeps its answer
// only when it is about scope's own [[registry]].
func (v *view) causesOf(scope string) (causes, error) {
	c := causes{mirrors: map[string][]string{}}
	if _, ok := v.regs[scope]; !ok {
		return c, nil
	}
	ref := scope
	switch {
	case strings.HasPrefix(scope, "*."):
		ref = "mirrorset-probe" + scope[1:] + "/mirrorset-probe"
	case !strings.Contains(scope, "/"):
		ref = scope + "/mirrorset-probe"
	}
	ex, err := explain.Parsed(v.parsed, ref+probeDigest, explain.Origins{Sets: v.side.Sets, Image: v.side.Image})
	if err != nil || ex.Registry != scope {
		// A scope that no image reference reaches: nothing to name.
		return c, nil //nolint:nilerr
	}
	add := func(list []string, o string) []string {
		if slices.Contains(list, o) {
			return list
		}
		return append(list, o)
	}
	for _, l := range append(slices.Clone(ex.Locations), ex.Skipped...) {
		if l.IsSource {
			for _, b := range l.Blocks {
				c.blocks = add(c.blocks, b)
				c.all = add(c.all, b)
			}
			continue
		}
		for _, o := range l.Origins {
			k := l.Endpoint + "\x00" + l.PullFromMirror
			c.mirrors[k] = add(c.mirrors[k], o.String())
			c.all = add(c.all, o.String())
		}
	}
	return c, nil
}

// imageField names the field of the side's Image that writes the node
// file path, when there is one.
func imageField(path string, s *Side) []string {
	if s.Image == nil {
		return nil
	}
	switch path {
	case nodeimpact.SearchRegistries:
		if s.Search != nil {
			return []string{"spec.registrySources.containerRuntimeSearchRegistries in " + s.Image.Ref()}
		}
	case nodeimpact.PolicyJSON:
		return []string{"spec.registrySources in " + s.Image.Ref()}
	}
	return nil
}

// insecureBy names the Image's insecureRegistries entries that cover scope.
func insecureBy(scope string, img *registriesconf.Image) []string {
	if img == nil {
		return nil
	}
	var out []string
	for _, r := range img.InsecureRegistries {
		if registries.ScopeIsNestedInsideScope(scope, r) {
			out = append(out, fmt.Sprintf("insecureRegistries %q in %s", r, img.Ref()))
		}
	}
	return out
}

// describe puts r in words, with its causes on each side.
func describe(r nodeimpact.Registry, reasons []nodeimpact.Reason, bv, hv *view) (Registry, error) {
	out := Registry{Registry: r}
	bc, err := bv.causesOf(r.Scope)
	if err != nil {
		return out, err
	}
	hc, err := hv.causesOf(r.Scope)
	if err != nil {
		return out, err
	}
	add := func(text string, base, head []string) {
		out.Changes = append(out.Changes, Change{Text: text, Base: base, Head: head})
	}
	switch {
	case r.Added:
		reg := hv.regs[r.Scope]
		add("registry added, with "+mirrorList(reg.Mirrors), nil, union2(hc.all, insecureBy(r.Scope, hv.side.Image)))
		if reg.Blocked {
			add("the source is never contacted"+blockedWhy(hc.blocks), nil, hc.blocks)
		}
		if reg.Insecure {
			add("the source is reached without TLS verification (insecure)", nil, insecureBy(r.Scope, hv.side.Image))
		}
		return out, nil
	case r.Removed:
		reg := bv.regs[r.Scope]
		text := "registry removed: the nodes no longer use " + mirrorList(reg.Mirrors)
		if reg.Blocked {
			text += ", and contact the source again"
		}
		add(text, union2(bc.all, insecureBy(r.Scope, bv.side.Image)), nil)
		return out, nil
	}
	if r.Location != nil {
		add(fmt.Sprintf("location %s → %s", r.Location[0], r.Location[1]), bc.all, hc.all)
	}
	if r.Blocked != nil {
		if r.Blocked[1] {
			add("the source is no longer contacted"+blockedWhy(hc.blocks), bc.all, hc.blocks)
		} else {
			add("the source is contacted again (no longer blocked)", bc.blocks, hc.all)
		}
	}
	if r.Insecure != nil {
		if r.Insecure[1] {
			add("the source is now reached without TLS verification (insecure)", nil, insecureBy(r.Scope, hv.side.Image))
		} else {
			add("the source is reached with TLS verification again (no longer insecure)", insecureBy(r.Scope, bv.side.Image), nil)
		}
	}
	// Mirrors are told apart by location and pull-from-mirror: the same
	// location can serve pulls by digest and, from another entry, by tag.
	bm, hm := bv.regs[r.Scope].Mirrors, hv.regs[r.Scope].Mirrors
	for _, m := range hm {
		if slices.ContainsFunc(bm, sameMirror(m)) {
			continue
		}
		if old := onlyAt(bm, m.Location); old != nil && onlyAt(hm, m.Location) != nil && !slices.ContainsFunc(hm, sameMirror(*old)) {
			add(fmt.Sprintf("mirror %s: %s → %s", m.Location, pullName(old.PullFromMirror), pullName(m.PullFromMirror)), bc.mirrors[mirrorKey(*old)], hc.mirrors[mirrorKey(m)])
			continue
		}
		add(fmt.Sprintf("mirror %s added, %s", m.Location, pullWords(m.PullFromMirror)), nil, hc.mirrors[mirrorKey(m)])
	}
	for _, m := range bm {
		if slices.ContainsFunc(hm, sameMirror(m)) {
			continue
		}
		if onlyAt(bm, m.Location) != nil && onlyAt(hm, m.Location) != nil {
			continue // said above as a pull-from-mirror change
		}
		add(fmt.Sprintf("mirror %s removed (it was %s)", m.Location, pullWords(m.PullFromMirror)), bc.mirrors[mirrorKey(m)], nil)
	}
	for _, m := range hm {
		i := slices.IndexFunc(bm, sameMirror(m))
		if i < 0 || bm[i].Insecure == m.Insecure {
			continue
		}
		if m.Insecure {
			add(fmt.Sprintf("mirror %s is now reached without TLS verification (insecure)", m.Location), nil, insecureBy(m.Location, hv.side.Image))
		} else {
			add(fmt.Sprintf("mirror %s is reached with TLS verification again (no longer insecure)", m.Location), insecureBy(m.Location, bv.side.Image), nil)
		}
	}
	if r.Reordered {
		add(fmt.Sprintf("mirrors reordered: %s → %s", order(bv.regs[r.Scope].Mirrors), order(hv.regs[r.Scope].Mirrors)), bc.all, hc.all)
	}
	if len(out.Changes) == 0 {
		// A change this package has no words for: say it as the rules did.
		for _, x := range reasons {
			if x.Path == nodeimpact.RegistriesConf && x.Registry == r.Scope {
				add(x.Text, bc.all, hc.all)
			}
		}
	}
	return out, nil
}

// union2 is a then the items of b not in a.
func union2(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func mirrorKey(m sysregistriesv2.Endpoint) string { return m.Location + "\x00" + m.PullFromMirror }

func sameMirror(m sysregistriesv2.Endpoint) func(sysregistriesv2.Endpoint) bool {
	return func(o sysregistriesv2.Endpoint) bool {
		return o.Location == m.Location && o.PullFromMirror == m.PullFromMirror
	}
}

// onlyAt returns the mirror at location when there is exactly one.
func onlyAt(ms []sysregistriesv2.Endpoint, location string) *sysregistriesv2.Endpoint {
	var found *sysregistriesv2.Endpoint
	for i := range ms {
		if ms[i].Location == location {
			if found != nil {
				return nil
			}
			found = &ms[i]
		}
	}
	return found
}

func blockedWhy(blocks []string) string {
	for _, b := range blocks {
		if strings.HasPrefix(b, "mirrorSourcePolicy NeverContactSource") {
			return " (NeverContactSource)"
		}
	}
	for _, b := range blocks {
		if strings.HasPrefix(b, "blockedRegistries") {
			return " (Image blockedRegistries)"
		}
	}
	return " (blocked)"
}

func mirrorList(ms []sysregistriesv2.Endpoint) string {
	if len(ms) == 0 {
		return "no mirrors"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Location + " (" + pullName(m.PullFromMirror) + ")"
	}
	word := "mirrors "
	if len(ms) == 1 {
		word = "mirror "
	}
	return word + strings.Join(parts, ", ")
}

func order(ms []sysregistriesv2.Endpoint) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Location
	}
	return strings.Join(parts, ", ")
}

// pullName spells a pull-from-mirror value; the empty one means all.
func pullName(p string) string { return cmp.Or(p, "all") }

// pullWords says which pulls a mirror with pull-from-mirror p serves.
func pullWords(p string) string {
	switch p {
	case sysregistriesv2.MirrorByDigestOnly:
		return "for pulls by digest (digest-only)"
	case sysregistriesv2.MirrorByTagOnly:
		return "for pulls by tag (tag-only)"
	}
	return "for every pull (" + pullName(p) + ")"
}
