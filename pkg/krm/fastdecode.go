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
	d := stringsDecoder{kind: k, field: []byte(k.EntriesField()[1]), strs: strs}
	size, ok := e.item.Strings(d.visit)
	if !ok || !d.done() || !e.budget.count(e.item, size) {
		return nil, false, false
	}
	for j := range d.entries {
		d.entries[j].Mirrors = slices.Clip(d.entries[j].Mirrors) // as intern leaves them
	}
	set = &mirror.Set{Kind: k, Name: d.name, Item: i, File: d.annos[pathAnno], Entries: slices.Clip(d.entries)}
	if set.File == "" {
		set.File = d.annos[legacyPathAnno]
	}
	index := d.annos[indexAnno]
	if index == "" {
		index = d.annos[legacyIndexAnno]
	}
	set.FileIndex, _ = strconv.Atoi(index)
	return set, d.annos[localConfigAnno] == "true", true
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
