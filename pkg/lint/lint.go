// Package lint runs the KRM function's checks on plain manifests, changing
// nothing, and places each problem at its field's line and column in the
// file it was read from, for editors, CI and pre-commit hooks.
//
// The checks are the function's own: the objects go through krm.Process as
// a ResourceList's items would, and each error or warning it reports is
// placed by its result's file, resourceRef and field path.
package lint

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/krm"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// Source is the objects read from one input: a file as named on the command
// line or found under a folder, or standard input.
type Source struct {
	// Name is how findings name the input: the file's path, or "<stdin>".
	Name string
	// Objects are the input's objects as pkg/manifests reads them, with
	// their path and index annotations; their nodes keep the lines and
	// columns of the input.
	Objects []*yaml.RNode
}

// Finding is one error or warning, at its place in an input. Line and
// Column are 1-based, and 0 when the result points at no object.
type Finding struct {
	File     string
	Line     int
	Column   int
	Severity result.Severity
	Message  string
}

// Findings are a run's findings, in the order the function made them.
type Findings []Finding

// Failed reports whether any finding is an error.
func (fs Findings) Failed() bool {
	for _, f := range fs {
		if f.Severity == result.Error {
			return true
		}
	}
	return false
}

// Check runs the function on the objects of the sources with
// functionConfig (nil: the defaults) and returns its errors and warnings;
// its other results (what it would change) are not findings. The sources'
// nodes are not changed: the function gets copies.
func Check(sources []Source, functionConfig *yaml.RNode) (Findings, error) {
	var items []*yaml.RNode
	places := map[objectKey]place{}
	byName := map[nameKey][]place{}
	for _, src := range sources {
		for _, obj := range src.Objects {
			item := obj.Copy()
			path, index := mirror.FileOf(item)
			if path == "" {
				// Standard input: name it in the messages, as files are.
				path = src.Name
				if err := setPath(item, path); err != nil {
					return nil, fmt.Errorf("%s: %w", src.Name, err)
				}
			}
			p := place{src.Name, obj}
			places[objectKey{path, index, obj.GetKind(), obj.GetName()}] = p
			nk := nameKey{path, obj.GetName()}
			byName[nk] = append(byName[nk], p)
			items = append(items, item)
		}
	}
	_, results := krm.Process(items, functionConfig)
	var out Findings
	for _, r := range results {
		if r.Severity != result.Error && r.Severity != result.Warning {
			continue
		}
		f := Finding{Severity: r.Severity, Message: r.Message}
		if p, ok := lookup(r, places, byName); ok {
			f.File = p.source
			var field string
			if r.Field != nil {
				field = r.Field.Path
			}
			f.Line, f.Column = Position(p.node, madeFrom(r.ResourceRef, p.node, field))
		}
		out = append(out, f)
	}
	return out, nil
}

// place is where an object came from: its input and its original node.
type place struct {
	source string
	node   *yaml.RNode
}

type objectKey struct {
	path       string
	index      int
	kind, name string
}

type nameKey struct{ path, name string }

// lookup finds the object a result is about: by its file, index, kind and
// name; else, for an object the function made from an input object (an
// ImageDigestMirrorSet converted from an ImageContentSourcePolicy, which
// keeps its name and file but gets its own index), the one object of that
// name in that file.
func lookup(r *result.Result, places map[objectKey]place, byName map[nameKey][]place) (place, bool) {
	if r.ResourceRef == nil || r.File == nil {
		return place{}, false
	}
	if p, ok := places[objectKey{r.File.Path, r.File.Index, r.ResourceRef.Kind, r.ResourceRef.Name}]; ok {
		return p, true
	}
	if ps := byName[nameKey{r.File.Path, r.ResourceRef.Name}]; len(ps) == 1 {
		return ps[0], true
	}
	return place{}, false
}

// madeFrom is where field, a field of the object ref that the function made
// from obj, points in obj: the entries, for a field of the made object's
// entries (merges and layouts move entries, so an index of the one does
// not name an entry of the other), else the object.
func madeFrom(ref *result.ResourceRef, obj *yaml.RNode, field string) string {
	if ref.Kind == obj.GetKind() && ref.APIVersion == obj.GetApiVersion() {
		return field
	}
	made, ok1 := mirror.KindOf(ref.APIVersion, ref.Kind)
	from, ok2 := mirror.KindOf(obj.GetApiVersion(), obj.GetKind())
	entries := strings.Join(made.EntriesField(), ".")
	if ok1 && ok2 && (field == entries || strings.HasPrefix(field, entries+"[")) {
		return strings.Join(from.EntriesField(), ".")
	}
	return ""
}

func setPath(n *yaml.RNode, path string) error {
	if err := n.PipeE(yaml.SetAnnotation(kioutil.PathAnnotation, path)); err != nil {
		return err
	}
	return n.PipeE(yaml.SetAnnotation(kioutil.LegacyPathAnnotation, path))
}

// Position returns the line and column of field (a result's field path,
// such as spec.repositoryDigestMirrors[0].mirrors[1]) in obj: where the
// field's key is written, or the item for a list index. A path that goes
// further than the object (a missing field) stops at the deepest part that
// is there; an empty path is the object's first line.
func Position(obj *yaml.RNode, field string) (line, column int) {
	n := obj.YNode()
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line, column = n.Line, n.Column
	for _, step := range splitPath(field) {
		var at, next *yaml.Node
		switch {
		case step.key != nil && n.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == *step.key {
					at, next = n.Content[i], n.Content[i+1]
				}
			}
		case step.key == nil && n.Kind == yaml.SequenceNode && step.index < len(n.Content):
			at = n.Content[step.index]
			next = at
		}
		if at == nil {
			break
		}
		line, column = at.Line, at.Column
		n = next
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
	}
	return line, column
}

// step is one part of a field path: a key, or an index in a list.
type step struct {
	key   *string
	index int
}

// splitPath splits a.b[2].c into a, b, [2], c. A bracket that does not hold
// a number is part of the key.
func splitPath(p string) []step {
	var steps []step
	for _, part := range strings.Split(p, ".") {
		if part == "" {
			continue
		}
		var idx []int
		for strings.HasSuffix(part, "]") {
			open := strings.LastIndex(part, "[")
			if open < 0 {
				break
			}
			i, err := strconv.Atoi(part[open+1 : len(part)-1])
			if err != nil || i < 0 {
				break
			}
			idx = append([]int{i}, idx...)
			part = part[:open]
		}
		if part != "" {
			k := part
			steps = append(steps, step{key: &k})
		}
		for _, i := range idx {
			steps = append(steps, step{index: i})
		}
	}
	return steps
}
