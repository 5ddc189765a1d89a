// Package transform is mirrorset's core. It takes the mirror objects of a
// ResourceList and the functionConfig, and decides what comes out: ICSPs
// converted, default policies written, conflicts refused or settled, entries
// consolidated and regrouped, and everything the cluster would refuse
// reported as an error. It sees only mirror.Sets, so the reading and writing
// of YAML around it can change without touching it.
package transform

import (
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mirrorset/mirrorset/pkg/check"
	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/consolidate"
	"github.com/mirrorset/mirrorset/pkg/convert"
	"github.com/mirrorset/mirrorset/pkg/layout"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/policy"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// How says how an output object relates to the input item it stands at.
type How int

// The ways an output object comes to be.
const (
	Unchanged How = iota // the input object as it came
	Updated              // the input object with new entries
	Converted            // a new kind made from the input object (ICSP to IDMS or ITMS)
	Created              // a new object in the input object's place and file
)

func (h How) String() string {
	return [...]string{"unchanged", "updated", "converted", "created"}[h]
}

// Out is one output object. Its Item is the index of the input item whose
// place (and, for Converted, metadata) it takes.
type Out struct {
	*mirror.Set
	How How
}

// Output is what Run decided.
type Output struct {
	// Outs are the output objects, in output order (by Item). An input
	// mirror object that no Out stands for is removed. Empty when Failed.
	Outs    []Out
	Results result.Results
}

// Failed reports whether any result is an error; the input must then pass
// through unchanged.
func (o *Output) Failed() bool {
	for _, r := range o.Results {
		if r.Severity == result.Error {
			return true
		}
	}
	return false
}

// Run runs mirrorset on the mirror objects in, which it does not modify.
func Run(cfg config.Config, in []*mirror.Set) Output { return RunBeside(cfg, in, nil) }

// RunBeside is Run for objects whose nodes also get the digest mirror lists
// beside (keyed by source), which stay as they are: consolidation keeps the
// node's order of all of them, as it does for kept ICSPs. A HostedCluster's
// entries and the objects its NodePools embed reach the same nodes.
func RunBeside(cfg config.Config, in []*mirror.Set, beside map[string][][]string) Output {
	// The maps hold a key per set of some kinds: made to size, they are
	// not built again as they grow (a tenth of a large list's transform).
	kinds := map[mirror.Kind]int{}
	for _, s := range in {
		kinds[s.Kind]++
	}
	copies := len(in) - kinds[mirror.ICSP]
	if cfg.KeepICSP {
		copies = len(in)
	}
	r := &run{cfg: cfg, origin: make(map[*mirror.Set]*mirror.Set, copies), converted: make(map[*mirror.Set]bool, kinds[mirror.ICSP]), beside: beside, kinds: kinds}
	// The entries' checks, the longest part of checkInput, run beside
	// convert; their results come first, as if they had run first (they
	// hold no info results, which alone convert counts).
	entries := checkEntriesBeside(in)
	work := r.convert(in)
	converted := r.results
	r.results = nil
	r.checkInput(in, entries())
	r.results = append(r.results, converted...)
	if r.failed() {
		return r.output(nil)
	}
	r.applyDefault(work)
	r.settleConflicts(work)
	if r.failed() {
		return r.output(nil)
	}
	// The node's order of each source's lists is worked out beside the
	// consolidation, which changes no list and no name that it reads; its
	// warnings come first, as if it had run first (they are not info
	// results, which alone consolidate counts).
	nodeOrder := nodeOrderWarnings(work)
	prior := r.results
	r.results = nil
	// With consolidate off, entries that repeat a mirror (the API rejects
	// them) are still rewritten, in the node's order.
	work = r.consolidate(work, !cfg.Consolidate)
	r.results = append(append(prior, nodeOrder()...), r.results...)
	var created map[*mirror.Set]bool
	if cfg.Layout == config.LayoutPerRegistry {
		work, created = r.regroup(work)
	}
	r.checkOutput(work)
	if r.failed() {
		return r.output(nil)
	}
	return r.output(r.outs(in, work, created))
}

type run struct {
	cfg       config.Config
	results   result.Results
	origin    map[*mirror.Set]*mirror.Set // work set -> input set it copies
	converted map[*mirror.Set]bool        // work sets made from an ICSP
	beside    map[string][][]string       // digest lists of other objects the nodes get
	kinds     map[mirror.Kind]int         // the input's sets, by kind
	// infos counts the info results made; unlisted those past maxInfo,
	// which info does not make, and fold counts.
	infos, unlisted int
}

func (r *run) add(rs ...*result.Result) {
	for _, res := range rs {
		if res.Severity == result.Info {
			r.infos++
		}
	}
	r.results = append(r.results, rs...)
}

// info adds an info result about s, with the message that msg makes, or,
// past maxInfo of them, only counts it: a list of tens of thousands of
// objects should not spend its time on messages nobody sees.
func (r *run) info(s *mirror.Set, msg func() string) {
	if r.infos >= maxInfo {
		r.unlisted++
		return
	}
	r.add(check.Result(result.Info, s, "", msg()))
}

func (r *run) failed() bool {
	o := Output{Results: r.results}
	return o.Failed()
}

// checkInput adds the results of the input's entries (check.Entries, one
// list per set of in) and those of its names.
func (r *run) checkInput(in []*mirror.Set, entries []result.Results) {
	seen := map[mirror.Kind]map[string]*mirror.Set{}
	for i, s := range in {
		r.add(entries[i]...)
		if seen[s.Kind] == nil {
			seen[s.Kind] = make(map[string]*mirror.Set, r.kinds[s.Kind])
		}
		if first := seen[s.Kind][s.Name]; first != nil {
			r.add(check.Result(result.Error, s, "metadata.name", fmt.Sprintf("a second %s named %q (the first is item %d%s); names must be unique", s.Kind, s.Name, first.Item, fileNote(first))))
			continue
		}
		seen[s.Kind][s.Name] = s
	}
}

// checkEntriesBeside runs check.Entries on each set of in, on goroutines
// of their own a chunk of sets at a time when in is long, and returns what
// waits for the results, one list per set.
func checkEntriesBeside(in []*mirror.Set) (wait func() []result.Results) {
	out := make([]result.Results, len(in))
	if len(in) < 2*checkChunk {
		for i, s := range in {
			out[i] = check.Entries(s)
		}
		return func() []result.Results { return out }
	}
	chunks := (len(in) + checkChunk - 1) / checkChunk
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(2, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < chunks; k = int(next.Add(1) - 1) {
				for i := k * checkChunk; i < min((k+1)*checkChunk, len(in)); i++ {
					out[i] = check.Entries(in[i])
				}
			}
		})
	}
	return func() []result.Results {
		wg.Wait()
		return out
	}
}

// checkChunk is how many sets a goroutine of checkEntriesBeside takes at a
// time.
const checkChunk = 128

func fileNote(s *mirror.Set) string {
	if s.File == "" {
		return ""
	}
	return " in " + s.File
}

// convert copies the input sets into the working list, replacing each ICSP by
// what it converts to.
func (r *run) convert(in []*mirror.Set) []*mirror.Set {
	tags := r.kinds[mirror.ITMS]
	if r.cfg.TagMirrors {
		tags += r.kinds[mirror.ICSP]
	}
	existing := map[mirror.Kind]map[string]*mirror.Set{
		mirror.IDMS: make(map[string]*mirror.Set, r.kinds[mirror.IDMS]+r.kinds[mirror.ICSP]),
		mirror.ITMS: make(map[string]*mirror.Set, tags),
	}
	for _, s := range in {
		if s.Kind == mirror.IDMS || s.Kind == mirror.ITMS {
			existing[s.Kind][s.Name] = s
		}
	}
	conv := convert.Filter{TagMirrors: r.cfg.TagMirrors}
	var work []*mirror.Set
	for _, s := range in {
		if s.Kind != mirror.ICSP || r.cfg.KeepICSP {
			c := s.Clone()
			r.origin[c] = s
			work = append(work, c)
		}
		if s.Kind != mirror.ICSP {
			continue
		}
		var made []*mirror.Set
		var skipped []string
		for _, n := range conv.Convert(s) {
			if other := existing[n.Kind][n.Name]; other != nil {
				if r.cfg.KeepICSP {
					// Converted on an earlier run: the ICSP was kept beside it.
					skipped = append(skipped, fmt.Sprintf("%s %q", n.Kind, n.Name))
					continue
				}
				r.add(check.Result(result.Error, s, "metadata.name", fmt.Sprintf("converting it would make a second %s %q (item %d%s); rename one of them, or set keepICSP if that %s was converted from this ICSP", n.Kind, n.Name, other.Item, fileNote(other), n.Kind)))
				continue
			}
			existing[n.Kind][n.Name] = n
			r.converted[n] = true
			work = append(work, n)
			made = append(made, n)
		}
		switch {
		case len(made) > 0:
			// Past maxInfo results the message is only counted: built
			// when it is listed.
			r.info(s, func() string {
				names := make([]string, len(made))
				for i, n := range made {
					names[i] = fmt.Sprintf("%s %q", n.Kind, n.Name)
				}
				msg := "converted into " + strings.Join(names, " and ")
				if r.cfg.TagMirrors {
					msg += " (tag pulls now use these mirrors too; the ICSP applied to digest pulls only)"
				}
				if r.cfg.KeepICSP {
					msg += "; the ICSP is kept"
				} else {
					msg += "; the ICSP is removed"
				}
				return msg
			})
		case len(skipped) > 0:
			r.info(s, func() string {
				return "kept as it is: " + strings.Join(skipped, " and ") + " already exists, converted on an earlier run"
			})
		}
	}
	return work
}

func (r *run) applyDefault(work []*mirror.Set) {
	changed := policy.Default{Policy: r.cfg.DefaultMirrorSourcePolicy}.Filter(work)
	for _, s := range work {
		if n := changed[s]; n > 0 {
			r.info(s, func() string {
				return fmt.Sprintf("mirrorSourcePolicy %s set on %d %s", r.cfg.DefaultMirrorSourcePolicy, n, plural(n, "entry", "entries"))
			})
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (r *run) settleConflicts(work []*mirror.Set) {
	for _, c := range policy.Conflicts(work) {
		never, allow := c.Never[0], c.Allow[0]
		where := fmt.Sprintf("NeverContactSource in %s at %s, AllowContactingSource%s in %s at %s",
			never.Set.Ref(), never.Set.EntryField(never.Entry), noPolicy(allow), allow.Set.Ref(), allow.Set.EntryField(allow.Entry))
		var winner mirror.Policy
		switch r.cfg.OnPolicyConflict {
		case config.ConflictStricter:
			winner = mirror.NeverContactSource
		case config.ConflictLooser:
			winner = mirror.AllowContactingSource
		default:
			hint := "Make them agree, or set onPolicyConflict to stricter or looser"
			if allow.Set.Kind == mirror.ICSP {
				hint = "A kept ImageContentSourcePolicy counts as AllowContactingSource and cannot carry a policy: set keepICSP to false, or make the other entries agree"
			}
			r.add(check.Result(result.Error, never.Set, never.Set.EntryField(never.Entry)+".mirrorSourcePolicy",
				fmt.Sprintf("conflicting mirrorSourcePolicy for source %q: %s; the Machine Config Operator refuses this and renders no registries.conf at all. %s", c.Source, where, hint)))
			continue
		}
		if stuck := policy.Settle(c, winner); len(stuck) > 0 {
			p := stuck[0]
			r.add(check.Result(result.Error, p.Set, p.Set.EntryField(p.Entry),
				fmt.Sprintf("conflicting mirrorSourcePolicy for source %q (%s) cannot be settled: an ImageContentSourcePolicy cannot carry NeverContactSource; set keepICSP to false", c.Source, where)))
			continue
		}
		r.add(check.Result(result.Warning, never.Set, never.Set.EntryField(never.Entry)+".mirrorSourcePolicy",
			fmt.Sprintf("conflicting mirrorSourcePolicy for source %q (%s) settled by onPolicyConflict=%s: every entry now has %s", c.Source, where, r.cfg.OnPolicyConflict, winner)))
	}
}

func noPolicy(p policy.Place) string {
	if p.Set.Entries[p.Entry].Policy == "" {
		return " (no policy)"
	}
	return ""
}

// nodeOrderWarnings warns where the node tries the mirrors of a source in
// another order than the objects list them one after the other: the node
// sorts them (by name where the lists say nothing), it does not follow the
// order of the objects. Lists that contradict each other get their own
// warning from consolidation. It reads work's lists now, and works out the
// orders on a goroutine of its own when they are many; wait returns the
// warnings.
func nodeOrderWarnings(work []*mirror.Set) (wait func() result.Results) {
	type key struct {
		pool   mirror.Pool
		source string
	}
	type group struct {
		key   key
		first *mirror.Set
		lists [][]string
		sets  []*mirror.Set
	}
	at := map[key]int{}
	var groups []*group
	several := 0 // groups of more than one list
	for _, s := range work {
		for _, e := range s.Entries {
			if !e.HasRealMirror() {
				continue
			}
			k := key{s.Kind.Pool(), e.Source}
			i, ok := at[k]
			if !ok {
				i = len(groups)
				at[k] = i
				groups = append(groups, &group{key: k, first: s})
			}
			g := groups[i]
			if g.lists = append(g.lists, e.Mirrors); len(g.lists) == 2 {
				several++
			}
			g.sets = append(g.sets, s)
		}
	}
	warn := func() result.Results {
		var rs result.Results
		for _, g := range groups {
			if len(g.lists) < 2 {
				continue
			}
			k := g.key
			node, looped := consolidate.NodeOrder(k.source, g.lists)
			if looped {
				continue
			}
			var listed []string
			seen := map[string]bool{k.source: true}
			for _, l := range g.lists {
				for _, m := range l {
					if !seen[m] {
						seen[m] = true
						listed = append(listed, m)
					}
				}
			}
			if strings.Join(node, "\n") != strings.Join(listed, "\n") {
				rs = append(rs, check.Result(result.Warning, g.first, "", fmt.Sprintf("the node tries the %s mirrors of source %q as %s, not in the order %s lists them (%s): it sorts them by the lists' own order, then by name", k.pool, k.source, list(node), refs(g.sets), list(listed))))
			}
		}
		return rs
	}
	if several < besideGroups {
		rs := warn()
		return func() result.Results { return rs }
	}
	done := make(chan result.Results, 1)
	go func() { done <- warn() }()
	return func() result.Results { return <-done }
}

// besideGroups is how many sources of several lists make
// nodeOrderWarnings work on a goroutine of its own.
const besideGroups = 64

func (r *run) consolidate(work []*mirror.Set, keepEntries bool) []*mirror.Set {
	fixed := map[string][][]string{}
	for src, lists := range r.beside {
		fixed[src] = append(fixed[src], lists...)
	}
	for _, s := range work {
		if s.Kind == mirror.ICSP {
			for _, e := range s.Entries {
				fixed[e.Source] = append(fixed[e.Source], e.Mirrors)
			}
		}
	}
	rep := consolidate.Filter{Fixed: fixed, KeepEntries: keepEntries}.Filter(work)
	for _, m := range rep.Merges {
		if msg := orderWarning(m, keepEntries); msg != "" {
			r.add(check.Result(result.Warning, m.Into, "", msg))
		}
		if m.Entries > 1 && !m.Unmerged && !keepEntries {
			r.info(m.Into, func() string {
				return fmt.Sprintf("%d %s entries for source %q merged into this one (from %s): mirrors %s", m.Entries, m.Pool, m.Source, refs(m.From), list(m.Mirrors))
			})
		}
	}
	emptied := map[*mirror.Set]bool{}
	for _, s := range rep.Emptied {
		emptied[s] = true
		r.info(s, func() string { return "removed: all its entries were merged into other objects" })
	}
	out := work[:0]
	for _, s := range work {
		if !emptied[s] {
			out = append(out, s)
		}
	}
	return out
}

// orderWarning says what the node does where the lists of a source do not
// say one order plainly, and what became of them; "" where they do.
func orderWarning(m consolidate.Merge, keepEntries bool) string {
	o := m.Order
	if o == nil {
		return ""
	}
	entries := "this entry"
	if m.Entries > 1 {
		entries = fmt.Sprintf("its %d entries", m.Entries)
	}
	switch {
	case m.Unmerged:
		why := fmt.Sprintf("the source %q stands among its own %s mirrors", m.Source, m.Pool)
		if o.Looped {
			why = fmt.Sprintf("the %s mirror lists for source %q disagree on the order", m.Pool, m.Source)
		}
		kept := "so this entry stays as it is"
		if m.Entries > 1 {
			kept = fmt.Sprintf("so its %d entries stay as they are, unmerged", m.Entries)
		}
		return fmt.Sprintf("%s, %s: one list cannot say the same; the node tries %s", why, kept, list(o.NodeOrder))
	case o.Repeats != nil && o.Plain && !o.WithoutSource:
		return fmt.Sprintf("the %s mirrors of source %q repeat %s, which the API rejects; the repeats change nothing on the node, which tries %s, so they are removed",
			m.Pool, m.Source, quoted(o.Repeats), list(o.NodeOrder))
	case o.Repeats != nil:
		msg := fmt.Sprintf("the %s mirrors of source %q repeat %s, which the API rejects; with the repeats the node tries %s%s, which is probably not what was meant: a repeated mirror makes a loop, and the node breaks loops by name",
			m.Pool, m.Source, quoted(o.Repeats), list(o.NodeOrder), sourceFirst(m))
		switch {
		case o.WithoutSource:
			msg += fmt.Sprintf(". %s, so %s become%s %s and the node's order changes to %s", withoutSourceWhy(m), entries, plural(m.Entries, "s", ""), list(m.Mirrors), list(o.After))
		case keepEntries && m.Entries > 1:
			msg += fmt.Sprintf(". The %d entries that repeat a mirror are rewritten without repeats (the first as %s), so that the node's order does not change", m.Entries, list(m.Mirrors))
		case keepEntries:
			msg += fmt.Sprintf(". The entry is rewritten without repeats as %s, so that the node's order does not change", list(m.Mirrors))
		default:
			msg += fmt.Sprintf(". %s become%s one list in that order, %s, so that the node's order does not change", upper(entries), plural(m.Entries, "s", ""), list(m.Mirrors))
		}
		return msg + "; write the order you mean as one list"
	case o.Looped:
		return fmt.Sprintf("the %s mirror lists for source %q disagree on the order; the node breaks the loop by name and tries %s, so %s become%s one list in that order, which keeps it; check that it is the order you meant",
			m.Pool, m.Source, list(o.NodeOrder), entries, plural(m.Entries, "s", ""))
	}
	return ""
}

// withoutSourceWhy says why one list cannot name the source, and what the
// node does where the source stood.
func withoutSourceWhy(m consolidate.Merge) string {
	if strings.HasPrefix(m.Source, "*.") {
		return fmt.Sprintf("The Machine Config Operator refuses a wildcard as a mirror, and today every pull under it fails on the node (containers/image cannot rewrite a reference to %q)", m.Source)
	}
	return "The Machine Config Operator refuses the source among the mirrors of a source with NeverContactSource; the node skips it there anyway, as it blocks the source"
}

// sourceFirst says where the node contacts the source, when it does so
// before a mirror.
func sourceFirst(m consolidate.Merge) string {
	i := slices.Index(m.Order.NodeOrder, m.Source)
	if i < 0 {
		return ""
	}
	return fmt.Sprintf(" (the source itself before %s)", list(m.Order.NodeOrder[i+1:]))
}

func quoted(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func upper(s string) string {
	return strings.ToUpper(s[:1]) + s[1:]
}

func refs(sets []*mirror.Set) string {
	var names []string
	seen := map[*mirror.Set]bool{}
	for _, s := range sets {
		if !seen[s] {
			seen[s] = true
			names = append(names, fmt.Sprintf("%s %q", s.Kind, s.Name))
		}
	}
	return strings.Join(names, ", ")
}

func list(l []string) string {
	return "[" + strings.Join(l, ", ") + "]"
}

func (r *run) regroup(work []*mirror.Set) ([]*mirror.Set, map[*mirror.Set]bool) {
	out, created := layout.PerRegistry{}.Filter(work)
	kept := map[*mirror.Set]bool{}
	for _, s := range out {
		kept[s] = true
	}
	for _, s := range work {
		if !kept[s] {
			r.info(s, func() string { return "removed: its entries moved to the objects of layout per-registry" })
		}
	}
	for _, s := range out {
		if created[s] {
			r.info(s, func() string {
				return fmt.Sprintf("created by layout per-registry with %d %s", len(s.Entries), plural(len(s.Entries), "entry", "entries"))
			})
		}
	}
	return out, created
}

// checkOutput checks what will reach the cluster: what the defaults and
// merges made, and mirrors that a NeverContactSource source blocks.
func (r *run) checkOutput(work []*mirror.Set) {
	for _, s := range work {
		for i, e := range s.Entries {
			// The input passed this check, so the policy came from the
			// default or a settled conflict.
			if s.Kind != mirror.ICSP && consolidate.HasRepeats(e.Mirrors) {
				r.add(check.Result(result.Error, s, s.EntryField(i)+".mirrors", "duplicate mirrors: the API rejects them (mirrors is a set); remove them, or set consolidate to true, which does"))
			}
			if e.Policy == mirror.NeverContactSource && contains(e.Mirrors, e.Source) {
				r.add(check.Result(result.Error, s, s.EntryField(i), fmt.Sprintf("NeverContactSource (set by defaultMirrorSourcePolicy or onPolicyConflict) cannot apply: the source %q is one of its mirrors; remove it from mirrors, or set consolidate to true, which does", e.Source)))
			}
		}
	}
	r.warnBlockedMirrors(work)
	if r.failed() {
		return
	}
	if err := check.MCO(mirror.Values(work)); err != nil {
		r.add(&result.Result{Severity: result.Error, Message: "the output would be refused by the Machine Config Operator: " + err.Error()})
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// warnBlockedMirrors warns about mirrors inside the scope of a source with
// NeverContactSource: the node blocks every location under such a source,
// mirrors included.
func (r *run) warnBlockedMirrors(work []*mirror.Set) {
	blocked := map[string]*mirror.Set{}
	for _, s := range work {
		for _, e := range s.Entries {
			if e.Policy == mirror.NeverContactSource && e.HasRealMirror() {
				if _, ok := blocked[e.Source]; !ok {
					blocked[e.Source] = s
				}
			}
		}
	}
	if len(blocked) == 0 {
		return
	}
	for _, s := range work {
		for i, e := range s.Entries {
			for j, m := range e.Mirrors {
				if m == e.Source {
					continue
				}
				if scope := blockingScope(m, blocked); scope != "" {
					r.add(check.Result(result.Warning, s, fmt.Sprintf("%s.mirrors[%d]", s.EntryField(i), j),
						fmt.Sprintf("mirror %q is inside %q, which NeverContactSource blocks (in %s): the node refuses pulls from this mirror too", m, scope, blocked[scope].Ref())))
				}
			}
		}
	}
}

// blockingScope returns the blocked scope that m is nested in, or "". Scopes
// nest by whole path components ("a.io/x" holds "a.io/x/y", not "a.io/xy")
// and wildcards by host suffix; of several wildcards, the first in sort
// order. Each lookup is one per path component and per host label, so that
// many blocked wildcards cost no more than a few.
func blockingScope(m string, blocked map[string]*mirror.Set) string {
	for p := m; ; {
		if _, ok := blocked[p]; ok {
			return p
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	host, _, _ := strings.Cut(m, "/")
	host, _, _ = strings.Cut(host, ":")
	scope := ""
	for i := 0; i < len(host); i++ {
		if host[i] != '.' {
			continue
		}
		if w := "*" + host[i:]; blocked[w] != nil && (scope == "" || w < scope) {
			scope = w
		}
	}
	return scope
}

// outs decides how each output set relates to the input.
func (r *run) outs(in, work []*mirror.Set, created map[*mirror.Set]bool) []Out {
	out := make([]Out, 0, len(work))
	for _, s := range work {
		how := Unchanged
		switch orig := r.origin[s]; {
		case created[s]:
			how = Created
		case r.converted[s]:
			how = Converted
		case orig == nil:
			how = Created
		case !mirror.Equal(orig.Entries, s.Entries):
			how = Updated
		}
		out = append(out, Out{Set: s, How: how})
	}
	// Converted and created sets follow the input object they stand at.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Item != out[j].Item {
			return out[i].Item < out[j].Item
		}
		return rank(out[i].How) < rank(out[j].How)
	})
	return out
}

func rank(h How) int {
	if h == Unchanged || h == Updated {
		return 0
	}
	return 1
}

func (r *run) output(outs []Out) Output {
	if r.failed() {
		// Nothing changes when anything fails: say what is wrong, not what
		// would have been done.
		kept := r.results[:0]
		for _, res := range r.results {
			if res.Severity != result.Info {
				kept = append(kept, res)
			}
		}
		return Output{Results: kept}
	}
	return Output{Outs: outs, Results: fold(r.results, r.unlisted)}
}

// maxInfo is how many info results are listed one by one; past it, a count.
// A fleet of thousands of ICSPs should not bury the warnings.
const maxInfo = 100

// fold keeps the first maxInfo info results, and counts the rest with
// unlisted, those never made.
func fold(rs result.Results, unlisted int) result.Results {
	out := make(result.Results, 0, len(rs))
	infos := 0
	for _, r := range rs {
		if r.Severity == result.Info {
			infos++
			if infos > maxInfo {
				continue
			}
		}
		out = append(out, r)
	}
	infos += unlisted
	if infos > maxInfo {
		out = append(out, &result.Result{Severity: result.Info, Message: fmt.Sprintf("%d more changes not listed (%d in all)", infos-maxInfo, infos)})
	}
	return out
}
