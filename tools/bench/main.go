// Command bench measures mirrorset against a no-op kyaml function (the
// identity, tools/identity) on generated ResourceLists (pkg/resourcelist/gen)
// of several sizes, in two series: the default mix (gen.Default), and lists
// of overlapping policies whose mirror orders disagree, as a new user writes
// them (gen.Overlapping). It runs the two in turn on the same files, several times
// each, mirrorset with stdin a file and a pipe (as kpt gives it), and prints
// the median wall time, the peak RSS (the largest of the runs, as GNU time
// reports it) and the ratios mirrorset / identity.
// `make bench` builds both and runs it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

func main() {
	mirrorset := flag.String("mirrorset", "bin/mirrorset", "the mirrorset binary")
	identity := flag.String("identity", "bin/identity", "the identity function's binary")
	floor := flag.String("floor", "", "a binary that only links mirrorset's renderer packages (tools/renderfloor), run beside the cold start")
	sizes := flag.String("items", "1,1000,10000,100000", "list sizes, in items, comma-separated (1: the cold start)")
	overlapSizes := flag.String("overlap-items", "10000", "list sizes of the overlapping-policies series, comma-separated; empty for none")
	runs := flag.Int("runs", 5, "runs of each binary on each list")
	largeRuns := flag.Int("large-runs", 3, "runs on lists of 50,000 items or more, where the identity takes half a minute")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "mirrorset-bench"), "where the generated lists go")
	flag.Parse()
	if err := run(*mirrorset, *identity, *floor, *sizes, *overlapSizes, *runs, *largeRuns, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// sample is one run: wall time and peak resident memory.
type sample struct {
	wall time.Duration
	rss  int64 // bytes
}

// stats are the runs of one binary in one mode on one list.
type stats []sample

func (s stats) median() time.Duration {
	w := make([]time.Duration, len(s))
	for i, x := range s {
		w[i] = x.wall
	}
	slices.Sort(w)
	return w[len(w)/2]
}

func (s stats) peak() int64 {
	var m int64
	for _, x := range s {
		m = max(m, x.rss)
	}
	return m
}

func run(mirrorset, identity, floor, sizes, overlapSizes string, runs, largeRuns int, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if _, err := os.Stat(timeCmd); err != nil {
		return fmt.Errorf("GNU time is needed for the peak RSS (apt-get install time): %w", err)
	}
	// The input is larger than mirrorset's default limits at 100,000
	// items; the identity has none.
	env := append(os.Environ(), "MIRRORSET_MAX_INPUT_BYTES=4294967296", "MIRRORSET_MAX_ITEMS=10000000", "MIRRORSET_MAX_NODES=100000000")
	fmt.Printf("%s, %d CPUs; load average before: %s\n", runtime.GOARCH, runtime.NumCPU(), loadAverage())
	for _, series := range []struct {
		name, sizes string
		options     func(items int) gen.Options
	}{
		{"default mix: 30% ImageContentSourcePolicies whose lists agree", sizes, gen.Default},
		{"overlapping: 30% ImageContentSourcePolicies of 1 to 6 entries over n/20 sources, mirror orders disagreeing", overlapSizes, gen.Overlapping},
	} {
		if strings.TrimSpace(series.sizes) == "" {
			continue
		}
		fmt.Printf("\n%s\n", series.name)
		if err := runSeries(mirrorset, identity, floor, series.sizes, series.options, runs, largeRuns, dir, env); err != nil {
			return err
		}
	}
	fmt.Printf("load average after: %s\n", loadAverage())
	return nil
}

// runSeries measures the lists of one series.
func runSeries(mirrorset, identity, floor, sizes string, options func(int) gen.Options, runs, largeRuns int, dir string, env []string) error {
	const row = "%7s %7s | %8s %8s | %8s %8s | %8s %8s | %7s %7s | %7s %7s\n"
	fmt.Printf(row, "", "", "identity", "", "mirrorset", "(file)", "mirrorset", "(pipe)", "file /", "identity", "pipe /", "identity")
	fmt.Printf(row, "items", "size", "time", "RSS", "time", "RSS", "time", "RSS", "time", "RSS", "time", "RSS")
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return fmt.Errorf("items %q: %w", f, err)
		}
		o := options(n)
		name := fmt.Sprintf("resourcelist-%d.yaml", n)
		if o.Overlap {
			name = fmt.Sprintf("overlapping-%d.yaml", n)
		}
		path := filepath.Join(dir, name)
		size, err := generate(path, o)
		if err != nil {
			return err
		}
		k := runs
		switch {
		case n >= 50000:
			k = largeRuns
		case n <= 10:
			k = 40 * runs // a cold start: a few milliseconds, so many runs for a steady median
		}
		var id, file, pipe, fl stats
		type binary struct {
			bin  string
			env  []string
			pipe bool
			into *stats
		}
		bins := []binary{{identity, nil, false, &id}, {mirrorset, env, false, &file}, {mirrorset, env, true, &pipe}}
		coldStart := n <= 10 && floor != ""
		if coldStart {
			bins = append(bins, binary{floor, nil, false, &fl})
		}
		for r := 0; r < k; r++ {
			// In turn, so that a busy moment of the machine falls on all.
			for _, m := range bins {
				s, err := measure(m.bin, m.env, path, m.pipe)
				if err != nil {
					return err
				}
				*m.into = append(*m.into, s)
			}
		}
		fmt.Printf(row, strconv.Itoa(n), mib(size),
			secs(id.median()), mib(id.peak()), secs(file.median()), mib(file.peak()), secs(pipe.median()), mib(pipe.peak()),
			times(ratio(file.median(), id.median())), times(float64(file.peak())/float64(id.peak())),
			times(ratio(pipe.median(), id.median())), times(float64(pipe.peak())/float64(id.peak())))
		if coldStart {
			// Milliseconds, with more digits than the table gives them.
			fmt.Printf("        cold start, median: identity %s, mirrorset %s (file) %s (pipe); the renderer packages alone (%s) %s, %s, %s the identity's time\n",
				ms(id.median()), ms(file.median()), ms(pipe.median()), filepath.Base(floor), ms(fl.median()), mib(fl.peak()), times(ratio(fl.median(), id.median())))
		}
	}
	return nil
}

// generate writes the list straight to the file, so that this process
// stays small while it measures others.
func generate(path string, o gen.Options) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	if err := gen.ResourceList(f, o); err != nil {
		f.Close()
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// measure runs bin on the list at path, stdin the file itself or a pipe
// that this process feeds, stdout thrown away. The peak RSS comes from GNU
// time, which forks: the resource usage of a child that Go starts itself
// counts this process's memory too (the child shares it until exec).
func measure(bin string, env []string, path string, pipe bool) (sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return sample{}, err
	}
	defer f.Close()
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return sample{}, err
	}
	defer devnull.Close()
	out, err := os.CreateTemp("", "bench-time-*")
	if err != nil {
		return sample{}, err
	}
	out.Close()
	defer os.Remove(out.Name())
	cmd := exec.Command(timeCmd, "-f", "%M", "-o", out.Name(), bin)
	cmd.Env = env
	cmd.Stdout = devnull
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdin = f
	if pipe {
		cmd.Stdin = struct{ io.Reader }{f} // not an *os.File: exec feeds it through a pipe
	}
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%s < %s: %v\n%s", bin, path, err, firstLines(stderr.String(), 5))
	}
	b, err := os.ReadFile(out.Name())
	if err != nil {
		return sample{}, err
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return sample{}, fmt.Errorf("%s: no output from %s", bin, timeCmd)
	}
	kib, err := strconv.ParseInt(fields[len(fields)-1], 10, 64)
	if err != nil {
		return sample{}, fmt.Errorf("%s: %s said %q", bin, timeCmd, b)
	}
	return sample{wall: wall, rss: kib * 1024}, nil
}

// timeCmd is GNU time.
const timeCmd = "/usr/bin/time"

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func secs(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }

func mib(b int64) string { return fmt.Sprintf("%.1fMiB", float64(b)/(1<<20)) }

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func times(r float64) string { return fmt.Sprintf("%.3fx", r) }
