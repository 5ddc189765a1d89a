// Package manifests reads Kubernetes manifests for the command-line tools:
// YAML files, folders of them (recursively), and standard input. It
// splits multi-document files, unwraps lists (kind: List, any *List kind
// such as ImageContentSourcePolicyList, and a KRM ResourceList), and sets
// the path and index annotations on every object so that messages can name
// its file.
package manifests

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// Stdin is the argument that stands for standard input.
const Stdin = "-"

// StdinName names standard input in messages.
const StdinName = "<stdin>"

// Read reads every argument: a file, a folder (every *.yaml and *.yml file
// under it, in lexical order, skipping folders whose name starts with a
// dot), or Stdin. A file named twice is read once. Objects from files get
// config.kubernetes.io/path (the file as given or found under its folder)
// and config.kubernetes.io/index (its place in the file), with their
// internal.config.kubernetes.io twins; objects from stdin keep the ones
// they carry (as in a ResourceList) and otherwise get only an index.
func Read(args []string, stdin io.Reader) ([]*yaml.RNode, error) {
	var nodes []*yaml.RNode
	seen := map[string]bool{}
	readStdin := false
	for _, arg := range args {
		if arg == Stdin {
			if readStdin {
				continue
			}
			readStdin = true
			data, err := io.ReadAll(stdin)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", StdinName, err)
			}
			ns, err := Parse(data, "")
			if err != nil {
				return nil, fmt.Errorf("%s: %w", StdinName, err)
			}
			nodes = append(nodes, ns...)
			continue
		}
		files, err := expand(arg)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			key, err := filepath.Abs(f)
			if err != nil {
				key = filepath.Clean(f)
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err // *fs.PathError names the file
			}
			ns, err := Parse(data, f)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			nodes = append(nodes, ns...)
		}
	}
	return nodes, nil
}

// expand returns arg itself if it is a file, or the YAML files under it.
func expand(arg string) ([]string, error) {
	info, err := os.Stat(arg)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{arg}, nil
	}
	var files []string
	err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != arg && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if ext := filepath.Ext(path); ext == ".yaml" || ext == ".yml" {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}

// Parse splits data into objects, unwrapping lists, and annotates each with
// path (unless path is empty) and its index among the objects of data.
// Empty and comment-only documents are skipped; any other document that is
// not a map is an error naming its place.
func Parse(data []byte, path string) ([]*yaml.RNode, error) {
	docs, err := readDocuments(data)
	if err != nil {
		return nil, err
	}
	var out []*yaml.RNode
	for i, doc := range docs {
		items, err := unwrap(doc, "document "+strconv.Itoa(i+1))
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	for i, n := range out {
		if field, want, got := yamlfield.BadMetadata(n.YNode()); got != nil {
			return nil, fmt.Errorf("object %d (%s): %s: must be %s, got %s", i+1, n.GetKind(), field, want, yamlfield.Describe(got))
		}
		if err := annotate(n, path, i); err != nil {
			return nil, fmt.Errorf("object %d: %w", i+1, err)
		}
	}
	return out, nil
}

// readDocuments reads the documents of data as kio.ByteReader does, one
// at a time, so that the lines of their nodes count from the start of data
// and not of each document (the reader decodes documents on their own):
// "mirrorset check" reports problems at their line in the file.
func readDocuments(data []byte) ([]*yaml.RNode, error) {
	s := string(data)
	if strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	// Split where kio.ByteReader splits, and refuse what it refuses.
	seps := documentSeparator().FindAllStringIndex(s, -1)
	if len(seps) == 0 {
		return readDocument(s)
	}
	for _, loc := range seps {
		rest := strings.TrimSpace(s[loc[0]+4 : loc[1]])
		if rest != "" && rest[0] != '#' {
			return nil, fmt.Errorf("invalid document separator: %s", strings.TrimSpace(s[loc[0]:loc[1]]))
		}
	}
	var out []*yaml.RNode
	prev, line := 0, 1
	for i := 0; i <= len(seps); i++ {
		end := len(s)
		doc := ""
		if i < len(seps) {
			end = seps[i][0]
			doc = s[prev:end] + "\n" // as kio gives back the line break the split took
		} else {
			doc = s[prev:]
		}
		nodes, err := readDocument(doc)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			shiftLines(n.YNode(), line-1)
		}
		out = append(out, nodes...)
		if i < len(seps) {
			line += strings.Count(s[prev:seps[i][1]], "\n")
			prev = seps[i][1]
		}
	}
	return out, nil
}

// documentSeparator is kio.ByteReader's: a line that starts with ---.
// Compiled on first use: the KRM function never reads files.
var documentSeparator = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\n---.*\n`) })

func readDocument(doc string) ([]*yaml.RNode, error) {
	return (&kio.ByteReader{
		Reader:                strings.NewReader(doc),
		OmitReaderAnnotations: true,
		DisableUnwrapping:     true,
	}).Read()
}

// shiftLines moves every node under n by lines.
func shiftLines(n *yaml.Node, lines int) {
	if lines == 0 || n == nil {
		return
	}
	n.Line += lines
	for _, c := range n.Content {
		shiftLines(c, lines)
	}
}

// unwrap returns the items of a list object, recursively, or the object.
func unwrap(n *yaml.RNode, where string) ([]*yaml.RNode, error) {
	if n.YNode().Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s is not a map (an object with apiVersion and kind)", where)
	}
	if !isList(n) {
		return []*yaml.RNode{n}, nil
	}
	items := n.Field("items")
	if items == nil || yaml.IsMissingOrNull(items.Value) {
		return nil, nil
	}
	if items.Value.YNode().Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s: %s items must be a list", where, n.GetKind())
	}
	var out []*yaml.RNode
	for j, item := range items.Value.Content() {
		inner, err := unwrap(yaml.NewRNode(item), fmt.Sprintf("%s, %s item %d", where, n.GetKind(), j+1))
		if err != nil {
			return nil, err
		}
		out = append(out, inner...)
	}
	return out, nil
}

// isList reports whether n wraps objects in items: kind List or
// ResourceList, or any kind ending in List that has items, as
// "oc get -o yaml" prints them.
func isList(n *yaml.RNode) bool {
	kind := n.GetKind()
	if kind == kio.ResourceListKind || kind == "List" {
		return true
	}
	return strings.HasSuffix(kind, "List") && n.Field("items") != nil
}

func annotate(n *yaml.RNode, path string, index int) error {
	a := n.GetAnnotations()
	set := map[string]string{}
	if path != "" {
		set[kioutil.PathAnnotation] = path
		set[kioutil.LegacyPathAnnotation] = path
		set[kioutil.IndexAnnotation] = strconv.Itoa(index)
		set[kioutil.LegacyIndexAnnotation] = strconv.Itoa(index)
	} else {
		// Keep what a ResourceList item carries; fill the missing twin.
		if err := kioutil.CopyLegacyAnnotations(n); err != nil {
			return err
		}
		a = n.GetAnnotations()
		if a[kioutil.IndexAnnotation] == "" {
			set[kioutil.IndexAnnotation] = strconv.Itoa(index)
			set[kioutil.LegacyIndexAnnotation] = strconv.Itoa(index)
		}
	}
	if len(set) == 0 {
		return nil
	}
	for k, v := range set {
		a[k] = v
	}
	if err := n.SetAnnotations(a); err != nil {
		return errors.New("cannot set annotations: " + err.Error())
	}
	return nil
}

// Path returns the file an object was read from, or StdinName.
func Path(n *yaml.RNode) string {
	a := n.GetAnnotations()
	if p := a[kioutil.PathAnnotation]; p != "" {
		return p
	}
	if p := a[kioutil.LegacyPathAnnotation]; p != "" {
		return p
	}
	return StdinName
}
