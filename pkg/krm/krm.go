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
	"os"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/inputlimit"
	"github.com/mirrorset/mirrorset/pkg/resourcelist"
)

// Run runs the function on the ResourceList in stdin and returns the exit
// code: 0, or 1 when any result is an error. It takes the fast path
// (package resourcelist: items that mirrorset does not own go through as
// their bytes) unless the input is in a form that needs the full parse;
// both give the same output. MIRRORSET_DEBUG=1 says on stderr which path
// ran, and why.
func Run(stdin io.Reader, stdout, stderr io.Writer) int {
	lim, err := inputLimits()
	if err != nil {
		return refuse(stdout, stderr, err)
	}
	lr := lim.NewReader(stdin) // the size and line limits hold on both paths
	l, err := resourcelist.Read(lr)
	if lerr := lr.Err(); lerr != nil {
		return refuse(stdout, stderr, readError(lerr))
	}
	if err != nil {
		var fb *resourcelist.Fallback
		if !errors.As(err, &fb) {
			fb = &resourcelist.Fallback{Reason: err.Error(), Input: stdin}
		}
		debugf(stderr, "full parse: %s", fb.Reason)
		return RunFull(fb.Input, stdout, stderr)
	}
	code, replay := runFast(l, stdout, stderr)
	if replay != nil {
		return RunFull(replay, stdout, stderr)
	}
	return code
}

// RunFull is Run on the full parse: kyaml's framework reads the whole list
// into trees and prints it again. Run falls back to it; the tests compare
// the two.
func RunFull(stdin io.Reader, stdout, stderr io.Writer) int {
	lim, err := inputLimits()
	if err != nil {
		return refuse(stdout, stderr, err)
	}
	defer inputlimit.SetSoftMemoryLimit(os.LookupEnv)()
	data, err := readWhole(stdin, lim)
	if err != nil {
		return refuse(stdout, stderr, err)
	}
	var results fn.Results
	p := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		if err := resolveAliases(rl); err != nil {
			results = fn.Results{{Severity: fn.Error, Message: "reading the ResourceList: " + err.Error()}}
		} else {
			results = Process(rl)
		}
		rl.Results = frameworkResults(results)
		return nil
	})
	var out bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(data), Writer: &out, KeepReaderAnnotations: true}
	if err := framework.Execute(p, rw); err != nil {
		// kyaml's errors can span lines ("node contents:"): one line each
		// on stderr.
		msg := strings.Join(strings.Fields(err.Error()), " ")
		results = append(results, &fn.Result{Severity: fn.Error, Message: "reading the ResourceList: " + msg})
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

// debugf writes a line to stderr when MIRRORSET_DEBUG is set.
func debugf(stderr io.Writer, format string, args ...any) {
	if os.Getenv("MIRRORSET_DEBUG") != "" {
		fmt.Fprintf(stderr, "debug: "+format+"\n", args...)
	}
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
			fmt.Fprintf(w, "%s: %s\n", r.Severity, oneLine.Replace(r.Message))
		}
	}
}

// oneLine escapes the line breaks that names and values from the input can
// bring into a message, so that each result is one line on stderr.
var oneLine = strings.NewReplacer("\r\n", `\r\n`, "\n", `\n`, "\r", `\r`)

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
// returns the results. It is the full parse's processing; the fast path
// shares decide and outputs with it.
func Process(rl *framework.ResourceList) fn.Results {
	entries := make([]*entry, len(rl.Items))
	for i, n := range rl.Items {
		entries[i] = nodeEntry(n, nil)
	}
	p, results, err := decide(rl.FunctionConfig, entries)
	if err != nil {
		return append(results, &fn.Result{Severity: fn.Error, Message: "reading the items: " + err.Error()})
	}
	if p == nil {
		return results
	}
	var items []*yaml.RNode
	for i, e := range p.entries {
		nodes, err := p.outputs(i)
		if err != nil {
			return append(results, &fn.Result{Severity: fn.Error, Message: "writing the output: " + err.Error()})
		}
		for _, n := range nodes {
			if n == nil {
				n = e.node
			}
			items = append(items, n)
		}
	}
	if p.preview != nil {
		items = append(items, p.preview)
	}
	for _, l := range p.notes {
		results = append(results, &fn.Result{Severity: fn.Info, Message: l})
	}
	rl.Items = items
	return results
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

func configResult(cfg *yaml.RNode, err error) *fn.Result {
	r := &fn.Result{Severity: fn.Error, Message: err.Error()}
	if cfg != nil && cfg.YNode().Kind == yaml.MappingNode {
		r.ResourceRef = &fn.ResourceRef{APIVersion: cfg.GetApiVersion(), Kind: cfg.GetKind(), Name: cfg.GetName()}
		var ce *config.Error
		if errors.As(err, &ce) {
			// As the other messages: the object, its file, the field.
			what := "functionConfig " + plainOrQuoted(cfg.GetKind())
			if cfg.GetKind() == "" {
				what = "functionConfig (no kind)"
			}
			r.Message = fmt.Sprintf("%s %s%s: %s", what, quoteName(cfg.GetName()), inFile(cfg), ce.Msg)
			if ce.Field != "" {
				r.Message = fmt.Sprintf("%s %s%s: %s: %s", what, quoteName(cfg.GetName()), inFile(cfg), ce.Field, ce.Msg)
				r.Field = &fn.Field{Path: ce.Field}
			}
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
