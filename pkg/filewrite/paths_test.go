package filewrite

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestIntoAndPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dir   string
		files map[string][]byte
		want  []string
	}{
		{dir: "out", files: nil, want: []string{}},
		{dir: "out", files: map[string][]byte{"b.yaml": []byte("b"), "a.yaml": []byte("a")}, want: []string{filepath.Join("out", "a.yaml"), filepath.Join("out", "b.yaml")}},
		{dir: "", files: map[string][]byte{"x.yaml": []byte("x")}, want: []string{"x.yaml"}},
	}
	for _, tc := range tests {
		got := Into(tc.dir, tc.files)
		paths := Paths(got)
		if !slices.Equal(paths, tc.want) {
			t.Errorf("Paths(Into(%q, ...)) = %q, want %q", tc.dir, paths, tc.want)
		}
		for name, content := range tc.files {
			if string(got[filepath.Join(tc.dir, name)]) != string(content) {
				t.Errorf("Into(%q): %s lost its content", tc.dir, name)
			}
		}
	}
}
