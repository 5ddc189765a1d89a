// Package resourcelist reads and writes a KRM ResourceList without building
// a YAML tree for every item. A function built on kyaml parses the whole list
// and prints it again, which costs about 90 bytes of memory and a few
// microseconds per input byte; mirrorset needs a tree only for the few items
// it owns. Read finds where each item begins and ends with a line scanner
// that follows every YAML construct that can hide a line looking like a new
// item (block scalars, multi-line plain and quoted scalars, flow collections,
// comments), keeps each item's bytes, and parses only what the caller asks
// for. A Writer copies the other items to the output as the bytes that came
// in, and does to them what kyaml's framework would have done on the way
// (the path, index and id annotation pairs, empty metadata), so that kpt and
// kustomize see what they expect.
//
// Where the input is in a form the scanner does not follow (REFERENCE.md
// lists them: document markers, CRLF line ends, anchors and aliases, tabs in
// indentation, flow style at the top, ...), Read returns a *Fallback whose
// Input replays the whole input for the full parse: the fast path is
// never a reason for a different output.
package resourcelist

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// List is a ResourceList as Read found it.
type List struct {
	// APIVersion and Kind are the list's own: kyaml writes them back.
	APIVersion, Kind string
	Items            []*Item
	// FunctionConfig and Results are the parsed fields, nil when absent.
	FunctionConfig *yaml.RNode
	Results        *yaml.RNode

	// internal and legacy say which spellings of the path, index and id
	// annotations the items use, as kyaml works it out.
	internal, legacy bool
	// before and after are the top-level lines around the items.
	before, after []byte
	// format is what formatCheck learns of the items as they are read.
	format format
	// spool holds the items' bytes of a large list, nil when the heap
	// does (see spool).
	spool *spool
}

// Replay returns the whole input again, for the full parse.
func (l *List) Replay() io.Reader {
	return io.MultiReader(replayParts(l.before, l.Items, l.after)...)
}

func replayParts(before []byte, items []*Item, after []byte) []io.Reader {
	parts := make([]io.Reader, 0, len(items)+8)
	parts = append(parts, bytes.NewReader(before))
	for _, it := range items {
		parts = append(parts, bytes.NewReader(it.raw))
	}
	return append(parts, bytes.NewReader(after))
}

// Fallback is Read's error for an input that must go the full parse.
type Fallback struct {
	Reason string
	// Input replays the whole input from its first byte.
	Input io.Reader
}

func (f *Fallback) Error() string { return "the input needs the full parse: " + f.Reason }

// Item is one item of the list, kept as the bytes that came in. It is
// small: a list of 100,000 items holds 100,000 of them.
type Item struct {
	// APIVersion and Kind are the item's, "" when it has none.
	APIVersion, Kind string
	// Index is the item's place in the input list.
	Index int

	raw []byte // the item's lines, with the comment lines before and after it that are its own
	// next is what followed the item in the input; start is the form
	// of its own first line.
	next, start following
	// ambiguous: comment lines next to the item whose owner depends on
	// the details of the YAML parser's comment rules.
	ambiguous bool
	// parsed: the scanner met a form it does not read line by line; the
	// item was parsed to check its bounds.
	parsed bool
	// mayChange: kyaml may change the item on the way (empty metadata,
	// empty values of the path annotations); only for parsed items.
	mayChange bool
	// footComments: comment lines after the item's last line are its
	// own, and the parser places them by what follows the item.
	footComments bool

	// Where metadata.name and the path, index and id annotations (see
	// annotationKeys) are in raw; a parsed item keeps the values in info
	// instead.
	nameAt  span
	annoAt  [migrationKey]span
	info    *parsedInfo
	annoEnd uint16 // offset in raw after the last line of metadata.annotations
	// annoIndent is the indentation of the annotations' keys; -1 when a
	// new one cannot go after the last (comments follow it).
	annoIndent int16

	// origAnnos is what kyaml records of the item's internal annotations
	// before the function runs (see Node).
	origAnnos map[string]string
	// plainAnnos: the list spells the path, index and id annotations both
	// ways, and the item has both spellings of each, once and alike
	// (formatCheck): kyaml's preparation only adds its marker, and its
	// reconciliation, when they stay so, only takes it away (see prepare
	// and reconcile).
	plainAnnos bool
}

// span is where a value is in an item's bytes; the zero span is no value
// (a value never starts an item). Items longer than a span reaches are
// read by the parser.
type span struct{ from, to uint16 }

const maxSpan = 1<<16 - 1

// parsedInfo is what a parse of a complex item found.
type parsedInfo struct {
	name  string
	annos [len(annotationKeys)]string
	set   [len(annotationKeys)]bool
}

// Name returns the item's metadata.name, "" when it has none.
func (it *Item) Name() string {
	if it.info != nil {
		return it.info.name
	}
	return string(it.raw[it.nameAt.from:it.nameAt.to])
}

// has reports whether the item has annotation annotationKeys[k].
func (it *Item) has(k int) bool {
	if it.info != nil {
		return it.info.set[k]
	}
	return k < migrationKey && it.annoAt[k].from > 0
}

// anno returns the value of annotation annotationKeys[k], "" when absent.
func (it *Item) anno(k int) []byte {
	if it.info != nil {
		return []byte(it.info.annos[k])
	}
	if k >= migrationKey {
		return nil
	}
	return it.raw[it.annoAt[k].from:it.annoAt[k].to]
}

// annoLen is len(it.anno(k)), without reading the item's bytes.
func (it *Item) annoLen(k int) int {
	if it.info != nil {
		return len(it.info.annos[k])
	}
	if k >= migrationKey {
		return 0
	}
	return int(it.annoAt[k].to - it.annoAt[k].from)
}

type following = Context

const (
	followedByKey = BeforeKey
	followedByEnd = AtEnd
)

// annotationKeys are the annotations whose two spellings kyaml keeps in
// step: pairs of internal and legacy keys, then the key kyaml sets on
// every item while the function runs.
var annotationKeys = [...]string{
	kioutil.PathAnnotation, kioutil.LegacyPathAnnotation,
	kioutil.IndexAnnotation, kioutil.LegacyIndexAnnotation,
	kioutil.IdAnnotation, kioutil.LegacyIdAnnotation,
	kioutil.InternalAnnotationsMigrationResourceIDAnnotation,
}

const migrationKey = len(annotationKeys) - 1

func annotationIndex(key []byte) int {
	for i, k := range annotationKeys {
		if string(key) == k {
			return i
		}
	}
	return -1
}

// Raw returns the item's bytes as they came in, with the comment lines
// around it that belong to it.
func (it *Item) Raw() []byte { return it.raw }

// Ambiguous reports whether comments next to the item belong to it or to
// its neighbour depending on fine points of the YAML parser: a caller that
// rewrites the item should use the full parse instead.
func (it *Item) Ambiguous() bool { return it.ambiguous }

// Context is what follows an item, as far as the parser's placing of the
// comments before it goes.
type Context uint8

// The contexts of an item.
const (
	BeforeItem     Context = iota // an item whose "- " line has a key
	BeforeBareItem                // an item whose "-" line has none
	BeforeKey                     // a top-level key
	AtEnd                         // the end of the input
	BeforeOther                   // something whose first line is not known
)

// Start is the context that the item makes for the one before it.
func (it *Item) Start() Context { return it.start }

// Moves reports whether the comments next to the item could get other
// owners than they have in the input when the item is written as it came
// followed by next: the parser attaches comment lines after an item by
// what follows them, and where the input leaves their owner in doubt
// (Ambiguous), by details.
func (it *Item) Moves(next Context) bool {
	return (it.footComments || it.ambiguous) && it.next != next
}

// Node parses the item and prepares it as kyaml's framework prepares each
// item before a function sees it: the path, index and id annotations
// filled in from their other spelling, and a record of the item's internal
// annotations that a Writer uses to put the right ones on whatever the
// function makes of the node. Each call parses the item anew.
func (it *Item) Node() (*yaml.RNode, error) {
	// Without comments, the line tree is all the encoder reads of the
	// parser's tree (kinds, tags, values, styles): it prints the same
	// bytes, and costs a fraction of the parse. TestLineTreePrintsAsParsed
	// holds it to that.
	n, err := it.lineTreeOrParse(bytes.IndexByte(it.raw, '#') < 0)
	if err != nil {
		return nil, err
	}
	return n, it.prepare(n)
}

func (it *Item) prepare(n *yaml.RNode) error {
	if annos := it.plainAnnotations(n.YNode()); annos != nil {
		// What kyaml's PreprocessResourcesForInternalAnnotationMigration
		// does to such an item, without its passes over the metadata: it
		// records the internal and legacy annotations, with its marker, and
		// adds the marker; both spellings are there and alike, so it copies
		// none and finds none mismatched.
		orig := map[string]string{}
		for i := 0; i+1 < len(annos.Content); i += 2 {
			if k := annos.Content[i].Value; strings.HasPrefix(k, internalPrefix) ||
				k == kioutil.LegacyPathAnnotation || k == kioutil.LegacyIndexAnnotation || k == kioutil.LegacyIdAnnotation {
				orig[k] = annos.Content[i+1].Value
			}
		}
		orig[kioutil.InternalAnnotationsMigrationResourceIDAnnotation] = "0"
		it.origAnnos = orig
		// The nodes that kyaml's AnnotationSetter and FieldSetter append.
		annos.Content = append(annos.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Value: kioutil.InternalAnnotationsMigrationResourceIDAnnotation},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "0", Style: yaml.SingleQuotedStyle})
		return nil
	}
	m, err := kio.PreprocessResourcesForInternalAnnotationMigration([]*yaml.RNode{n})
	if err != nil {
		return fmt.Errorf("item %d: %w", it.Index, err)
	}
	it.origAnnos = m["0"]
	return nil
}

// internalPrefix starts the annotations that kyaml keeps for itself.
const internalPrefix = "internal.config.kubernetes.io/"

// plainAnnotations returns obj's annotations when the item's are plain
// (plainAnnos) and obj holds the item's path, index and id annotations, in
// both spellings, each once and as the item has them, and, with want, the
// marker of kyaml's preparation once with its value; else nil.
func (it *Item) plainAnnotations(obj *yaml.Node, want ...string) *yaml.Node {
	if !it.plainAnnos {
		return nil
	}
	meta := uniqueField(obj, "metadata")
	if meta == nil || meta == errDuplicate || meta.Kind != yaml.MappingNode {
		return nil
	}
	annos := uniqueField(meta, "annotations")
	if annos == nil || annos == errDuplicate || annos.Kind != yaml.MappingNode {
		return nil
	}
	var seen [len(annotationKeys)]bool
	for i := 0; i+1 < len(annos.Content); i += 2 {
		k := annotationIndex([]byte(annos.Content[i].Value))
		if k < 0 {
			continue
		}
		v := annos.Content[i+1]
		if seen[k] || v.Kind != yaml.ScalarNode {
			return nil
		}
		seen[k] = true
		switch {
		case k < migrationKey && v.Value != string(it.anno(k)):
			return nil
		case k == migrationKey && (len(want) == 0 || v.Value != want[0]):
			return nil
		}
	}
	for k := 0; k < migrationKey; k++ {
		if !seen[k] {
			return nil
		}
	}
	if len(want) > 0 && !seen[migrationKey] {
		return nil
	}
	return annos
}

// Tree parses the item for reading: the tree that a function sees on the
// full parse, as far as the fields go (Node's preparation only adds
// annotations, except where metadata or its annotations are empty, not
// maps, or repeated: there Tree prepares the tree as Node does). It costs
// a parse, not the preparation.
func (it *Item) Tree() (*yaml.RNode, error) {
	n, err := it.lineTreeOrParse(true)
	if err != nil {
		return nil, err
	}
	if !plainMetadata(n.YNode()) {
		return n, it.prepare(n)
	}
	return n, nil
}

// Head is Node with only the item's apiVersion, kind and metadata: what
// is needed to make a new object that takes the item's name, labels and
// annotations, without the nodes of the rest (a mirror object's entries
// are most of its lines). Where the lines cannot make it, it is Node.
func (it *Item) Head() (*yaml.RNode, error) {
	if !it.parsed && bytes.IndexByte(it.raw, '#') < 0 {
		if t, ok := lineTreeOf(it.raw, headFields); ok {
			n := yaml.NewRNode(t)
			return n, it.prepare(n)
		}
	}
	return it.Node()
}

// headFields are the fields of Head's tree.
var headFields = []string{"apiVersion", "kind", "metadata"}

// lineTreeOrParse is the item's line tree where lines may build it, else
// the parser's tree.
func (it *Item) lineTreeOrParse(lines bool) (*yaml.RNode, error) {
	if lines && !it.parsed {
		if t, ok := lineTree(it.raw); ok {
			return yaml.NewRNode(t), nil
		}
	}
	return it.parse()
}

// plainMetadata reports whether n's metadata is absent, or a map with
// fields whose annotations are absent or a map with fields, each once.
func plainMetadata(n *yaml.Node) bool {
	meta := uniqueField(n, "metadata")
	if meta == nil {
		return true
	}
	if meta == errDuplicate || meta.Kind != yaml.MappingNode || len(meta.Content) == 0 {
		return false
	}
	annos := uniqueField(meta, "annotations")
	return annos == nil || annos != errDuplicate && annos.Kind == yaml.MappingNode && len(annos.Content) > 0
}

// errDuplicate is what uniqueField returns for a key that is there twice.
var errDuplicate = &yaml.Node{}

func uniqueField(m *yaml.Node, key string) *yaml.Node {
	var v *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			if v != nil {
				return errDuplicate
			}
			v = m.Content[i+1]
		}
	}
	return v
}

// parse parses the item's bytes between stand-ins for its neighbours, so
// that the parser gives the comments around it to the same nodes as in
// the whole list.
func (it *Item) parse() (*yaml.RNode, error) {
	var src bytes.Buffer
	src.Grow(len(it.raw) + 32)
	src.WriteString("items:\n")
	want := 1
	if it.Index > 0 {
		src.WriteString("- _: 0\n")
		want++
	}
	src.Write(it.raw)
	switch it.next {
	case BeforeItem:
		src.WriteString("- _: 0\n")
		want++
	case BeforeBareItem:
		src.WriteString("-\n  _: 0\n")
		want++
	case followedByKey:
		src.WriteString("_: 0\n")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src.Bytes(), &doc); err != nil {
		return nil, fmt.Errorf("item %d: %w", it.Index, err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode || len(doc.Content[0].Content) < 2 {
		return nil, fmt.Errorf("item %d: not an item of a list", it.Index)
	}
	seq := doc.Content[0].Content[1]
	if seq.Kind != yaml.SequenceNode || len(seq.Content) != want {
		return nil, fmt.Errorf("item %d: the scanner and the parser disagree on where it ends", it.Index)
	}
	n := seq.Content[0]
	if it.Index > 0 {
		n = seq.Content[1]
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("item %d: not a map", it.Index)
	}
	return yaml.NewRNode(n), nil
}

// formatCheck works out, as kyaml does (kio.ReconcileInternalAnnotations),
// which spellings of the path, index and id annotations the input uses,
// and refuses what kyaml refuses: items that disagree on the spelling, and
// an item whose two spellings of one annotation differ. It reads what
// annotations each item has (see format.see), while the item's bytes are
// at hand, and decides at the end.
func (l *List) formatCheck() error {
	f := &l.format
	if f.err != nil {
		return f.err
	}
	if f.spelled {
		l.internal, l.legacy = f.internal, f.legacy
	}
	if !l.internal || !l.legacy {
		for _, it := range l.Items {
			it.plainAnnos = false
		}
	}
	return nil
}

// format is what formatCheck learns of the items one by one.
type format struct {
	spelled          bool // an item has one of the annotations
	internal, legacy bool // the spellings of the first such item
	err              error
}

// see reads the annotations of the next item; it sets plainAnnos as if the
// list spelled them both ways, which formatCheck corrects.
func (f *format) see(it *Item) {
	if f.err != nil {
		return
	}
	var hasInternal, hasLegacy bool
	for i := 0; i < migrationKey; i++ {
		if it.has(i) {
			if i%2 == 0 {
				hasInternal = true
			} else {
				hasLegacy = true
			}
		}
	}
	for i := 0; i < migrationKey; i += 2 {
		if a, b := it.anno(i), it.anno(i+1); len(a) > 0 && len(b) > 0 && !bytes.Equal(a, b) {
			f.err = fmt.Errorf("item %d: its %s and %s annotations differ", it.Index, annotationKeys[i], annotationKeys[i+1])
			return
		}
	}
	it.plainAnnos = it.info == nil && it.has(0) && it.has(1) && it.has(2) && it.has(3) && it.has(4) && it.has(5) &&
		bytes.Equal(it.anno(0), it.anno(1)) && bytes.Equal(it.anno(2), it.anno(3)) && bytes.Equal(it.anno(4), it.anno(5))
	if !hasInternal && !hasLegacy {
		return
	}
	if !f.spelled {
		f.spelled, f.internal, f.legacy = true, hasInternal, hasLegacy
	}
	if f.internal != hasInternal || f.legacy != hasLegacy {
		f.err = errors.New("the items spell the path, index and id annotations differently")
	}
}

// fillIn returns the annotation lines kyaml adds to an item that has only
// one spelling of a pair, when the list uses both; ok is false when the
// item needs kyaml itself.
func (l *List) fillIn(it *Item) (lines []byte, ok bool) {
	if !l.internal || !l.legacy {
		return nil, true
	}
	for i := 0; i < migrationKey; i += 2 {
		for _, have := range [2]int{i, i + 1} {
			other := have ^ 1
			if it.annoLen(have) == 0 || it.annoLen(other) > 0 {
				continue
			}
			v := it.anno(have)
			if it.has(other) || it.annoIndent < 0 || !quotable(v) {
				return nil, false
			}
			for range int(it.annoIndent) {
				lines = append(lines, ' ')
			}
			lines = append(lines, annotationKeys[other]...)
			lines = append(lines, ": '"...)
			lines = append(lines, v...)
			lines = append(lines, "'\n"...)
		}
	}
	return lines, true
}

// quotable reports whether kyaml prints v single-quoted, as it is.
func quotable(v []byte) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '/' || c == '-' || c == ':' || c == '@' || c == '+' || c == '~') {
			return false
		}
	}
	return len(v) > 0
}

// reconcile does to n what kyaml's framework does to every item after the
// function ran, n being from (or made from) item from: the path, index and
// id annotations in the spelling the input used, its record removed, and
// empty metadata dropped.
func (l *List) reconcile(n *yaml.RNode, from *Item) error {
	if from != nil && l.internal && l.legacy {
		if annos := from.plainAnnotations(n.YNode(), "0"); annos != nil && from.origAnnos != nil {
			// The annotations are the item's, in both spellings, as the
			// list spells them: kyaml's ReconcileInternalAnnotations only
			// clears its marker, and ClearEmptyAnnotations finds them
			// there.
			for i := 0; i+1 < len(annos.Content); i += 2 {
				if annos.Content[i].Value == kioutil.InternalAnnotationsMigrationResourceIDAnnotation {
					annos.Content = append(annos.Content[:i:i], annos.Content[i+2:]...)
					break
				}
			}
			return nil
		}
	}
	format := map[string]string{}
	if l.internal {
		format[kioutil.PathAnnotation] = "-"
	}
	if l.legacy {
		format[kioutil.LegacyPathAnnotation] = "-"
	}
	orig, what := map[string]string{}, "a new object"
	if from != nil {
		what = "item " + strconv.Itoa(from.Index)
		if from.origAnnos != nil {
			orig = from.origAnnos
		}
	}
	if err := kio.ReconcileInternalAnnotations([]*yaml.RNode{n}, map[string]map[string]string{"0": orig, "format": format}); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := yaml.ClearEmptyAnnotations(n); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// scanned records what parsing a complex item told: its kind, its
// annotations, and whether kyaml may change it.
func (it *Item) scanned(n *yaml.RNode) {
	info := &parsedInfo{name: metadataName(n.YNode())}
	it.info = info
	it.APIVersion, it.Kind = n.GetApiVersion(), n.GetKind()
	it.mayChange = false
	meta := n.Field("metadata")
	if meta == nil {
		return
	}
	if meta.Value.YNode().Kind != yaml.MappingNode || len(meta.Value.YNode().Content) == 0 {
		it.mayChange = true
		return
	}
	annos := meta.Value.Field("annotations")
	if annos == nil {
		return
	}
	a := annos.Value.YNode()
	if a.Kind != yaml.MappingNode || len(a.Content) == 0 {
		it.mayChange = true
		return
	}
	for i := 0; i+1 < len(a.Content); i += 2 {
		k := annotationIndex([]byte(a.Content[i].Value))
		if k < 0 {
			continue
		}
		v := a.Content[i+1]
		if info.set[k] || v.Kind != yaml.ScalarNode || v.Value == "" || k == migrationKey {
			it.mayChange = true
		}
		info.set[k] = true
		info.annos[k] = v.Value
	}
	for i := 0; i < migrationKey; i += 2 {
		if info.set[i] != info.set[i+1] {
			it.mayChange = true // kyaml fills in the other spelling when the list uses both
		}
	}
}

// metadataName is kyaml's GetName, which panics on a metadata that is a
// list: the first name field's value, unless null or empty.
func metadataName(n *yaml.Node) string {
	meta := uniqueField(n, "metadata")
	if meta == errDuplicate {
		meta = firstField(n, "metadata")
	}
	if meta == nil || meta.Kind != yaml.MappingNode {
		return ""
	}
	name := firstField(meta, "name")
	if name == nil || yaml.IsYNodeNilOrEmpty(name) {
		return ""
	}
	return name.Value
}

func firstField(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// Annotation returns the value of one of the annotations that tie an item
// to its file (the path, index and id annotations, either spelling), "" when
// the item has none.
func (it *Item) Annotation(key string) string {
	k := annotationIndex([]byte(key))
	if k < 0 || !it.has(k) {
		return ""
	}
	return string(it.anno(k))
}
