package resourcelist

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/yamlprint"
)

// Writer writes a List back as kyaml's framework writes a ResourceList:
// apiVersion, kind, items, functionConfig, results. Items go out one at a
// time, as soon as they are given.
type Writer struct {
	w       *bufio.Writer
	list    *List
	started bool
	enc     []byte // what encode printed last
	before  []byte // itemByKyaml's item as printed before it changes
}

// NewWriter returns a Writer of l's items and fields to w.
func (l *List) NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 64<<10), list: l}
}

func (w *Writer) header(items bool) error {
	if w.started {
		return nil
	}
	w.started = true
	head := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "apiVersion"},
		{Kind: yaml.ScalarNode, Value: w.list.APIVersion},
		{Kind: yaml.ScalarNode, Value: "kind"},
		{Kind: yaml.ScalarNode, Value: w.list.Kind},
	}}
	if !items {
		head.Content = append(head.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "items"}, &yaml.Node{Kind: yaml.SequenceNode})
	}
	if err := w.encode(head); err != nil {
		return err
	}
	if _, err := w.w.Write(w.enc); err != nil {
		return err
	}
	if items {
		_, err := w.w.WriteString("items:\n")
		return err
	}
	return nil
}

// encode prints n into w.enc as kyaml's encoder does: with yamlprint,
// which writes the encoder's bytes, or with the encoder for what yamlprint
// does not print (anchors, aliases, comments in flow style, kept tags).
func (w *Writer) encode(n *yaml.Node) error {
	var ok bool
	if w.enc, ok = yamlprint.Append(w.enc[:0], n); ok {
		return nil
	}
	buf := bytes.NewBuffer(w.enc[:0])
	e := yaml.NewEncoder(buf)
	if err := e.Encode(n); err != nil {
		return err
	}
	err := e.Close()
	w.enc = buf.Bytes()
	return err
}

// Item writes it as it came in, with what kyaml adds to it or drops from
// it on the way.
func (w *Writer) Item(it *Item) error {
	if err := w.header(true); err != nil {
		return err
	}
	defer w.list.written(it.Index + 1)
	if it.parsed && it.mayChange {
		return w.itemByKyaml(it)
	}
	add, ok := w.list.fillIn(it)
	if !ok {
		return w.itemByKyaml(it)
	}
	if len(add) == 0 {
		_, err := w.w.Write(it.raw)
		return err
	}
	if _, err := w.w.Write(it.raw[:it.annoEnd]); err != nil {
		return err
	}
	if _, err := w.w.Write(add); err != nil {
		return err
	}
	_, err := w.w.Write(it.raw[it.annoEnd:])
	return err
}

// Rewrites reports whether Item writes it otherwise than as its bytes:
// printed again by kyaml, which changes it on the way.
func (l *List) Rewrites(it *Item) bool {
	if it.parsed && it.mayChange {
		return true
	}
	_, ok := l.fillIn(it)
	return !ok
}

// itemByKyaml writes an item that kyaml changes in ways the fast path does
// not copy line by line: parsed, changed as kyaml changes it, printed as
// kyaml prints it; or, when kyaml leaves it as it is, its bytes.
func (w *Writer) itemByKyaml(it *Item) error {
	n, err := it.parse()
	if err != nil {
		return err
	}
	if err := w.encode(seqOf(n.YNode())); err != nil {
		return fmt.Errorf("item %d: %w", it.Index, err)
	}
	w.before = append(w.before[:0], w.enc...)
	if n, err = it.Node(); err != nil {
		return err
	}
	if err := w.list.reconcile(n, it); err != nil {
		return err
	}
	if err := w.encode(seqOf(n.YNode())); err != nil {
		return fmt.Errorf("item %d: %w", it.Index, err)
	}
	if bytes.Equal(w.before, w.enc) {
		_, err = w.w.Write(it.raw)
		return err
	}
	_, err = w.w.Write(w.enc)
	return err
}

func seqOf(n *yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}}
}

// Node writes an object that the function made or changed from the item
// from (whose Node it came from; nil for an object made from none): with
// the path, index and id annotations kyaml would give it, printed as kyaml
// prints it.
func (w *Writer) Node(n *yaml.RNode, from *Item) error {
	if err := w.header(true); err != nil {
		return err
	}
	if from != nil {
		defer w.list.written(from.Index)
	}
	if err := w.list.reconcile(n, from); err != nil {
		return err
	}
	if err := w.encode(seqOf(n.YNode())); err != nil {
		return fmt.Errorf("writing an object: %w", err)
	}
	_, err := w.w.Write(w.enc)
	return err
}

// Close writes the functionConfig and the results (the list's own when
// results is nil) and flushes.
func (w *Writer) Close(results *yaml.RNode) error {
	if err := w.header(false); err != nil {
		return err
	}
	if results == nil {
		results = w.list.Results
	}
	tail := &yaml.Node{Kind: yaml.MappingNode}
	if fc := w.list.FunctionConfig; fc != nil {
		tail.Content = append(tail.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "functionConfig"}, fc.YNode())
	}
	if results != nil {
		tail.Content = append(tail.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "results"}, results.YNode())
	}
	if len(tail.Content) > 0 {
		if err := w.encode(tail); err != nil {
			return err
		}
		if _, err := w.w.Write(w.enc); err != nil {
			return err
		}
	}
	return w.w.Flush()
}
