package manifests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadArgs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(file, []byte("kind: A\nmetadata: {name: from-file}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const stdin = "kind: B\nmetadata: {name: from-stdin}\n"
	tests := []struct {
		args []string
		want []string
	}{
		{args: nil, want: []string{"from-stdin"}},
		{args: []string{Stdin}, want: []string{"from-stdin"}},
		{args: []string{file}, want: []string{"from-file"}},
		{args: []string{file, Stdin}, want: []string{"from-file", "from-stdin"}},
	}
	for _, tc := range tests {
		nodes, err := ReadArgs(tc.args, strings.NewReader(stdin))
		if err != nil {
			t.Fatalf("ReadArgs(%q): %v", tc.args, err)
		}
		var got []string
		for _, n := range nodes {
			got = append(got, n.GetName())
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("ReadArgs(%q) read %q, want %q", tc.args, got, tc.want)
		}
	}
}
