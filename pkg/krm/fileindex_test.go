package krm

import "testing"

func TestFileIndexes(t *testing.T) {
	f := newFileIndexes()
	for _, p := range [][2]string{{"a.yaml", "0"}, {"a.yaml", "1"}, {"a.yaml", "3"}, {"b.yaml", "0"}} {
		f.see(p[0], p[1])
	}
	steps := []struct {
		path, index, want string
		moved             bool
	}{
		{"a.yaml", "0", "0", false}, // an IDMS in place of its ICSP
		{"a.yaml", "0", "4", true},  // the ITMS beside it goes after the file's last
		{"a.yaml", "1", "1", false}, // an unowned item keeps its place
		{"a.yaml", "1", "5", true},
		{"b.yaml", "0", "0", false},
		{"b.yaml", "0", "1", true},
		{"c.yaml", "", "", false}, // no index: nothing to keep unique
		{"", "0", "0", false},     // no file: not kpt's concern
	}
	for i, s := range steps {
		got, moved := f.claim(s.path, s.index)
		if got != s.want || moved != s.moved {
			t.Errorf("step %d: claim(%q, %q) = %q, %v; want %q, %v", i, s.path, s.index, got, moved, s.want, s.moved)
		}
	}
}
