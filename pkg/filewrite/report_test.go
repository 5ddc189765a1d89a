package filewrite

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestListErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		errs []string
		want string
	}{
		{[]string{"a"}, "error: a\n1 error; nothing written\n"},
		{[]string{"a", "b"}, "error: a\nerror: b\n2 errors; nothing written\n"},
	}
	for _, tc := range tests {
		var b bytes.Buffer
		ListErrors(&b, tc.errs)
		if b.String() != tc.want {
			t.Errorf("ListErrors(%q) = %q, want %q", tc.errs, b.String(), tc.want)
		}
	}
}

func TestAllListed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string][]byte{filepath.Join(dir, "b"): []byte("b"), filepath.Join(dir, "a"): []byte("a")}
	var stdout, stderr bytes.Buffer
	if code := AllListed(files, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if want := filepath.Join(dir, "a") + "\n" + filepath.Join(dir, "b") + "\n"; stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
	// A file where a folder must go: nothing is written, and it says so.
	blocked := map[string][]byte{filepath.Join(dir, "c"): []byte("c"), filepath.Join(dir, "a", "d"): []byte("d")}
	stdout.Reset()
	if code := AllListed(blocked, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "c")); !os.IsNotExist(err) {
		t.Errorf("c was written: %v", err)
	}
	if stdout.Len() > 0 || !strings.HasSuffix(stderr.String(), "\nnothing written\n") {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}
