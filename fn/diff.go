package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/diff"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/nodeimpact"
)

const diffUsage = `Usage: mirrorset diff [flags] --base PATH... --head PATH...
       mirrorset diff [flags] --base-ref REF [PATH...]

Say what a change to mirror objects does to the nodes, before it merges.
Each side is read from files and folders as "mirrorset registries-conf"
reads them (--base and --head may be repeated; "-" is standard input, on one
side). With --base-ref, the head is PATH... in the working tree (default
"."), and the base is the same paths at the git commit REF, read with the
git command from the repository that holds each path; a path missing on
one side is an empty side.

Both sides go through the API server's checks and the Machine Config
Operator's (MCO) renderer. The report says, per registry of registries.conf,
what was added, removed or reordered, blocked or made insecure, which
objects and entries on each side make it, and what the MCO does to the
nodes by the rules of --openshift-version: no rollout; a rollout (each node
writes the file, reloads CRI-O); a drain of every node of every pool; or a
reboot. A MachineConfiguration named cluster among the inputs (the head's,
else the base's) is taken into account.

Exit codes: 0 the report was written, whatever the change; 1 a side is
refused (the API server rejects it, or the MCO cannot render it and the
pools would degrade), the change reaches --fail-on, or an input cannot be
read; 2 a usage error.

Flags:
`

// pathList is a repeatable flag.
type pathList []string

func (p *pathList) String() string     { return strings.Join(*p, " ") }
func (p *pathList) Set(s string) error { *p = append(*p, s); return nil }
func (p *pathList) Type() string       { return "path" }

func diffCommand(fs *pflag.FlagSet) (func([]string) error, runFunc) {
	var rf renderFlags
	rf.register(fs)
	var base, head pathList
	fs.Var(&base, "base", "a `path` (file, folder or -) of the base side; repeat for more")
	fs.Var(&head, "head", "a `path` (file, folder or -) of the head side; repeat for more")
	baseRef := fs.String("base-ref", "", "read the base from the PATH arguments at this git `ref`; the working tree is the head")
	output := fs.String("output", "text", "the report's `form`: text, markdown (a pull-request comment) or json")
	failOn := fs.String("fail-on", "", "exit 1 when the change reaches this `level`: rollout (any new rendered config), reload, drain or reboot")
	version := fs.String("openshift-version", "", "the cluster's OpenShift `version` (4.N) whose rules decide: before 4.13, by mirror-by-digest-only; from 4.17, with node disruption policies (default: the newest)")
	singleNode := fs.Bool("single-node", false, "the cluster is a single node, which the MCO never drains")
	var fail nodeimpact.Action
	check := func(p []string) error {
		switch *output {
		case "text", "markdown", "json":
		default:
			return fmt.Errorf("--output %q: use text, markdown or json", *output)
		}
		if *failOn != "" {
			a, err := diff.ParseAction(*failOn)
			if err != nil || a == nodeimpact.None {
				return fmt.Errorf("--fail-on %q: use rollout, reload, drain or reboot", *failOn)
			}
			fail = a
		}
		if err := nodeimpact.CheckVersion(*version); err != nil {
			return fmt.Errorf("--openshift-version: %w", err)
		}
		if *baseRef != "" {
			if len(base) > 0 || len(head) > 0 {
				return errors.New("--base-ref reads both sides from the PATH arguments: give no --base or --head")
			}
			if slices.Contains(p, manifests.Stdin) {
				return errors.New(`--base-ref reads files, not standard input ("-")`)
			}
			return nil
		}
		if slices.Contains(base, manifests.Stdin) && slices.Contains(head, manifests.Stdin) {
			return errors.New(`"-" (standard input) can feed one side only`)
		}
		if len(p) > 0 {
			return fmt.Errorf("unexpected argument %q: give the sides with --base and --head, or use --base-ref", p[0])
		}
		if len(base) == 0 || len(head) == 0 {
			return errors.New("give both --base and --head, or --base-ref")
		}
		return nil
	}
	return check, func(positional []string, stdin io.Reader, stdout, stderr io.Writer) int {
		var baseNodes, headNodes []*yaml.RNode
		var err error
		if *baseRef != "" {
			if len(positional) == 0 {
				positional = []string{"."}
			}
			baseNodes, headNodes, err = readGitSides(*baseRef, positional)
		} else {
			baseNodes, headNodes, err = readSides(base, head, stdin)
		}
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		sides := [2]*diff.Side{}
		for i, nodes := range [][]*yaml.RNode{baseNodes, headNodes} {
			if sides[i], err = diff.ReadSide(nodes); err != nil {
				fmt.Fprintf(stderr, "error: %s: %v\n", sideName(i), err)
				return 1
			}
		}
		opts, err := rf.options()
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		rep, err := diff.Compare(sides[0], sides[1], diff.Options{Render: opts, Version: *version, SingleNode: *singleNode})
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		for i, s := range []diff.SideResult{rep.Base, rep.Head} {
			for _, w := range s.Warnings {
				fmt.Fprintf(stderr, "warning: %s: %s\n", sideName(i), w)
			}
		}
		switch *output {
		case "markdown":
			err = rep.WriteMarkdown(stdout)
		case "json":
			err = rep.WriteJSON(stdout)
		default:
			err = rep.WriteText(stdout)
		}
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		switch {
		case rep.Refused():
			for i, s := range []diff.SideResult{rep.Base, rep.Head} {
				if s.Refused != nil {
					for _, e := range s.Refused.Errors {
						fmt.Fprintf(stderr, "error: %s refused by the %s: %s\n", sideName(i), refuserName(s.Refused.By), e)
					}
				}
			}
			return 1
		case fail != nodeimpact.None && rep.Impact.Action >= fail:
			fmt.Fprintf(stderr, "error: the change reaches --fail-on %s: %s\n", *failOn, diff.ActionName(rep.Impact.Action))
			return 1
		}
		return 0
	}
}

func refuserName(r diff.Refuser) string {
	if r == diff.APIServer {
		return "API server"
	}
	return "MCO (the pools would degrade)"
}

func sideName(i int) string {
	if i == 0 {
		return "base"
	}
	return "head"
}

// readSides reads --base and --head; standard input may feed one side.
func readSides(base, head []string, stdin io.Reader) (b, h []*yaml.RNode, err error) {
	if b, err = manifests.Read(base, stdin); err != nil {
		return nil, nil, fmt.Errorf("base: %w", err)
	}
	if h, err = manifests.Read(head, stdin); err != nil {
		return nil, nil, fmt.Errorf("head: %w", err)
	}
	return b, h, nil
}

// readGitSides reads paths from the working tree (the head) and at ref (the
// base). A path missing on one side adds nothing to it; missing on both, it
// is an error.
func readGitSides(ref string, paths []string) (base, head []*yaml.RNode, err error) {
	tmp, err := os.MkdirTemp("", "mirrorset-diff-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	for i, p := range paths {
		inTree := true
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			inTree = false
		} else if err != nil {
			return nil, nil, err
		}
		dest := filepath.Join(tmp, strconv.Itoa(i))
		atRef, err := gitExtract(ref, p, dest)
		if err != nil {
			return nil, nil, err
		}
		if !inTree && atRef == "" {
			return nil, nil, fmt.Errorf("%s: in neither the working tree nor %s", p, ref)
		}
		if inTree {
			ns, err := manifests.Read([]string{p}, nil)
			if err != nil {
				return nil, nil, fmt.Errorf("head: %w", err)
			}
			head = append(head, ns...)
		}
		if atRef != "" {
			ns, err := manifests.Read([]string{atRef}, nil)
			if err != nil {
				return nil, nil, fmt.Errorf("base (%s): %w", ref, err)
			}
			// Name the files as the working tree does, for messages.
			for _, n := range ns {
				if err := renamePath(n, atRef, p); err != nil {
					return nil, nil, err
				}
			}
			base = append(base, ns...)
		}
	}
	return base, head, nil
}

// renamePath replaces the prefix from of n's path annotations with to.
func renamePath(n *yaml.RNode, from, to string) error {
	a := n.GetAnnotations()
	for _, k := range []string{kioutil.PathAnnotation, kioutil.LegacyPathAnnotation} {
		if v, ok := a[k]; ok {
			// As manifests names them: the path as given for a file, the
			// path joined (and so cleaned) for a file under a folder.
			if rest, _ := strings.CutPrefix(v, from); rest != "" {
				a[k] = filepath.Join(to, rest)
			} else {
				a[k] = to
			}
		}
	}
	return n.SetAnnotations(a)
}

// gitExtract writes path as it is at ref into dest, keeping its layout under
// the repository, and returns where path is under dest, or "" when path is
// not at ref. The files are read with git ls-tree and git cat-file from the
// repository that holds path, as committed: no export filters apply.
// Symbolic links and submodules are left out.
func gitExtract(ref, path, dest string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	// Run git from the deepest folder that exists, resolved as git does.
	dir, rest := abs, ""
	for {
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			break
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s: no folder to run git in", path)
		}
		dir = parent
	}
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		return "", err
	}
	out, err := git(dir, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", fmt.Errorf("%s: not in a git repository: %w", path, err)
	}
	top := strings.TrimSuffix(string(out), "\n")
	if _, err := git(top, nil, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return "", fmt.Errorf("--base-ref %q: not a commit in %s", ref, top)
	}
	rel, err := filepath.Rel(top, filepath.Join(dir, rest))
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("%s: outside the repository %s", path, top)
	}
	rel = filepath.ToSlash(rel)
	// -r lists the files under a folder, or the file itself.
	list, err := git(top, nil, "ls-tree", "-r", "-z", "--full-tree", ref, "--", rel)
	if err != nil {
		return "", err
	}
	type blob struct{ path, id string }
	var blobs []blob
	isFile := false
	for _, rec := range strings.Split(strings.TrimSuffix(string(list), "\x00"), "\x00") {
		if rec == "" {
			continue
		}
		meta, name, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 || f[1] != "blob" || f[0] == "120000" {
			continue
		}
		if name == rel {
			isFile = true
		} else if ext := filepath.Ext(name); ext != ".yaml" && ext != ".yml" {
			continue // what manifests reads from a folder
		}
		blobs = append(blobs, blob{name, f[2]})
	}
	if len(blobs) == 0 {
		if !isFile && rel != "." {
			// A folder with no YAML at ref is still there when ls-tree
			// names it without -r.
			entry, err := git(top, nil, "ls-tree", "-z", "--full-tree", ref, "--", rel)
			if err != nil || len(entry) == 0 {
				return "", err
			}
		}
		if err := os.MkdirAll(filepath.Join(dest, rel), 0o755); err != nil {
			return "", err
		}
		return filepath.Join(dest, rel), nil
	}
	var ids bytes.Buffer
	for _, b := range blobs {
		ids.WriteString(b.id + "\n")
	}
	out, err = git(top, &ids, "cat-file", "--batch")
	if err != nil {
		return "", err
	}
	r := bufio.NewReader(bytes.NewReader(out))
	for _, b := range blobs {
		header, err := r.ReadString('\n')
		if err != nil {
			return "", fmt.Errorf("git cat-file: %w", err)
		}
		f := strings.Fields(header)
		if len(f) != 3 {
			return "", fmt.Errorf("git cat-file: unexpected %q", header)
		}
		size, err := strconv.Atoi(f[2])
		if err != nil {
			return "", fmt.Errorf("git cat-file: unexpected %q", header)
		}
		data := make([]byte, size+1) // the content and its newline
		if _, err := io.ReadFull(r, data); err != nil {
			return "", fmt.Errorf("git cat-file: %w", err)
		}
		file := filepath.Join(dest, filepath.FromSlash(b.path))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(file, data[:size], 0o644); err != nil {
			return "", err
		}
	}
	return filepath.Join(dest, rel), nil
}

// git runs git in dir and returns its standard output; its error carries
// git's standard error.
func git(dir string, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
