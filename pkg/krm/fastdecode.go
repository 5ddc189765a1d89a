package krm

import (
	"bytes"
	"slices"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/resourcelist"
)

// decodeStrings reads the mirror object of kind k from the fast path's item
// without a tree (resourcelist.Item.Strings), as mirror.Decode reads it from
// the tree, with its strings interned in strs (see intern). It reads only
// objects that Decode takes without a word: a name, and entries with a
// source, mirrors and (where the kind has one) a policy, each once. ok is
// false for anything else (an unknown field, a repeated key, a missing
// source, a value that is not a string, a form that Strings does not read,
// an item over the input limits): the caller then reads the tree, and
// Decode says what it says. local reports the kpt and kustomize local-config
// annotation, set to "true".
func (e *entry) decodeStrings(k mirror.Kind, i int, strs map[string]string) (set *mirror.Set, local, ok bool) {
	if e.node != nil || e.item == nil || e.budget == nil {
		return nil, false, false
	}
	d := e.pre
	if d == nil {
		var w resourcelist.StringWalker
		d = readStrings(&w, e.item, k, strs)
	}
	if !d.ok || d.kind != k || !e.budget.count(e.item, d.size) {
		return nil, false, false
	}
	set = d.set(i)
	return set, d.annos[localConfigAnno] == "true", true
}

// readStrings reads it as a mirror object of kind k (see decodeStrings),
// without the input limits, which decodeStrings checks. It only reads the
// item, so it can run while the reader goes on (see predecoder).
func readStrings(w *resourcelist.StringWalker, it *resourcelist.Item, k mirror.Kind, strs map[string]string) *stringsDecoder {
	d := &stringsDecoder{kind: k, field: entriesField[k], strs: strs}
	if d.field == nil {
		return d // not a kind that Strings reads
	}
	d.size, d.ok = w.Walk(it, d.visit)
	d.ok = d.ok && d.done()
	return d
}

// set is the mirror set d read, as the entry at i.
func (d *stringsDecoder) set(i int) *mirror.Set {
	for j := range d.entries {
		d.entries[j].Mirrors = slices.Clip(d.entries[j].Mirrors) // as intern leaves them
	}
	s := &mirror.Set{Kind: d.kind, Name: d.name, Item: i, File: d.annos[pathAnno], Entries: slices.Clip(d.entries)}
	if s.File == "" {
		s.File = d.annos[legacyPathAnno]
	}
	index := d.annos[indexAnno]
	if index == "" {
		index = d.annos[legacyIndexAnno]
	}
	s.FileIndex, _ = strconv.Atoi(index)
	return s
}

// predecoder reads the mirror objects of a list (readStrings) on a
// goroutine of its own while resourcelist.ReadEach reads the rest: on a
// machine with more than one core, their reading costs no wall time.
type predecoder struct {
	items chan *resourcelist.Item
	done  chan struct{}
	// read are the objects read, by item index; strs their strings,
	// which decide goes on interning into.
	read map[int]*stringsDecoder
	strs map[string]string
}

func newPredecoder() *predecoder {
	p := &predecoder{items: make(chan *resourcelist.Item, 256), done: make(chan struct{}), read: map[int]*stringsDecoder{}, strs: map[string]string{}}
	go func() {
		defer close(p.done)
		var w resourcelist.StringWalker
		for it := range p.items {
			if k, ok := mirror.KindOf(it.APIVersion, it.Kind); ok {
				p.read[it.Index] = readStrings(&w, it, k, p.strs)
			}
		}
	}()
	return p
}

// offer takes an item that ReadEach has read whole.
func (p *predecoder) offer(it *resourcelist.Item) {
	if _, ok := mirror.KindOf(it.APIVersion, it.Kind); ok {
		p.items <- it
	}
}

// wait returns what the goroutine read, once it has read all.
func (p *predecoder) wait() (map[int]*stringsDecoder, map[string]string) {
	close(p.items)
	<-p.done
	return p.read, p.strs
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

	size resourcelist.Size
	ok   bool

	name    string
	annos   [readAnnos]string
	entries []mirror.Entry
	// sourced: each entry has its source.
	sourced []bool
	failed  bool
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
	if d.failed || d.name == "" {
		return false
	}
	for _, ok := range d.sourced {
		if !ok {
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
		d.name = d.str(v)
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
		d.entries = append(d.entries, mirror.Entry{})
		d.sourced = append(d.sourced, false)
	}
	e := &d.entries[i]
	switch key := string(path[3].Key); {
	case key == "source" && len(path) == 4:
		e.Source = d.str(v)
		d.sourced[i] = true
	case key == "mirrors" && len(path) == 5 && path[4].Index == len(e.Mirrors):
		e.Mirrors = append(e.Mirrors, d.str(v))
	case key == "mirrorSourcePolicy" && len(path) == 4 && d.kind.HasPolicy():
		e.Policy = mirror.Policy(d.str(v))
	default:
		return false // a field Decode warns of, or one in a form it refuses
	}
	return true
}
