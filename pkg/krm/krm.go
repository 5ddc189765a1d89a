// Package krm runs mirrorset as a KRM function: it reads a ResourceList,
// hands the mirror objects to transform, writes the list back with the
// results, and reports errors on stderr too, where kustomize and Argo CD show
// them. Items it does not own go through untouched.
package krm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/check"
	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/transform"
)

// Run runs the function on the ResourceList in stdin and returns the exit
// code: 0, or 1 when any result is an error.
func Run(stdin io.Reader, stdout, stderr io.Writer) int {
	var results fn.Results
	p := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		results = Process(rl)
		rl.Results = frameworkResults(results)
		return nil
	})
	var out bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: stdin, Writer: &out, KeepReaderAnnotations: true}
	if err := framework.Execute(p, rw); err != nil {
		results = append(results, &fn.Result{Severity: fn.Error, Message: "reading the ResourceList: " + err.Error()})
		out.Reset()
		writeResultsOnly(&out, results)
	}
	report(stderr, results)
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "error: writing the ResourceList: %v\n", err)
		return 1
	}
	if failed(results) {
		return 1
	}
	return 0
}

func failed(rs fn.Results) bool {
	for _, r := range rs {
		if r.Severity == fn.Error {
			return true
		}
	}
	return false
}

// report writes errors and warnings to stderr, one line each.
func report(w io.Writer, rs fn.Results) {
	for _, r := range rs {
		if r.Severity == fn.Error || r.Severity == fn.Warning {
			fmt.Fprintf(w, "%s: %s\n", r.Severity, r.Message)
		}
	}
}

// writeResultsOnly writes a ResourceList that carries only results, for an
// input that could not be read as one.
func writeResultsOnly(w io.Writer, rs fn.Results) {
	rl := struct {
		APIVersion string     `yaml:"apiVersion"`
		Kind       string     `yaml:"kind"`
		Items      []struct{} `yaml:"items"`
		Results    fn.Results `yaml:"results"`
	}{"config.kubernetes.io/v1", "ResourceList", []struct{}{}, rs}
	b, err := yaml.Marshal(rl)
	if err != nil {
		return
	}
	_, _ = w.Write(b)
}

// Process runs mirrorset on rl, replacing its items when nothing failed, and
// returns the results.
func Process(rl *framework.ResourceList) fn.Results {
	cfg, err := config.Parse(rl.FunctionConfig)
	if err != nil {
		return fn.Results{configResult(rl.FunctionConfig, err)}
	}
	items, flattened := flattenLists(rl.Items)
	var results fn.Results
	var sets []*mirror.Set
	owned := map[int]bool{}
	for i, n := range items {
		if !owns(n) {
			continue
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
			results = append(results, check.Result(fn.Warning, set, w.Field, w.Msg))
		}
		if err != nil {
			var fe *mirror.FieldError
			if errors.As(err, &fe) {
				results = append(results, check.Result(fn.Error, set, fe.Field, fe.Msg))
			} else {
				results = append(results, check.Result(fn.Error, set, "", err.Error()))
			}
			continue
		}
		sets = append(sets, set)
	}
	img, imgResults := clusterImage(items)
	results = append(results, imgResults...)
	if failed(results) {
		return results
	}
	out := transform.Run(cfg, sets)
	results = append(results, out.Results...)
	if out.Failed() {
		return results
	}
	var first *yaml.RNode
	if len(out.Outs) > 0 {
		first = items[out.Outs[0].Item]
	}
	view, preview, err := nodeView(cfg, img, out.Outs, first)
	if err != nil {
		return append(results, &fn.Result{Severity: fn.Error, Message: err.Error()})
	}
	results = append(results, view...)
	if failed(results) {
		return results
	}
	newItems, err := rebuild(items, owned, out.Outs)
	if err != nil {
		return append(results, &fn.Result{Severity: fn.Error, Message: "writing the output: " + err.Error()})
	}
	if preview != nil {
		newItems = replacePreview(newItems, preview)
	}
	for _, l := range flattened {
		results = append(results, &fn.Result{Severity: fn.Info, Message: l})
	}
	rl.Items = newItems
	return results
}

// owns reports whether mirrorset handles the item: a mirror object that is
// not local config (kpt and kustomize keep local config off the cluster).
func owns(n *yaml.RNode) bool {
	if _, ok := mirror.KindOf(n.GetApiVersion(), n.GetKind()); !ok {
		return false
	}
	return n.GetAnnotations()[localConfig] != "true"
}

// listKinds are the list kinds whose mirror objects mirrorset takes out:
// `oc get icsp -o yaml` prints a v1 List, and the API's own list kinds.
func isList(n *yaml.RNode) bool {
	switch n.GetKind() {
	case "List":
		return n.GetApiVersion() == "v1"
	case string(mirror.ICSP) + "List", string(mirror.IDMS) + "List", string(mirror.ITMS) + "List":
		return true
	}
	return false
}

// flattenLists replaces each list item that holds a mirror object by its
// elements, which take the list's place and file. Lists without mirror
// objects stay as they are.
func flattenLists(items []*yaml.RNode) ([]*yaml.RNode, []string) {
	var out []*yaml.RNode
	var notes []string
	for _, n := range items {
		if !isList(n) || n.GetAnnotations()[localConfig] == "true" {
			out = append(out, n)
			continue
		}
		elems, err := n.Pipe(yaml.Lookup("items"))
		if err != nil || elems == nil || elems.YNode().Kind != yaml.SequenceNode {
			out = append(out, n)
			continue
		}
		elemKind := strings.TrimSuffix(n.GetKind(), "List")
		var expanded []*yaml.RNode
		hasMirror := false
		for _, e := range elems.Content() {
			en := yaml.NewRNode(e)
			if e.Kind != yaml.MappingNode {
				expanded = nil
				break
			}
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
			out = append(out, n)
			continue
		}
		for _, en := range expanded {
			copyFileAnnotations(n, en)
		}
		out = append(out, expanded...)
		notes = append(notes, fmt.Sprintf("%s %s%s: replaced by the %d %s it held", n.GetKind(), quoteName(n.GetName()), inFile(n), len(expanded), plural(len(expanded), "item", "items")))
	}
	return out, notes
}

func quoteName(name string) string {
	if name == "" {
		return "(no name)"
	}
	return strconv.Quote(name)
}

func inFile(n *yaml.RNode) string {
	if p := n.GetAnnotations()[kioutil.PathAnnotation]; p != "" {
		return " in " + p
	}
	return ""
}

// fileAnnotations are the annotations that tie an item to its place in a
// file, and to the framework's record of the item, which new items beside
// it share.
var fileAnnotations = []string{
	kioutil.PathAnnotation, kioutil.IndexAnnotation,
	kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation,
	kioutil.InternalAnnotationsMigrationResourceIDAnnotation,
}

func copyFileAnnotations(from, to *yaml.RNode) {
	a := from.GetAnnotations()
	for _, k := range fileAnnotations {
		if v, ok := a[k]; ok {
			_ = to.PipeE(yaml.SetAnnotation(k, v))
		}
	}
}

func fileAnnotationsOf(n *yaml.RNode) map[string]string {
	a := n.GetAnnotations()
	out := map[string]string{}
	for _, k := range fileAnnotations {
		if v, ok := a[k]; ok {
			out[k] = v
		}
	}
	return out
}

// rebuild writes the output items: unowned items as they came, and for each
// owned item the objects transform put at its place.
func rebuild(items []*yaml.RNode, owned map[int]bool, outs []transform.Out) ([]*yaml.RNode, error) {
	at := map[int][]transform.Out{}
	for _, o := range outs {
		at[o.Item] = append(at[o.Item], o)
	}
	out := make([]*yaml.RNode, 0, len(items))
	for i, n := range items {
		if !owned[i] {
			out = append(out, n)
			continue
		}
		for _, o := range at[i] {
			switch o.How {
			case transform.Unchanged:
				out = append(out, n)
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
	}
	return out, nil
}

func configResult(cfg *yaml.RNode, err error) *fn.Result {
	r := &fn.Result{Severity: fn.Error, Message: err.Error()}
	if cfg != nil {
		r.ResourceRef = &fn.ResourceRef{APIVersion: cfg.GetApiVersion(), Kind: cfg.GetKind(), Name: cfg.GetName()}
		var ce *config.Error
		if errors.As(err, &ce) && ce.Field != "" {
			r.Field = &fn.Field{Path: ce.Field}
		}
	}
	return r
}

// frameworkResults converts results to the framework's type, which the
// framework writes into the ResourceList.
func frameworkResults(rs fn.Results) framework.Results {
	out := make(framework.Results, 0, len(rs))
	for _, r := range rs {
		fr := &framework.Result{Message: r.Message, Severity: framework.Severity(r.Severity)}
		if r.ResourceRef != nil {
			fr.ResourceRef = &yaml.ResourceIdentifier{
				TypeMeta: yaml.TypeMeta{APIVersion: r.ResourceRef.APIVersion, Kind: r.ResourceRef.Kind},
				NameMeta: yaml.NameMeta{Name: r.ResourceRef.Name, Namespace: r.ResourceRef.Namespace},
			}
		}
		if r.Field != nil {
			fr.Field = &framework.Field{Path: r.Field.Path}
		}
		if r.File != nil {
			fr.File = &framework.File{Path: r.File.Path, Index: r.File.Index}
		}
		out = append(out, fr)
	}
	return out
}

// localConfig marks items that kpt and kustomize keep off the cluster.
const localConfig = "config.kubernetes.io/local-config"

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// replacePreview puts the preview ConfigMap at the end of the list, in
// place of the one an earlier run left there, so that runs do not pile up.
func replacePreview(items []*yaml.RNode, preview *yaml.RNode) []*yaml.RNode {
	out := items[:0]
	for _, n := range items {
		if n.GetApiVersion() == "v1" && n.GetKind() == "ConfigMap" && n.GetName() == PreviewName && n.GetAnnotations()[localConfig] == "true" {
			continue
		}
		out = append(out, n)
	}
	return append(out, preview)
}
