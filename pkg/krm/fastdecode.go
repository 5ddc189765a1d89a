package krm

import (
	"bytes"
	"slices"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"

	"github.com/mirrorset/mirrorset/pkg/imagepull"
	"github.com/mirrorset/mirrorset/pkg/inputlimit"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/resourcelist"
)

// decodeStrings reads the mirror object of kind k from the fast path's item
// without a tree (resourcelist.Item.Strings), as mirror.Decode reads it from
// the tree, with its strings interned (see intern). It reads only
// objects that Decode takes without a word: a name, and entries with a
// source, mirrors and (where the kind has one) a policy, each once. ok is
// false for anything else (an unknown field, a repeated key, a missing
// source, a value that is not a string, a form that Strings does not read,
// an item over the input limits): the caller then reads the tree, and
// Decode says what it says. local reports the kpt and kustomize local-config
// annotation, set to "true".
//
// The predecoder has read the item while the list came in (e.pre); an
// item it could not read is not read again.
func (e *entry) decodeStrings(k mirror.Kind, i int) (set *mirror.Set, local, ok bool) {
	d := e.pre
	if d == nil || e.node != nil || e.budget == nil || d.set.Kind != k || !e.budget.count(e.item, d.size, d.nodes) {
		return nil, false, false
	}
	e.pre = nil // the set goes on; the rest can go
	d.set.Item = i
	return d.set, d.local, true
}

// decoded is a mirror object read by stringsDecoder: its set (whose Item
// decodeStrings gives), its local-config annotation, and its size for the
// input limits, taken while the item's bytes are at hand (see
// resourcelist.List.Release).
type decoded struct {
	set   *mirror.Set
	local bool
	size  resourcelist.Size
	nodes int // inputlimit.EstimateNodes of the item's bytes
}

// read reads it as a mirror object of kind k (see decodeStrings), nil when
// it cannot, without the input limits, which decodeStrings checks. It only
// reads the item, so it can run while the reader goes on (see predecoder);
// d keeps its buffers for the next item.
func (d *stringsDecoder) read(w *resourcelist.StringWalker, it *resourcelist.Item, k mirror.Kind, strs map[string]string) *decoded {
	field := entriesField[k]
	if field == nil {
		return nil // not a kind that Strings reads
	}
	*d = stringsDecoder{kind: k, field: field, strs: strs, entries: d.entries[:0], mirrors: d.mirrors[:0], visitFn: d.visitFn}
	if d.visitFn == nil {
		d.visitFn = d.visit // bound to d, which read resets in place
	}
	size, ok := w.Walk(it, d.visitFn)
	if !ok || !d.done() {
		return nil
	}
	return &decoded{set: d.set(), local: d.annos[localConfigAnno] == "true", size: size, nodes: inputlimit.EstimateNodes(it.Raw())}
}

// set is the mirror set d read, in slices exactly as long as they are (as
// intern leaves them): the entries in one allocation, their mirrors in
// another.
func (d *stringsDecoder) set() *mirror.Set {
	s := &mirror.Set{Kind: d.kind, Name: d.name, File: d.annos[pathAnno]}
	if s.File == "" {
		s.File = d.annos[legacyPathAnno]
	}
	index := d.annos[indexAnno]
	if index == "" {
		index = d.annos[legacyIndexAnno]
	}
	s.FileIndex, _ = strconv.Atoi(index)
	if len(d.entries) == 0 {
		return s
	}
	s.Entries = make([]mirror.Entry, len(d.entries))
	mirrors := slices.Clone(d.mirrors)
	for i, e := range d.entries {
		s.Entries[i] = mirror.Entry{Source: e.source, Policy: e.policy}
		if e.to > e.from {
			s.Entries[i].Mirrors = mirrors[e.from:e.to:e.to]
		}
	}
	return s
}

// predecoder reads the mirror objects of a list (readStrings), and the
// image lines of the items that hold images, on a goroutine of its own
// while resourcelist.ReadEach reads the rest: on a machine with more than
// one core, their reading costs no wall time, and it is done while the
// items' bytes are at hand (see resourcelist.List.Release).
type predecoder struct {
	items chan []*resourcelist.Item
	batch []*resourcelist.Item // offered, not yet sent
	done  chan struct{}
	predecoded
}

// predecoded is what the predecoder read, by item index (shorter than the
// list when its last items hold neither): the mirror objects and the image
// lines; strs are the objects' strings, which decide goes on interning
// into. A slice, not maps: a list of 100,000 items looked its items up in
// two maps in 17 ms, and filled them in more.
type predecoded struct {
	// items are in chunks of chunkItems, which never move: a slice grown
	// to 100,000 items copied itself into 9 MB of garbage on the way.
	items [][]predecodedItem
	strs  map[string]string
}

const chunkItems = 4096

type predecodedItem struct {
	set   *decoded
	lines *imageLines
}

// at returns what the predecoder read of item i.
func (p *predecoded) at(i int) predecodedItem {
	if c := i / chunkItems; c < len(p.items) {
		return p.items[c][i%chunkItems]
	}
	return predecodedItem{}
}

// slot returns item i's place, adding the chunks up to it.
func (p *predecoded) slot(i int) *predecodedItem {
	for i/chunkItems >= len(p.items) {
		p.items = append(p.items, make([]predecodedItem, chunkItems))
	}
	return &p.items[i/chunkItems][i%chunkItems]
}

// imageLines are an item's image lines as read without a parse (see
// checkImages).
type imageLines struct {
	mentions bool     // the item's bytes hold "image"
	images   []string // imagepull.Candidates
	sure     bool
}

func newPredecoder() *predecoder {
	p := &predecoder{items: make(chan []*resourcelist.Item, 256), done: make(chan struct{}),
		predecoded: predecoded{strs: map[string]string{}}}
	go func() {
		defer close(p.done)
		var w resourcelist.StringWalker
		var d stringsDecoder
		for batch := range p.items {
			for _, it := range batch {
				if k, ok := mirror.KindOf(it.APIVersion, it.Kind); ok {
					if r := d.read(&w, it, k, p.strs); r != nil {
						p.slot(it.Index).set = r
					}
					continue
				}
				raw := it.Raw()
				l := &imageLines{}
				if at := bytes.Index(raw, []byte("image")); at >= 0 {
					// Candidates from the line of the first mention on.
					l.mentions = true
					l.images, l.sure = imagepull.Candidates(raw[bytes.LastIndexByte(raw[:at], '\n')+1:])
				}
				p.slot(it.Index).lines = l
			}
		}
	}()
	return p
}

// offer takes an item that ReadEach has read whole.
func (p *predecoder) offer(it *resourcelist.Item) {
	if _, ok := mirror.KindOf(it.APIVersion, it.Kind); ok || imagepull.Holds(it.APIVersion, it.Kind) {
		p.batch = append(p.batch, it)
		if len(p.batch) == predecodeBatch {
			p.items <- p.batch
			p.batch = make([]*resourcelist.Item, 0, predecodeBatch)
		}
	}
}

// predecodeBatch is how many items go to the goroutine at once: a send
// for each would cost more than some items' reading, and ReadEach hands
// a spool's items over a slab at a time.
const predecodeBatch = 32

// wait returns what the goroutine read, once it has read all.
func (p *predecoder) wait() predecoded {
	if len(p.batch) > 0 {
		p.items <- p.batch
	}
	close(p.items)
	<-p.done
	return p.predecoded
}

// entriesField is each kind's field of entries under spec, as bytes.
var entriesField = map[mirror.Kind][]byte{
	mirror.ICSP: []byte(mirror.ICSP.EntriesField()[1]),
	mirror.IDMS: []byte(mirror.IDMS.EntriesField()[1]),
	mirror.ITMS: []byte(mirror.ITMS.EntriesField()[1]),
}

// The annotations that decodeStrings reads, as mirror.FileOf and decide
// read them.
const (
	pathAnno = iota
	legacyPathAnno
	indexAnno
	legacyIndexAnno
	localConfigAnno
	readAnnos
)

var readAnnoKeys = [readAnnos]string{kioutil.PathAnnotation, kioutil.LegacyPathAnnotation, kioutil.IndexAnnotation, kioutil.LegacyIndexAnnotation, localConfig}

type stringsDecoder struct {
	kind  mirror.Kind
	field []byte // the entries' field under spec
	strs  map[string]string

	name  string
	annos [readAnnos]string
	// entries are the entries read, their mirrors one after another in
	// mirrors.
	entries []scratchEntry
	mirrors []string
	// visitFn is d.visit, made once: a method value made for each item
	// is an allocation each.
	visitFn func([]resourcelist.Step, []byte) bool
}

// scratchEntry is an entry being read: its mirrors are mirrors[from:to]
// of its decoder.
type scratchEntry struct {
	source   string
	policy   mirror.Policy
	sourced  bool
	from, to int
}

func (d *stringsDecoder) str(v []byte) string {
	if s, ok := d.strs[string(v)]; ok {
		return s
	}
	s := string(v)
	d.strs[s] = s
	return s
}

// done reports whether the object is one Decode takes without a word:
// named, every entry with a source.
func (d *stringsDecoder) done() bool {
	if d.name == "" {
		return false
	}
	for _, e := range d.entries {
		if !e.sourced {
			return false
		}
	}
	return true
}

// visit takes one scalar; Strings has checked that it is a string and that
// no map repeats a key, so each field comes once.
func (d *stringsDecoder) visit(path []resourcelist.Step, v []byte) bool {
	if len(path) > 1 && path[1].Index >= 0 {
		return string(path[0].Key) != "metadata" && string(path[0].Key) != "spec" // a list where Decode wants a map
	}
	switch string(path[0].Key) {
	case "metadata":
		return d.metadata(path, v)
	case "spec":
		return d.spec(path, v)
	}
	return true // apiVersion and kind (which the scanner read), status, ...: Decode reads none
}

func (d *stringsDecoder) metadata(path []resourcelist.Step, v []byte) bool {
	switch {
	case len(path) == 1:
		return false // not a map
	case string(path[1].Key) == "name":
		if len(path) != 2 {
			return false
		}
		d.name = string(v) // one to an object: interned, it would only grow the table
	case string(path[1].Key) == "annotations":
		if len(path) != 3 || path[2].Index >= 0 {
			return false
		}
		for k, key := range readAnnoKeys {
			if string(path[2].Key) == key {
				d.annos[k] = string(v)
			}
		}
	}
	return true // labels, namespace, ...
}

func (d *stringsDecoder) spec(path []resourcelist.Step, v []byte) bool {
	switch {
	case len(path) == 1:
		return false // not a map: Decode says so
	case !bytes.Equal(path[1].Key, d.field):
		return true // Decode reads only the entries' field
	case len(path) < 4 || path[2].Index < 0 || path[3].Index >= 0:
		return false // not a list of maps
	}
	i := path[2].Index
	if i == len(d.entries) {
		d.entries = append(d.entries, scratchEntry{from: len(d.mirrors), to: len(d.mirrors)})
	}
	e := &d.entries[i]
	switch key := string(path[3].Key); {
	case key == "source" && len(path) == 4:
		e.source, e.sourced = d.str(v), true
	case key == "mirrors" && len(path) == 5 && path[4].Index == e.to-e.from && e.to == len(d.mirrors):
		d.mirrors = append(d.mirrors, d.str(v))
		e.to = len(d.mirrors)
	case key == "mirrorSourcePolicy" && len(path) == 4 && d.kind.HasPolicy():
		e.policy = mirror.Policy(d.str(v))
	default:
		return false // a field Decode warns of, or one in a form it refuses
	}
	return true
}
