package filewrite

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// entry is what a snapshot keeps of one path.
type entry struct {
	mode    fs.FileMode
	content string // a file's bytes, a link's target
}

// snapshot records every path under root (root included), with its type,
// permission bits and content: what "the destination as it was" means.
func snapshot(t *testing.T, root string) map[string]entry {
	t.Helper()
	got := map[string]entry{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == root {
			return nil
		}
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		e := entry{mode: fi.Mode()}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			e.content, err = os.Readlink(p)
		case fi.Mode().IsRegular():
			var b []byte
			b, err = os.ReadFile(p)
			e.content = string(b)
		}
		got[p] = e
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func diffSnapshots(before, after map[string]entry) string {
	var b strings.Builder
	for p, e := range before {
		if a, ok := after[p]; !ok {
			fmt.Fprintf(&b, "removed %s\n", p)
		} else if a != e {
			fmt.Fprintf(&b, "changed %s: %v %q -> %v %q\n", p, e.mode, e.content, a.mode, a.content)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			fmt.Fprintf(&b, "added %s\n", p)
		}
	}
	return b.String()
}

// faultFS is the real file system with one failure injected.
type faultFS struct {
	osFS
	failWrite  int // the n-th file created (1-based) fails after half its bytes, as a full disk does
	failRename int // the n-th rename fails
	noLink     bool
	creates    int
	renames    int
}

var errNoSpace = syscall.ENOSPC

func (f *faultFS) Create(name string, perm fs.FileMode) (file, error) {
	real, err := f.osFS.Create(name, perm)
	if err != nil {
		return nil, err
	}
	f.creates++
	if f.creates == f.failWrite {
		return &fullFile{file: real}, nil
	}
	return real, nil
}

func (f *faultFS) Rename(oldpath, newpath string) error {
	f.renames++
	if f.renames == f.failRename {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EIO}
	}
	return f.osFS.Rename(oldpath, newpath)
}

func (f *faultFS) Link(oldname, newname string) error {
	if f.noLink {
		return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: syscall.EPERM}
	}
	return f.osFS.Link(oldname, newname)
}

// fullFile writes half of what it is given, then reports a full disk.
type fullFile struct{ file }

func (f *fullFile) Write(p []byte) (int, error) {
	n, _ := f.file.Write(p[:len(p)/2])
	return n, errNoSpace
}

// tree makes the starting point of a case: an existing destination folder
// with a file to replace (mode 0600), an unrelated file, and a symbolic link
// to a file to replace.
func tree(t *testing.T) (dir string) {
	dir = filepath.Join(t.TempDir(), "dest")
	for name, content := range map[string]string{"b.yaml": "old b\n", "keep.txt": "not ours\n", "real/d.yaml": "old d\n"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(dir, "b.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real/d.yaml", filepath.Join(dir, "d.yaml")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// files are the writes of every case: new files (one in a new nested folder), a
// replaced one, one through a link, and a.yaml.old beside a.yaml.
func files(dir string) map[string][]byte {
	return map[string][]byte{
		filepath.Join(dir, "a.yaml"):           []byte("new a\n"),
		filepath.Join(dir, "a.yaml.old"):       []byte("new a.old\n"),
		filepath.Join(dir, "b.yaml"):           []byte("new b\n"),
		filepath.Join(dir, "c", "e", "c.yaml"): []byte("new c\n"),
		filepath.Join(dir, "d.yaml"):           []byte("new d\n"),
		filepath.Join(dir, "z.yaml"):           []byte(strings.Repeat("z", 4096)),
	}
}

func TestAllFailsPartWay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		fsys    *faultFS
		existed bool   // the destination folder existed before
		wantErr string // a part of the error
	}{
		{name: "disk full on the 3rd file, new folder", fsys: &faultFS{failWrite: 3}, wantErr: "no space left on device"},
		{name: "disk full on the last file, new folder", fsys: &faultFS{failWrite: 6}, wantErr: "no space left on device"},
		{name: "disk full on the 3rd file, existing folder", fsys: &faultFS{failWrite: 3}, existed: true, wantErr: "no space left on device"},
		{name: "disk full on the first file, existing folder", fsys: &faultFS{failWrite: 1}, existed: true, wantErr: "no space left on device"},
		{name: "rename fails after 3 files moved", fsys: &faultFS{failRename: 4}, existed: true, wantErr: "input/output error"},
		{name: "rename fails on the last file", fsys: &faultFS{failRename: 6}, existed: true, wantErr: "input/output error"},
		{name: "rename fails, new folder", fsys: &faultFS{failRename: 5}, wantErr: "input/output error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "dest")
			if tc.existed {
				dir = tree(t)
			}
			parent := filepath.Dir(dir)
			before := snapshot(t, parent)
			err := write(tc.fsys, files(dir), 0o644)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one with %q", err, tc.wantErr)
			}
			if d := diffSnapshots(before, snapshot(t, parent)); d != "" {
				t.Errorf("the destination changed:\n%s", d)
			}
		})
	}
}

// Without hard links a failed rename cannot bring back a replaced file: the
// error must say which file holds the new content.
func TestAllRollbackWithoutLinks(t *testing.T) {
	t.Parallel()
	dir := tree(t)
	err := write(&faultFS{failRename: 4, noLink: true}, files(dir), 0o644)
	if err == nil || !strings.Contains(err.Error(), "roll back "+filepath.Join(dir, "b.yaml")+": no hard link") {
		t.Fatalf("error %v, want it to name b.yaml as not rolled back", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a.yaml")); b != nil {
		t.Errorf("a.yaml, new, was not removed: %q", b)
	}
}

func TestAll(t *testing.T) {
	t.Parallel()
	dir := tree(t)
	want := snapshot(t, dir)
	fs := files(dir)
	for p, content := range fs {
		mode := fs0644
		if filepath.Base(p) == "b.yaml" {
			mode = 0o600 // kept
		}
		if filepath.Base(p) == "d.yaml" {
			p = filepath.Join(dir, "real", "d.yaml") // through the link
		}
		want[p] = entry{mode: mode, content: string(content)}
	}
	want[filepath.Join(dir, "c")] = entry{mode: fs0755Dir}
	want[filepath.Join(dir, "c", "e")] = entry{mode: fs0755Dir}
	if err := All(fs, 0o644); err != nil {
		t.Fatal(err)
	}
	if d := diffSnapshots(want, snapshot(t, dir)); d != "" {
		t.Errorf("after All (before: as wanted):\n%s", d)
	}
	// Again: same bytes, nothing else changes.
	if err := All(fs, 0o644); err != nil {
		t.Fatal(err)
	}
	if d := diffSnapshots(want, snapshot(t, dir)); d != "" {
		t.Errorf("after a second All:\n%s", d)
	}
}

const (
	fs0644    = fs.FileMode(0o644)
	fs0755Dir = fs.ModeDir | 0o755
)

func TestAllRefuses(t *testing.T) {
	t.Parallel()
	dir := tree(t)
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		want  string
	}{
		{"a link and its target", map[string][]byte{filepath.Join(dir, "d.yaml"): nil, filepath.Join(dir, "real", "d.yaml"): nil}, "the same file as"},
		{"a folder", map[string][]byte{filepath.Join(dir, "real"): nil}, "not a regular file"},
		{"a file as a folder", map[string][]byte{filepath.Join(dir, "keep.txt", "x"): nil}, "not a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, dir)
			err := All(tc.files, 0o644)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
			if d := diffSnapshots(before, snapshot(t, dir)); d != "" {
				t.Errorf("the destination changed:\n%s", d)
			}
		})
	}
}

// TestAllFullTmpfs fills a real 64 KiB tmpfs part way through: the disk, not
// an injected writer, fails. It needs root and a kernel that lets the test
// mount; elsewhere it is skipped.
func TestAllFullTmpfs(t *testing.T) {
	t.Parallel()
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v: %s", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	dir := filepath.Join(mnt, "dest")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "f1.yaml"), []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Eight files of 12 KiB: the first four or five fit, then the disk is full.
	fs := map[string][]byte{}
	for i := range 8 {
		fs[filepath.Join(dir, fmt.Sprintf("f%d.yaml", i))] = bytes.Repeat([]byte{'a' + byte(i)}, 12<<10)
	}
	before := snapshot(t, mnt)
	err := All(fs, 0o644)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error %v, want ENOSPC", err)
	}
	if d := diffSnapshots(before, snapshot(t, mnt)); d != "" {
		t.Errorf("the destination changed:\n%s", d)
	}
	// What fits is written whole.
	small := map[string][]byte{}
	maps.Copy(small, fs)
	for p := range small {
		if !strings.HasSuffix(p, "f1.yaml") && !strings.HasSuffix(p, "f2.yaml") {
			delete(small, p)
		}
	}
	if err := All(small, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "f1.yaml")); !bytes.Equal(b, small[filepath.Join(dir, "f1.yaml")]) {
		t.Errorf("f1.yaml not replaced")
	}
}
