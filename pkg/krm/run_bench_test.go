package krm

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// BenchmarkRun is the function as make bench runs it, on the lists make
// bench generates: stdin a file or a pipe, stdout /dev/null. Its CPU
// profile is the build's profile-guided optimisation (make pgo writes
// fn/default.pgo from it), so its mix is make bench's: the 100,000-item
// list from a pipe, and the lists of 10,000 items, default and
// overlapping, from a file.
func BenchmarkRun(b *testing.B) {
	// As make bench sets them: 100,000 items pass the default limits.
	b.Setenv("MIRRORSET_MAX_INPUT_BYTES", "4294967296")
	b.Setenv("MIRRORSET_MAX_ITEMS", "10000000")
	b.Setenv("MIRRORSET_MAX_NODES", "100000000")
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	dir := b.TempDir()
	for _, c := range []struct {
		name string
		o    gen.Options
		pipe bool
	}{
		{"default-10000", gen.Default(10000), false},
		{"overlapping-10000", gen.Overlapping(10000), false},
		{"default-100000", gen.Default(100000), true},
	} {
		b.Run(c.name, func(b *testing.B) {
			path := filepath.Join(dir, c.name+".yaml")
			if err := writeList(path, c.o); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if code := runOn(b, path, c.pipe, devnull); code != 0 {
					b.Fatalf("exit code %d on %s", code, c.name)
				}
			}
		})
	}
}

func writeList(path string, o gen.Options) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := gen.ResourceList(f, o); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// runOn runs the function with stdin the file at path, or a pipe that a
// goroutine feeds from it.
func runOn(b *testing.B, path string, pipe bool, stdout *os.File) int {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if !pipe {
		return Run(f, stdout, io.Discard)
	}
	r, w, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	fed := make(chan error, 1)
	go func() {
		_, err := io.Copy(w, f)
		w.Close()
		fed <- err
	}()
	code := Run(r, stdout, io.Discard)
	r.Close() // a run that stops early ends the feeder's write too
	if err := <-fed; err != nil && code == 0 {
		b.Fatalf("feeding the pipe: %v", err)
	}
	return code
}
