package krm

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/check"
	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/nodeimpact"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/resourcelist"
	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/transform"
)

// entry is one item of the list as the processing sees it: a parsed tree
// (the full parse, and the elements of a flattened list), or, on the fast
// path, the item's bytes, parsed anew whenever the processing needs the
// tree. Both paths share decide and outputs, so they cannot drift apart.
type entry struct {
	apiVersion, kind string
	node             *yaml.RNode
	// budget keeps the fast path's parses within the input limits.
	budget *fastPathBudget
	// item is the fast path's item, or the list item a flattened element
	// came from; nil on the full parse.
	item *resourcelist.Item
	// pre is the item read as a mirror object while the list was read
	// (predecoder), nil when it was not; lines its image lines, read then
	// for an item of a kind that holds images.
	pre   *decoded
	lines *imageLines
}

func nodeEntry(n *yaml.RNode, from *resourcelist.Item) *entry {
	return &entry{apiVersion: n.GetApiVersion(), kind: n.GetKind(), node: n, item: from}
}

func (e *entry) name() string {
	if e.node != nil {
		return e.node.GetName()
	}
	return e.item.Name()
}

// parse returns the entry's tree, prepared as kyaml's framework prepares
// items, for making output objects from it. The fast path parses the item
// anew each time, so that no tree outlives its use.
func (e *entry) parse() (*yaml.RNode, error) { return e.tree(e.item.Node) }

// parseFor is parse for making outs from the entry: when none of them is
// the entry updated (all are new objects, which take only its apiVersion,
// kind and metadata), the fast path's item gives only those
// (resourcelist.Item.Head).
func (e *entry) parseFor(outs []transform.Out) (*yaml.RNode, error) {
	if e.node != nil || e.item == nil {
		return e.parse()
	}
	for _, o := range outs {
		if o.How == transform.Updated {
			return e.parse()
		}
	}
	return e.tree(e.item.Head)
}

// read returns the entry's tree for reading its fields: on the fast path,
// a parse without the preparation, which only adds annotations.
func (e *entry) read() (*yaml.RNode, error) { return e.tree(e.item.Tree) }

// tree is the full parse's node, or what parse makes of the fast path's
// item, within the fast path's budget.
func (e *entry) tree(parse func() (*yaml.RNode, error)) (*yaml.RNode, error) {
	if e.node != nil {
		return e.node, nil
	}
	if e.budget != nil {
		return e.budget.parse(e.item, parse)
	}
	return parse()
}

// plan is what mirrorset decided for a list.
type plan struct {
	entries []*entry
	owned   []bool
	at      map[int][]transform.Out
	// edits change a field of items that mirrorset does not own
	// (fieldSources).
	edits map[int]edit
	// skip are entries that go away: an earlier run's preview, which
	// preview replaces at the end of the list.
	skip    []bool
	preview *yaml.RNode
	// notes are the info results of flattening, added once the output is
	// written.
	notes []string
	// indexes keeps each output's file index unique, in output order.
	indexes *fileIndexes
}

// decide runs mirrorset on the entries. A nil plan means that the items go
// out as they came, the results saying why. err is a failure to parse an
// item, which only the fast path can meet, and which sends it to the full
// parse.
// strs are the strings of mirror sets read so far, which decide interns
// the others' into (see intern). release, nil on the full parse, gives
// back the pages of items' bytes that decide read again
// (resourcelist.List.ReleaseItems).
func decide(fc *yaml.RNode, entries []*entry, strs map[string]string, release func([]*resourcelist.Item)) (*plan, result.Results, error) {
	p, rs, err := decideAll(fc, entries, strs, release)
	return p, result.FoldWarnings(rs), err
}

// decideAll is decide, with every warning listed, and the strings of the
// mirror sets interned in strs.
func decideAll(fc *yaml.RNode, entries []*entry, strs map[string]string, release func([]*resourcelist.Item)) (*plan, result.Results, error) {
	cfg, err := config.Parse(fc)
	if err != nil {
		return nil, result.Results{configResult(fc, err)}, nil
	}
	entries, notes, err := flattenLists(entries)
	if err != nil {
		return nil, nil, err
	}
	var results result.Results
	var sets []*mirror.Set
	owned := make([]bool, len(entries))
	for i, e := range entries {
		k, ok := mirror.KindOf(e.apiVersion, e.kind)
		if !ok {
			continue
		}
		if set, local, ok := e.decodeStrings(k, i); ok {
			if !local {
				owned[i] = true
				sets = append(sets, set)
			}
			continue
		}
		n, err := e.read()
		if err != nil {
			return nil, nil, err
		}
		if annotation(n, localConfig) == "true" {
			continue // kpt and kustomize keep local config off the cluster
		}
		owned[i] = true
		set, warnings, err := mirror.Decode(n, i)
		if set == nil {
			set = &mirror.Set{Item: i}
		}
		if set.Name == "" {
			set.Name = n.GetName()
		}
		for _, w := range warnings {
			results = append(results, check.Result(result.Warning, set, w.Field, w.Msg))
		}
		if err != nil {
			var fe *mirror.FieldError
			if errors.As(err, &fe) {
				results = append(results, check.Result(result.Error, set, fe.Field, fe.Msg))
			} else {
				results = append(results, check.Result(result.Error, set, "", err.Error()))
			}
			continue
		}
		intern(set, strs)
		sets = append(sets, set)
	}
	edits, fieldResults, err := fieldSources(cfg, entries)
	if err != nil {
		return nil, nil, err
	}
	results = append(results, fieldResults...)
	img, imgFile, imgResults, err := clusterImage(entries)
	if err != nil {
		return nil, nil, err
	}
	results = append(results, imgResults...)
	if result.Failed(results) {
		return nil, results, nil
	}
	pre := prerender(sets, img)
	out := transform.Run(cfg, sets)
	results = append(results, out.Results...)
	if out.Failed() {
		return nil, results, nil
	}
	var first *yaml.RNode
	if len(out.Outs) > 0 && (img != nil || cfg.Preview != config.PreviewNone) {
		if first, err = entries[out.Outs[0].Item].parse(); err != nil {
			return nil, nil, err
		}
	}
	view, preview, rendered, err := nodeView(cfg, img, imgFile, out.Outs, first)
	if err != nil {
		return nil, append(results, &result.Result{Severity: result.Error, Message: err.Error()}), nil
	}
	results = append(results, view...)
	if result.Failed(results) {
		return nil, results, nil
	}
	// One rendering of the output for the image check and the nodes
	// result: nodeView's, or one made here when the image check needs it.
	// When it fails, the nodes result says why, and the images go
	// unchecked.
	holders := imageHolders(cfg, img, out.Outs, entries, owned)
	var shared *rendering
	if rendered != nil || len(holders) > 0 {
		shared = &rendering{done: make(chan struct{}), res: rendered}
	}
	// The nodes result and the image check are independent: the nodes
	// result goes beside, and counts first, as if it had run first.
	var nodes result.Results
	var nodesErr error
	nodesDone := make(chan struct{})
	if len(sets) > 0 {
		go func() {
			defer close(nodesDone)
			nodes, nodesErr = nodesResults(entries, sets, out.Outs, img, shared, pre)
		}()
	} else {
		close(nodesDone)
	}
	if shared != nil {
		if rendered == nil {
			outSets := outputSets(out.Outs)
			if res, ok := pre().Reuse(outSets); ok {
				shared.res = res
			} else {
				shared.res, _ = registriesconf.Render(outSets, registriesconf.Options{Image: img})
			}
		}
		close(shared.done)
		rendered = shared.res
	}
	images, err := checkImages(cfg, img, out.Outs, holders, rendered, release)
	<-nodesDone
	if nodesErr != nil {
		return nil, nil, nodesErr
	}
	if results = append(results, nodes...); result.Failed(results) {
		return nil, results, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if results = append(results, images...); result.Failed(results) {
		return nil, results, nil
	}
	p := &plan{entries: entries, owned: owned, at: map[int][]transform.Out{}, edits: edits, preview: preview, notes: notes, skip: make([]bool, len(entries)), indexes: newFileIndexes()}
	p.indexes.inputs = func(see func(path, index string)) {
		for _, e := range entries {
			see(e.fileIndex())
		}
	}
	for _, o := range out.Outs {
		p.at[o.Item] = append(p.at[o.Item], o)
	}
	if preview != nil {
		for i, e := range entries {
			if p.skip[i], err = isPreview(e); err != nil {
				return nil, nil, err
			}
		}
	}
	return p, results, nil
}

// prerender renders the input's mirror objects beside the transform, when
// they are many, and returns what waits for the rendering (nil when there
// is none, see registriesconf.Prerender): the output's objects, merged as
// the input's are (the usual case), take it without the MCO's renderer,
// whose cost grows as the square of the sources, and the nodes result
// takes the input's side from it.
func prerender(sets []*mirror.Set, img *registriesconf.Image) (wait func() *registriesconf.Prerendered) {
	if len(sets) < prerenderFrom {
		return func() *registriesconf.Prerendered { return nil }
	}
	done := make(chan *registriesconf.Prerendered, 1)
	go func() { done <- registriesconf.Prerender(mirror.Values(sets), registriesconf.Options{Image: img}) }()
	return sync.OnceValue(func() *registriesconf.Prerendered { return <-done })
}

// prerenderFrom is how many mirror objects a list holds from which
// prerender renders them.
const prerenderFrom = 32

// intern makes the sources and mirrors of s share their strings with those
// of the sets before, and its lists exactly as long as they are: sources
// recur across objects (oc-mirror writes one per category), and a list of
// 100,000 items holds tens of thousands of sets but a few thousand
// sources, all kept until the output is written.
func intern(s *mirror.Set, strs map[string]string) {
	one := func(v string) string {
		if w, ok := strs[v]; ok {
			return w
		}
		strs[v] = v
		return v
	}
	entries := make([]mirror.Entry, len(s.Entries))
	for i, e := range s.Entries {
		e.Source = one(e.Source)
		if e.Mirrors != nil {
			mirrors := make([]string, len(e.Mirrors))
			for j, m := range e.Mirrors {
				mirrors[j] = one(m)
			}
			e.Mirrors = mirrors
		}
		entries[i] = e
	}
	if s.Entries != nil {
		s.Entries = entries
	}
}

// annotation is n.GetAnnotations()[key], without making the map, which
// shows in the time of a list with tens of thousands of mirror objects.
func annotation(n *yaml.RNode, key string) string {
	var meta *yaml.Node
	if c := n.YNode().Content; n.YNode().Kind == yaml.MappingNode {
		for i := 0; i+1 < len(c); i += 2 {
			if c[i].Value == yaml.MetadataField {
				meta = c[i+1]
				break
			}
		}
	}
	if meta == nil || yaml.IsYNodeNilOrEmpty(meta) {
		return ""
	}
	var annos *yaml.Node
	for i := 0; i+1 < len(meta.Content); i += 2 {
		if meta.Content[i].Value == yaml.AnnotationsField {
			annos = meta.Content[i+1]
			break
		}
	}
	if annos == nil {
		return ""
	}
	v := ""
	for i := 0; i+1 < len(annos.Content); i += 2 {
		if annos.Content[i].Value == key {
			v = annos.Content[i+1].Value // the last one, as in GetAnnotations' map
		}
	}
	return v
}

// isPreview reports whether e is the preview ConfigMap of an earlier run.
func isPreview(e *entry) (bool, error) {
	if e.apiVersion != "v1" || e.kind != "ConfigMap" || e.name() != PreviewName {
		return false, nil
	}
	n, err := e.read()
	if err != nil {
		return false, err
	}
	return n.GetAnnotations()[localConfig] == "true", nil
}

// changes reports whether the plan writes entry i otherwise than as it
// came.
func (p *plan) changes(i int) bool {
	if p.skip[i] || p.edits[i] != nil {
		return true
	}
	if !p.owned[i] {
		return false
	}
	outs := p.at[i]
	return len(outs) != 1 || outs[0].How != transform.Unchanged
}

// outputs returns what goes out in entry i's place, in order: a nil node
// stands for the entry as it came.
func (p *plan) outputs(i int) ([]*yaml.RNode, error) {
	if p.skip[i] {
		return nil, nil
	}
	if ed := p.edits[i]; ed != nil {
		n, err := p.entries[i].parse()
		if err != nil {
			return nil, err
		}
		if err := ed(n); err != nil {
			return nil, err
		}
		out := []*yaml.RNode{n}
		return out, p.placeOutputs(i, out)
	}
	if !p.owned[i] {
		return []*yaml.RNode{nil}, nil
	}
	var n *yaml.RNode // parsed once for all that goes out in the entry's place
	get := func() (*yaml.RNode, error) {
		var err error
		if n == nil {
			n, err = p.entries[i].parseFor(p.at[i])
		}
		return n, err
	}
	var out []*yaml.RNode
	for _, o := range p.at[i] {
		if o.How == transform.Unchanged {
			out = append(out, nil)
			continue
		}
		n, err := get()
		if err != nil {
			return nil, err
		}
		switch o.How {
		case transform.Updated:
			if err := mirror.SetEntries(n, o.Kind, o.Entries); err != nil {
				return nil, fmt.Errorf("%s: %w", o.Ref(), err)
			}
			out = append(out, n)
		case transform.Converted:
			c, err := mirror.ConvertNode(n, o.Kind, o.Entries)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", o.Ref(), err)
			}
			out = append(out, c)
		case transform.Created:
			c, err := mirror.NewNode(o.Kind, o.Name, fileAnnotationsOf(n), o.Entries)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", o.Ref(), err)
			}
			out = append(out, c)
		}
	}
	return out, p.placeOutputs(i, out)
}

// placeOutputs gives each output of entry i a file index that no earlier
// output holds (see fileIndexes). An output that moves is a new object: it
// loses the id annotations of the item it came from, so that kpt does not
// take it for that item (and give it that item's comments).
func (p *plan) placeOutputs(i int, out []*yaml.RNode) error {
	for k, o := range out {
		var path, index string
		if o == nil {
			path, index = p.entries[i].fileIndex()
		} else {
			path, index = fileIndexOf(o.GetAnnotations())
		}
		got, moved := p.indexes.claim(path, index)
		if !moved {
			continue
		}
		if o == nil {
			// Only a flattened List's elements share a place and come as
			// they are; they were parsed, so they can move.
			n := p.entries[i].node
			if n == nil {
				continue
			}
			o = n.Copy()
			out[k] = o
		}
		a := o.GetAnnotations()
		for _, key := range []string{kioutil.IndexAnnotation, kioutil.LegacyIndexAnnotation} {
			if _, ok := a[key]; ok {
				a[key] = got
			}
		}
		delete(a, kioutil.IdAnnotation)
		delete(a, kioutil.LegacyIdAnnotation)
		if err := o.SetAnnotations(a); err != nil {
			return fmt.Errorf("placing %s %q in %s: %w", o.GetKind(), o.GetName(), path, err)
		}
	}
	return nil
}

// fileIndex returns the entry's file and index annotations.
func (e *entry) fileIndex() (path, index string) {
	if e.node != nil {
		return fileIndexOf(e.node.GetAnnotations())
	}
	get := func(k, legacy string) string {
		if v := e.item.Annotation(k); v != "" {
			return v
		}
		return e.item.Annotation(legacy)
	}
	return get(kioutil.PathAnnotation, kioutil.LegacyPathAnnotation), get(kioutil.IndexAnnotation, kioutil.LegacyIndexAnnotation)
}

func fileIndexOf(a map[string]string) (path, index string) {
	path, index = a[kioutil.PathAnnotation], a[kioutil.IndexAnnotation]
	if path == "" {
		path = a[kioutil.LegacyPathAnnotation]
	}
	if index == "" {
		index = a[kioutil.LegacyIndexAnnotation]
	}
	return path, index
}

// isList reports whether n is a list kind whose mirror objects mirrorset
// takes out: `oc get icsp -o yaml` prints a v1 List, and the API's own list
// kinds.
func isList(apiVersion, kind string) bool {
	switch kind {
	case "List":
		return apiVersion == "v1"
	case string(mirror.ICSP) + "List", string(mirror.IDMS) + "List", string(mirror.ITMS) + "List":
		return true
	}
	return false
}

// flattenLists replaces each list item that holds a mirror object by its
// elements, which take the list's place and file. Lists without mirror
// objects stay as they are.
func flattenLists(entries []*entry) ([]*entry, []string, error) {
	var out []*entry
	var notes []string
	for _, e := range entries {
		if !isList(e.apiVersion, e.kind) {
			out = append(out, e)
			continue
		}
		n, err := e.parse()
		if err != nil {
			return nil, nil, err
		}
		if n.GetAnnotations()[localConfig] == "true" {
			out = append(out, e)
			continue
		}
		elems, err := n.Pipe(yaml.Lookup("items"))
		if err != nil || elems == nil || elems.YNode().Kind != yaml.SequenceNode {
			out = append(out, e)
			continue
		}
		elemKind := strings.TrimSuffix(n.GetKind(), "List")
		var expanded []*yaml.RNode
		hasMirror := false
		for _, el := range elems.Content() {
			if el.Kind != yaml.MappingNode {
				expanded = nil
				break
			}
			// A copy: the list must stay as it came when mirrorset fails.
			en := yaml.NewRNode(el).Copy()
			// The API's typed lists leave kind and apiVersion off the elements.
			if elemKind != "" && n.GetKind() != "List" && en.GetKind() == "" {
				_ = en.PipeE(yaml.SetField("kind", yaml.NewStringRNode(elemKind)))
				_ = en.PipeE(yaml.SetField("apiVersion", yaml.NewStringRNode(n.GetApiVersion())))
			}
			_, ok := mirror.KindOf(en.GetApiVersion(), en.GetKind())
			hasMirror = hasMirror || ok
			expanded = append(expanded, en)
		}
		if !hasMirror || expanded == nil {
			out = append(out, e)
			continue
		}
		for _, en := range expanded {
			copyFileAnnotations(n, en)
			out = append(out, nodeEntry(en, e.item))
		}
		notes = append(notes, fmt.Sprintf("%s %s%s: replaced by the %d %s it held", n.GetKind(), quoteName(n.GetName()), inFile(n), len(expanded), plural(len(expanded), "item", "items")))
	}
	return out, notes, nil
}

// nodesResults are the result that says what the rewrite does to the
// nodes (see nodeImpact), with the node disruption policies of the
// MachineConfiguration named cluster among the entries, and a warning when
// that object cannot be read. err is a failure to parse an item (the fast
// path's).
func nodesResults(entries []*entry, sets []*mirror.Set, outs []transform.Out, img *registriesconf.Image, out *rendering, pre func() *registriesconf.Prerendered) (result.Results, error) {
	var rs result.Results
	var policies []nodeimpact.FilePolicy
	if !unchangedByTransform(sets, outs) {
		for _, e := range entries {
			if e.apiVersion != nodeimpact.MachineConfigurationAPIVersion || e.kind != nodeimpact.MachineConfigurationKind ||
				e.name() != nodeimpact.MachineConfigurationName {
				continue
			}
			n, err := e.read()
			if err != nil {
				return nil, err
			}
			if annotation(n, localConfig) == "true" {
				continue
			}
			p, err := nodeimpact.ParseMachineConfiguration(n)
			if err != nil {
				rs = append(rs, &result.Result{Severity: result.Warning, Message: err.Error() +
					" (the API server would refuse it); the nodes result below takes the MCO's default policies"})
				continue
			}
			policies = p
		}
	}
	r, err := nodeImpact(sets, outs, img, policies, out, pre)
	if err != nil {
		return append(rs, &result.Result{Severity: result.Error, Message: "the Machine Config Operator would render no registries.conf from the output, and the MachineConfigPool would degrade: " + err.Error()}), nil
	}
	return append(rs, r), nil
}

// clusterImage returns the Image named cluster among the entries, decoded,
// its file for results, and the results about it. Other Images are ignored
// by the MCO, and so here.
func clusterImage(entries []*entry) (*registriesconf.Image, *result.File, result.Results, error) {
	for _, e := range entries {
		if e.apiVersion != registriesconf.ImageAPIVersion || e.kind != registriesconf.ImageKind {
			continue
		}
		n, err := e.read()
		if err != nil {
			return nil, nil, nil, err
		}
		if img, rs, ok := decodeClusterImage(n); ok {
			return img, resultFile(n), rs, nil
		}
	}
	return nil, nil, nil, nil
}
