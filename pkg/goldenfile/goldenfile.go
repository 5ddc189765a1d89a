// Package goldenfile compares what a test got with the golden file that
// holds what it must be, and writes the file instead when the test runs
// with its update flag (whose diff someone then reads).
package goldenfile

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

// Match compares got with the file at path, which must exist; with update
// it writes got there instead.
func Match(t testing.TB, path, got string, update bool) {
	t.Helper()
	match(t, path, got, update, false)
}

// MatchOptional is Match for a file that exists only when there is
// something in it: an empty got means that the file must not exist.
func MatchOptional(t testing.TB, path, got string, update bool) {
	t.Helper()
	match(t, path, got, update, true)
}

func match(t testing.TB, path, got string, update, optional bool) {
	t.Helper()
	if update {
		if optional && got == "" {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			return
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if optional && errors.Is(err, fs.ErrNotExist) {
		if got != "" {
			t.Errorf("%s does not exist; got:\n%s", path, got)
		}
		return
	}
	if err != nil {
		t.Fatalf("%v (run with the update flag to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
