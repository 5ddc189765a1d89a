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

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/hugeheap"
	"github.com/mirrorset/mirrorset/pkg/inputlimit"
	"github.com/mirrorset/mirrorset/pkg/resourcelist"
	"github.com/mirrorset/mirrorset/pkg/result"
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
	// The collector's settings are the process's: of runs side by side
	// (tests), one tunes them.
	tune := tuning.TryLock()
	gc := func() {}
	if tune {
		defer tuning.Unlock()
		gc = fewerCollections()
	}
	defer gc()
	growPipe(stdin)
	lr := lim.NewReader(stdin) // the size and line limits hold on both paths
	pre := newPredecoder()
	// The items' bytes count, not lr.N(): the input is read ahead on
	// another goroutine.
	reserve, itemBytes := tune, 0 // the collector's settings are this run's to change
	l, err := resourcelist.ReadEach(lr, func(it *resourcelist.Item) {
		pre.offer(it)
		if reserve {
			if itemBytes += len(it.Raw()); itemBytes >= reserveAfter {
				reserve = false
				if hugeheap.Reserve(heapReserve) {
					debugf(stderr, "heap: %d MiB reserved in huge pages after %d items", heapReserve>>20, it.Index+1)
				}
			}
		}
	})
	read := pre.wait()
	if lerr := lr.Err(); lerr != nil {
		return refuse(stdout, stderr, readError(lerr))
	}
	if err != nil {
		var fb *resourcelist.Fallback
		if !errors.As(err, &fb) {
			fb = &resourcelist.Fallback{Reason: err.Error(), Input: stdin}
		}
		debugf(stderr, "full parse: %s", fb.Reason)
		gc() // the full parse has its own limit
		return RunFull(fb.Input, stdout, stderr)
	}
	defer l.Close()
	l.Release() // decide reads a few items again, and the write each once
	if lr.N() >= largeInput {
		gc() // limitMemory's turn
	}
	code, replay := runFast(l, lr.N(), read, tune, stdout, stderr)
	if replay != nil {
		gc()
		return RunFull(replay, stdout, stderr)
	}
	return code
}

// RunFull is Run on the full parse: kyaml reads the whole list into trees
// and prints it again, as its framework does (processList). Run falls back
// to it; the tests compare the two.
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
	var out bytes.Buffer
	results, err := processList(data, &out)
	if err != nil {
		// kyaml's errors can span lines ("node contents:"): one line each
		// on stderr.
		msg := strings.Join(strings.Fields(err.Error()), " ")
		results = append(results, &result.Result{Severity: result.Error, Message: "reading the ResourceList: " + msg})
		out.Reset()
		writeResultsOnly(&out, results)
	}
	report(stderr, results)
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "error: writing the ResourceList: %v\n", err)
		return 1
	}
	if result.Failed(results) {
		return 1
	}
	return 0
}

// processList is what kyaml's framework.Execute does for a function, without
// the framework's packages (openapi validation, which mirrorset does not
// use, costs a fifth of a no-op function's start): read the list with
// kio, keep the internal and legacy file annotations in step, process, and
// write the list back with the results.
func processList(data []byte, out io.Writer) (result.Results, error) {
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(data), Writer: out, KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil {
		return nil, err
	}
	annos, err := kio.PreprocessResourcesForInternalAnnotationMigration(items)
	if err != nil {
		return nil, err
	}
	var results result.Results
	if err := resolveAliases(rw.FunctionConfig, items); err != nil {
		results = result.Results{{Severity: result.Error, Message: "reading the ResourceList: " + err.Error()}}
	} else {
		items, results = Process(items, rw.FunctionConfig)
	}
	if err := kio.ReconcileInternalAnnotations(items, annos); err != nil {
		return results, err
	}
	if len(results) > 0 {
		n, err := resultsNode(results)
		if err != nil {
			return results, err
		}
		rw.Results = n
	}
	return results, rw.Write(items)
}

// resultsNode is results as the node that goes into the list's results:
// built as yaml.Marshal and a parse would give it, or so made.
func resultsNode(rs result.Results) (*yaml.RNode, error) {
	if n, ok := result.Node(rs); ok {
		return yaml.NewRNode(n), nil
	}
	b, err := yaml.Marshal(rs)
	if err != nil {
		return nil, err
	}
	return yaml.Parse(string(b))
}

// debugf writes a line to stderr when MIRRORSET_DEBUG is set.
func debugf(stderr io.Writer, format string, args ...any) {
	if os.Getenv("MIRRORSET_DEBUG") != "" {
		fmt.Fprintf(stderr, "debug: "+format+"\n", args...)
	}
}

// report writes errors and warnings to stderr, one line each, and the
// nodes result when the rewrite drains or reboots the nodes.
func report(w io.Writer, rs result.Results) {
	for _, r := range rs {
		if r.Severity == result.Error || r.Severity == result.Warning || loudNodes(r) {
			fmt.Fprintf(w, "%s: %s\n", r.Severity, oneLine.Replace(r.Message))
		}
	}
}

// oneLine escapes the line breaks that names and values from the input can
// bring into a message, so that each result is one line on stderr.
var oneLine = strings.NewReplacer("\r\n", `\r\n`, "\n", `\n`, "\r", `\r`)

// writeResultsOnly writes a ResourceList that carries only results, for an
// input that could not be read as one.
func writeResultsOnly(w io.Writer, rs result.Results) {
	rl := struct {
		APIVersion string         `yaml:"apiVersion"`
		Kind       string         `yaml:"kind"`
		Items      []struct{}     `yaml:"items"`
		Results    result.Results `yaml:"results"`
	}{"config.kubernetes.io/v1", "ResourceList", []struct{}{}, rs}
	b, err := yaml.Marshal(rl)
	if err != nil {
		return
	}
	_, _ = w.Write(b)
}

// Process runs mirrorset on the items and the functionConfig of a list,
// and returns the items to write (the input's when anything failed) and the
// results. It is the full parse's processing; the fast path
// shares decide and outputs with it.
func Process(items []*yaml.RNode, functionConfig *yaml.RNode) ([]*yaml.RNode, result.Results) {
	entries := make([]*entry, len(items))
	for i, n := range items {
		entries[i] = nodeEntry(n, nil)
	}
	p, results, err := decide(functionConfig, entries, map[string]string{}, nil)
	if err != nil {
		return items, append(results, &result.Result{Severity: result.Error, Message: "reading the items: " + err.Error()})
	}
	if p == nil {
		return items, results
	}
	var out []*yaml.RNode
	for i, e := range p.entries {
		nodes, err := p.outputs(i)
		if err != nil {
			return items, append(results, &result.Result{Severity: result.Error, Message: "writing the output: " + err.Error()})
		}
		for _, n := range nodes {
			if n == nil {
				n = e.node
			}
			out = append(out, n)
		}
	}
	if p.preview != nil {
		out = append(out, p.preview)
	}
	for _, l := range p.notes {
		results = append(results, &result.Result{Severity: result.Info, Message: l})
	}
	return out, results
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

func configResult(cfg *yaml.RNode, err error) *result.Result {
	r := &result.Result{Severity: result.Error, Message: err.Error()}
	if cfg != nil && cfg.YNode().Kind == yaml.MappingNode {
		r.ResourceRef = &result.ResourceRef{APIVersion: cfg.GetApiVersion(), Kind: cfg.GetKind(), Name: cfg.GetName()}
		r.File = resultFile(cfg)
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
				r.Field = &result.Field{Path: ce.Field}
			}
		}
	}
	return r
}

// localConfig marks items that kpt and kustomize keep off the cluster.
const localConfig = "config.kubernetes.io/local-config"

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
