package krm

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/inputlimit"
	"github.com/mirrorset/mirrorset/pkg/resourcelist"
	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// accepted says what mirrorset reads, for the messages about what it does not.
const accepted = "mirrorset reads a ResourceList (apiVersion: config.kubernetes.io/v1, kind: ResourceList, items: [...]) on stdin, as kpt and kustomize send it; for plain YAML files, use mirrorset migrate"

// inputLimits returns the limits on the input: the defaults, changed by the
// MIRRORSET_MAX_* environment variables.
func inputLimits() (inputlimit.Limits, error) {
	return inputlimit.FromEnv(os.LookupEnv)
}

// refuse writes a ResourceList that carries only the error, and reports it
// on stderr: the input could not be read as a ResourceList, or not within
// the limits. It returns the exit code.
func refuse(stdout, stderr io.Writer, err error) int {
	rs := result.Results{{Severity: result.Error, Message: err.Error()}}
	report(stderr, rs)
	var out bytes.Buffer
	writeResultsOnly(&out, rs)
	if _, werr := stdout.Write(out.Bytes()); werr != nil {
		fmt.Fprintf(stderr, "error: writing the ResourceList: %v\n", werr)
	}
	return 1
}

// readWhole reads the input for the full parse and checks it first, since
// kyaml's reader parses everything whatever its cost and reads some wrong
// forms wrongly: a list whose items are not a list comes out empty, and
// input that is no ResourceList comes out as one item. It refuses, with a
// message that says what is wrong and where: input over the size and line
// limits; text that may hold too many YAML nodes to parse; YAML that does
// not parse; a tree that nests too deeply, holds too many nodes, items or
// too large scalars, or whose aliases expand too far; and anything that is
// not one ResourceList (or v1 List, which kyaml reads too) with a list of
// objects as items.
func readWhole(r io.Reader, lim inputlimit.Limits) ([]byte, error) {
	data, err := lim.ReadAll(r)
	if err != nil {
		return nil, readError(err)
	}
	if err := lim.CheckEstimate(data); err != nil {
		return nil, readError(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	c := lim.NewChecker()
	var root *yaml.Node
	docs := 0
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, notYAML(err, data, lim)
		}
		if err := c.Check(&doc); err != nil {
			return nil, readError(err)
		}
		if len(doc.Content) == 0 || yamlfield.IsNull(doc.Content[0]) {
			continue // an empty document, as "---" alone makes
		}
		docs++
		root = doc.Content[0]
	}
	switch {
	case docs == 0:
		return nil, fmt.Errorf("reading the ResourceList: the input is empty; %s", accepted)
	case docs > 1:
		return nil, fmt.Errorf("reading the ResourceList: the input holds %d YAML documents, not one ResourceList; %s", docs, accepted)
	}
	// kyaml splits the input at every "---" line after the first, and
	// unwraps the list only when that leaves one part, even if the others
	// are empty: otherwise the list would go through as an item.
	normal := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	if loc := kyamlSeparator().FindIndex(normal); loc != nil {
		line := bytes.Count(normal[:loc[0]+1], []byte("\n")) + 1
		return nil, fmt.Errorf("reading the ResourceList: line %d: a document separator (---) after the first line; a ResourceList is one YAML document: remove the separator and any other document", line)
	}
	return data, checkShape(root, lim)
}

// kyamlSeparator is where kyaml's reader splits documents; compiled when
// the full parse needs it, not at start.
var kyamlSeparator = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\n---.*\n`) })

func readError(err error) error {
	return fmt.Errorf("reading the ResourceList: %w", err)
}

// notYAML words a parse error: yaml.v3 says "yaml: line 3: ...".
func notYAML(err error, data []byte, lim inputlimit.Limits) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	_, scanErr := fmt.Sscanf(msg, "line %d:", &line)
	if strings.HasSuffix(msg, "exceeded max depth of 10000") {
		return fmt.Errorf("reading the ResourceList: line %d: collections nest deeper than 10000 levels, the most the YAML parser reads (mirrorset's own limit, %s, is %d)", line, inputlimit.EnvMaxDepth, lim.MaxDepth)
	}
	keyError := strings.Contains(msg, "could not find expected ':'") || strings.Contains(msg, "mapping values are not allowed")
	if scanErr == nil && keyError {
		if l := lineOf(data, line); len(l) > 1024 {
			// yaml.v3 refuses implicit keys of over 1024 characters with
			// words that do not say so.
			msg += fmt.Sprintf(" (the line is %d bytes long: a key of over 1024 characters must be written as an explicit key, \"? key\")", len(l))
		}
	}
	return fmt.Errorf("reading the ResourceList: the input is not valid YAML: %s; %s", msg, accepted)
}

// lineOf returns line n (from 1) of data.
func lineOf(data []byte, n int) []byte {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return nil
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return data
}

// checkShape checks that root is what kyaml unwraps as a ResourceList: a map
// with kind ResourceList (or a v1 List), and items that are a list of
// objects; kyaml would drop anything else silently or fail on it obscurely.
func checkShape(root *yaml.Node, lim inputlimit.Limits) error {
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("reading the ResourceList: the input is not a ResourceList but %s; %s", describe(root), accepted)
	}
	kind, apiVersion := scalarField(root, "kind"), scalarField(root, "apiVersion")
	switch {
	case kind == "ResourceList", kind == "List" && apiVersion == "v1":
	case kind == "":
		return fmt.Errorf("reading the ResourceList: the input is not a ResourceList: it has no kind; %s", accepted)
	default:
		return fmt.Errorf("reading the ResourceList: the input is not a ResourceList but kind %q (apiVersion %q); %s", kind, apiVersion, accepted)
	}
	if err := checkMetadata(root, kind); err != nil {
		return err
	}
	items, fc := field(root, "items"), field(root, "functionConfig")
	if items == nil && fc == nil {
		return fmt.Errorf("%s: items: is missing; write items: [] for a list without items", kind)
	}
	if fc != nil && fc.Kind != yaml.MappingNode && !yamlfield.IsNull(fc) {
		return fmt.Errorf("%s: functionConfig: must be a ConfigMap or a fn.kpt.dev/v1alpha1 MirrorSetConfig, got %s", kind, describe(fc))
	}
	if items == nil || yamlfield.IsNull(items) {
		return nil
	}
	if items.Kind == yaml.AliasNode {
		return fmt.Errorf("%s: items: is an alias (*%s); write the list out, since kyaml does not follow an alias there", kind, items.Value)
	}
	if items.Kind != yaml.SequenceNode {
		return fmt.Errorf("%s: items: must be a list of objects, got %s; write items: [] for a list without items", kind, describe(items))
	}
	if max := lim.MaxItems; max > 0 && len(items.Content) > max {
		return readError(&inputlimit.Error{Env: inputlimit.EnvMaxItems, Limit: int64(max), Line: items.Line,
			Msg: fmt.Sprintf("the list has %d items, more than %d", len(items.Content), max)})
	}
	for i, it := range items.Content {
		if it.Kind != yaml.MappingNode {
			return fmt.Errorf("%s: items[%d] (line %d): must be an object (a map with apiVersion, kind and metadata), got %s", kind, i, it.Line, describe(it))
		}
		if err := checkMetadata(it, itemRef(it, i)); err != nil {
			return err
		}
	}
	return nil
}

// itemRef names an item for a message: its kind and name where it has
// them, its place in the list and its line.
func itemRef(it *yaml.Node, i int) string {
	where := fmt.Sprintf("items[%d], line %d", i, it.Line)
	kind := scalarField(it, "kind")
	if kind == "" {
		return "ResourceList: " + where
	}
	name := ""
	if meta := field(it, "metadata"); meta != nil && meta.Kind == yaml.MappingNode {
		name = scalarField(meta, "name")
	}
	if name == "" {
		return fmt.Sprintf("%s (%s)", plainOrQuoted(kind), where)
	}
	return fmt.Sprintf("%s %q (%s)", plainOrQuoted(kind), name, where)
}

// plainOrQuoted returns s as it is when it is one plain word, as kinds
// are, and quoted otherwise.
func plainOrQuoted(s string) string {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._/-", c)) {
			return strconv.Quote(s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}

// checkMetadata checks that an object's metadata and its annotations are
// maps where present (yamlfield.BadMetadata).
func checkMetadata(obj *yaml.Node, what string) error {
	if field, want, got := yamlfield.BadMetadata(obj); got != nil {
		return fmt.Errorf("%s: %s: must be %s, got %s", what, field, want, describe(got))
	}
	return nil
}

func field(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func scalarField(m *yaml.Node, key string) string {
	if v := field(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// describe says what n is, for messages about the ResourceList's shape,
// where kyaml does not follow aliases.
func describe(n *yaml.Node) string {
	if n.Kind == yaml.AliasNode {
		return yamlfield.Describe(n) + ", which kyaml does not follow there; write the value out"
	}
	return yamlfield.Describe(n)
}

// resolveAliases expands the aliases of the functionConfig and of every
// item that has any: mirrorset reads trees field by field, and an alias
// whose anchor is in an object that mirrorset replaces would dangle in the
// output. readWhole refused input whose aliases expand too far, so this is
// bounded; anchors that no alias uses any more are harmless and stay.
func resolveAliases(functionConfig *yaml.RNode, items []*yaml.RNode) error {
	if functionConfig != nil && hasAliases(functionConfig.YNode()) {
		if err := functionConfig.DeAnchor(); err != nil {
			return fmt.Errorf("functionConfig: %w", err)
		}
	}
	for i, n := range items {
		if !hasAliases(n.YNode()) {
			continue
		}
		if err := n.DeAnchor(); err != nil {
			return fmt.Errorf("items[%d]: %w", i, err)
		}
	}
	return nil
}

func hasAliases(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode {
		return true
	}
	for _, c := range n.Content {
		if hasAliases(c) {
			return true
		}
	}
	return false
}

// fastPathBudget keeps the fast path's parses of single items within the
// limits, counted across the items it parses. An item over them sends the
// input to the full parse, which refuses it with the whole input in view.
type fastPathBudget struct {
	// mu guards the counts: the nodes result and the image check read
	// items side by side (decideAll). The verdict does not depend on their
	// order, since the counts only add up.
	mu      sync.Mutex
	lim     inputlimit.Limits
	checker *inputlimit.Checker
	nodes   int // estimated nodes of the items parsed
	seen    map[*resourcelist.Item]bool
}

func newFastPathBudget(lim inputlimit.Limits) *fastPathBudget {
	return &fastPathBudget{lim: lim, checker: lim.NewChecker(), seen: map[*resourcelist.Item]bool{}}
}

// parse parses the item with parse (the item's Node or Tree), checking its
// bytes before the first parse and its tree after it.
func (b *fastPathBudget) parse(it *resourcelist.Item, parse func() (*yaml.RNode, error)) (*yaml.RNode, error) {
	b.mu.Lock()
	first := !b.seen[it]
	if first {
		b.seen[it] = true
		b.nodes += inputlimit.EstimateNodes(it.Raw())
		if max := b.lim.MaxNodes; max > 0 && b.nodes > inputlimit.EstimateFactor*max {
			b.mu.Unlock()
			return nil, &inputlimit.Error{Env: inputlimit.EnvMaxNodes, Limit: int64(max), Msg: "the items to parse may hold too many YAML nodes"}
		}
	}
	b.mu.Unlock()
	n, err := parse()
	if err != nil || !first {
		return n, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return n, b.checker.Check(n.YNode())
}

// count is parse for an item read without a tree
// (resourcelist.Item.Strings): its size goes into the counts as its tree's
// would. It reports false, counting nothing, when the item is over the
// limits: the caller then parses it, and parse says why.
func (b *fastPathBudget) count(it *resourcelist.Item, size resourcelist.Size, est int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seen[it] {
		return true
	}
	if max := b.lim.MaxNodes; max > 0 && b.nodes+est > inputlimit.EstimateFactor*max {
		return false
	}
	if b.checker.Counted(size.Nodes, size.Height, size.MaxScalar) != nil {
		return false
	}
	b.seen[it] = true
	b.nodes += est
	return true
}
