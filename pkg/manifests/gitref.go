package manifests

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
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ReadAtRef reads paths from the working tree (the head) and at ref (the
// base). A path missing on one side adds nothing to it; missing on both, it
// is an error.
func ReadAtRef(ref string, paths []string) (base, head []*yaml.RNode, err error) {
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
			ns, err := Read([]string{p}, nil)
			if err != nil {
				return nil, nil, fmt.Errorf("head: %w", err)
			}
			head = append(head, ns...)
		}
		if atRef != "" {
			ns, err := Read([]string{atRef}, nil)
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
