package filewrite

import (
	"path/filepath"
	"sort"
)

// Into is files, named inside the folder dir, keyed by their paths, as All
// takes them.
func Into(dir string, files map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(files))
	for name, content := range files {
		out[filepath.Join(dir, name)] = content
	}
	return out
}

// Paths are the paths of files, sorted: the order in which a command lists
// what it wrote.
func Paths(files map[string][]byte) []string {
	paths := make([]string, 0, len(files))
	for path := range files {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	return paths
}
