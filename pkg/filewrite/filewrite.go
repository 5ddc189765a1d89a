// Package filewrite writes a set of files all or nothing: either every file
// holds its new content, or every destination is as it was (files, their
// content and mode, and folders that did not exist still do not).
//
// How: each file is first written whole into a staging folder created
// beside it (in its own destination folder, so on the same file system),
// and synced to disk. Only when every file is staged are they moved into
// place, each by one rename(2), which replaces the old file atomically. If a
// rename fails, the files already moved are put back from hard links made
// to the originals before the first rename. The destination folders are
// synced at the end, so that the renames outlive a power cut. Whatever
// fails, the staging folders and the folders All created are removed.
//
// What it cannot promise: the renames are one per file, so a crash (kill -9,
// power cut) between two of them leaves some files new and some old, and
// may leave a staging folder (named .mirrorset-write-*) behind; rollback of
// a failed rename needs hard links (a file system without them keeps the
// new files that were already moved, and All says so in its error).
// Concurrent writers to the same files are not coordinated.
//
// A path that exists keeps its permission bits; a new file gets perm. A
// path that is a symbolic link is written through: its target is replaced,
// the link stays.
package filewrite

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// StagingPrefix begins the name of the staging folders All creates; one
// left behind by a crash can be removed.
const StagingPrefix = ".mirrorset-write-"

// All writes every file of files (path: content), all or nothing, as the
// package documentation says. New files get the mode perm; missing folders
// are created (0o755) and removed again on failure.
func All(files map[string][]byte, perm fs.FileMode) error {
	return write(osFS{}, files, perm)
}

// fileSystem is what All needs of the operating system; tests inject
// failures through it.
type fileSystem interface {
	Lstat(name string) (fs.FileInfo, error)
	Stat(name string) (fs.FileInfo, error)
	EvalSymlinks(name string) (string, error)
	Mkdir(name string, perm fs.FileMode) error
	MkdirTemp(dir, pattern string) (string, error)
	// Create makes a new file, only for writing.
	Create(name string, perm fs.FileMode) (file, error)
	Rename(oldpath, newpath string) error
	Link(oldname, newname string) error
	Remove(name string) error
	RemoveAll(name string) error
	SyncDir(name string) error
}

type file interface {
	io.Writer
	Sync() error
	Chmod(fs.FileMode) error
	Close() error
}

// target is one file to write.
type target struct {
	path    string // where it goes (the link's target for a symbolic link)
	content []byte
	perm    fs.FileMode
	exists  bool
	staged  string // the new content, in the staging folder
	backup  string // a hard link to the old file, in the staging folder
}

func write(fsys fileSystem, files map[string][]byte, perm fs.FileMode) (err error) {
	targets, err := plan(fsys, files, perm)
	if err != nil {
		return err
	}
	var (
		created []string              // folders made here, outermost first
		staging = map[string]string{} // destination folder: its staging folder
	)
	defer func() {
		if err == nil {
			return
		}
		for _, s := range staging {
			fsys.RemoveAll(s)
		}
		for i := len(created) - 1; i >= 0; i-- {
			fsys.Remove(created[i])
		}
	}()

	// Stage every file.
	for _, t := range targets {
		dir := filepath.Dir(t.path)
		if _, ok := staging[dir]; !ok {
			made, err := mkdirAll(fsys, dir)
			created = append(created, made...)
			if err != nil {
				return err
			}
			if staging[dir], err = fsys.MkdirTemp(dir, StagingPrefix+"*"); err != nil {
				return fmt.Errorf("write %s: %w", t.path, err)
			}
		}
		// "n." and "o." keep new files and old ones apart: a.old may be a target too.
		t.staged = filepath.Join(staging[dir], "n."+filepath.Base(t.path))
		if err := writeFile(fsys, t.staged, t.content, t.perm); err != nil {
			return fmt.Errorf("write %s: %w", t.path, err)
		}
		if t.exists {
			t.backup = filepath.Join(staging[dir], "o."+filepath.Base(t.path))
			if err := fsys.Link(t.path, t.backup); err != nil {
				t.backup = "" // no rollback for this one: said in the error below if needed
			}
		}
	}

	// Move them into place.
	for i, t := range targets {
		if err := fsys.Rename(t.staged, t.path); err != nil {
			err = fmt.Errorf("write %s: %w", t.path, err)
			return errors.Join(err, rollback(fsys, targets[:i]))
		}
	}
	dirs := make([]string, 0, len(staging))
	for dir := range staging {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		if err := fsys.RemoveAll(staging[dir]); err != nil {
			return fmt.Errorf("remove %s: %w", staging[dir], err)
		}
		delete(staging, dir)
		// Make the renames durable. Not every file system syncs folders:
		// the files are in place whatever this returns.
		_ = fsys.SyncDir(dir)
	}
	return nil
}

// plan checks the paths and finds which exist, in a fixed order.
func plan(fsys fileSystem, files map[string][]byte, perm fs.FileMode) ([]*target, error) {
	seen := map[string]string{}
	targets := make([]*target, 0, len(files))
	for p, content := range files {
		t := &target{path: filepath.Clean(p), content: content, perm: perm}
		if fi, err := fsys.Lstat(t.path); err == nil {
			if fi.Mode()&fs.ModeSymlink != 0 {
				if t.path, err = fsys.EvalSymlinks(t.path); err != nil {
					return nil, fmt.Errorf("write %s: %w", p, err)
				}
				if fi, err = fsys.Stat(t.path); err != nil {
					return nil, fmt.Errorf("write %s: %w", p, err)
				}
			}
			if !fi.Mode().IsRegular() {
				return nil, fmt.Errorf("write %s: not a regular file", p)
			}
			t.exists, t.perm = true, fi.Mode().Perm()
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		if other, dup := seen[t.path]; dup {
			return nil, fmt.Errorf("write %s: the same file as %s", p, other)
		}
		seen[t.path] = p
		targets = append(targets, t)
	}
	sort.Slice(targets, func(i, j int) bool { return targets[i].path < targets[j].path })
	return targets, nil
}

// mkdirAll makes dir and its missing parents, and returns those it made,
// outermost first, so that a failure can remove them.
func mkdirAll(fsys fileSystem, dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := fsys.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				return nil, fmt.Errorf("create %s: %s is not a folder", dir, d)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("create %s: %w", dir, err)
		}
		missing = append(missing, d)
		if parent := filepath.Dir(d); parent == d {
			break
		}
	}
	var made []string
	for i := len(missing) - 1; i >= 0; i-- {
		if err := fsys.Mkdir(missing[i], 0o755); err != nil {
			return made, fmt.Errorf("create %s: %w", dir, err)
		}
		made = append(made, missing[i])
	}
	return made, nil
}

// writeFile writes a new file whole and syncs it, so that a rename never
// puts a file in place whose content is still only in memory.
func writeFile(fsys fileSystem, name string, content []byte, perm fs.FileMode) error {
	f, err := fsys.Create(name, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(content)
	if err == nil {
		err = f.Chmod(perm) // exact bits, whatever the umask
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// rollback puts back what the first renames replaced: the old file from its
// hard link, or no file where there was none.
func rollback(fsys fileSystem, moved []*target) error {
	var errs []error
	for i := len(moved) - 1; i >= 0; i-- {
		t := moved[i]
		switch {
		case !t.exists:
			if err := fsys.Remove(t.path); err != nil {
				errs = append(errs, fmt.Errorf("roll back %s: %w", t.path, err))
			}
		case t.backup != "":
			if err := fsys.Rename(t.backup, t.path); err != nil {
				errs = append(errs, fmt.Errorf("roll back %s: %w", t.path, err))
			}
		default:
			errs = append(errs, fmt.Errorf("roll back %s: no hard link to the old file: it holds the new content", t.path))
		}
	}
	return errors.Join(errs...)
}

// osFS is the real file system.
type osFS struct{}

func (osFS) Lstat(name string) (fs.FileInfo, error)        { return os.Lstat(name) }
func (osFS) Stat(name string) (fs.FileInfo, error)         { return os.Stat(name) }
func (osFS) EvalSymlinks(name string) (string, error)      { return filepath.EvalSymlinks(name) }
func (osFS) Mkdir(name string, perm fs.FileMode) error     { return os.Mkdir(name, perm) }
func (osFS) MkdirTemp(dir, pattern string) (string, error) { return os.MkdirTemp(dir, pattern) }
func (osFS) Create(name string, perm fs.FileMode) (file, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
}
func (osFS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
func (osFS) Link(oldname, newname string) error   { return os.Link(oldname, newname) }
func (osFS) Remove(name string) error             { return os.Remove(name) }
func (osFS) RemoveAll(name string) error          { return os.RemoveAll(name) }
func (osFS) SyncDir(name string) error {
	d, err := os.Open(name)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
