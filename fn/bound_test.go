//go:build linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// memoryBound is the peak memory (resident set) that the README promises
// for any input under the default limits.
const memoryBound = 768 << 20

// boundInput writes one input for TestMemoryBound.
type boundInput struct {
	name  string
	write func(w *bufio.Writer)
	// exit is the exit code; stderr, a part of what stderr must say.
	exit   int
	stderr string
}

// rlHeader makes a ResourceList that takes the full parse (a CRLF line end
// is one of the forms the fast path leaves to it), or not.
func rlHeader(full bool) string {
	if full {
		return "apiVersion: config.kubernetes.io/v1\r\nkind: ResourceList\nitems:\n"
	}
	return "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
}

func icsps(full bool, n int) func(w *bufio.Writer) {
	return func(w *bufio.Writer) {
		w.WriteString(rlHeader(full))
		for i := 0; i < n; i++ {
			fmt.Fprintf(w, "- apiVersion: operator.openshift.io/v1alpha1\n  kind: ImageContentSourcePolicy\n  metadata:\n    name: icsp-%d\n  spec:\n    repositoryDigestMirrors:\n    - source: quay.io/ns%d/repo\n      mirrors:\n      - mirror.example.com/ns%d/repo\n", i, i, i)
		}
	}
}

// boundInputs are the worst inputs found for memory under the default
// limits: the shapes that cost most per byte on the full parse, just under
// the node and item limits, and hostile inputs over them.
var boundInputs = []boundInput{
	{name: "49,990 tiny items, full parse", exit: 0, write: func(w *bufio.Writer) {
		w.WriteString(rlHeader(true))
		for i := 0; i < 49990; i++ {
			w.WriteString("- a: 1\n")
		}
	}},
	{name: "a flow list of 495,000 scalars, full parse", exit: 0, write: func(w *bufio.Writer) {
		w.WriteString(rlHeader(true) + "- apiVersion: v1\n  kind: X\n  metadata: {name: x}\n  items: [")
		w.WriteString(strings.Repeat("a,", 495000) + "a]\n")
	}},
	{name: "33,000 ConfigMaps, full parse", exit: 0, write: func(w *bufio.Writer) {
		w.WriteString(rlHeader(true))
		for i := 0; i < 33000; i++ {
			fmt.Fprintf(w, "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cm-%d\n    namespace: ns\n  data:\n    key: value-%d\n", i, i)
		}
	}},
	{name: "25,000 ICSPs, full parse", exit: 0, write: icsps(true, 25000)},
	{name: "25,000 ICSPs, fast path", exit: 0, write: icsps(false, 25000)},
	{name: "400 MB of ConfigMaps", exit: 1, stderr: "the input is larger than 64 MiB", write: func(w *bufio.Writer) {
		w.WriteString(rlHeader(false))
		for i := 0; i < 3_700_000; i++ {
			fmt.Fprintf(w, "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cm-%d\n    namespace: ns\n  data:\n    key: value-%d\n", i, i)
		}
	}},
	{name: "a 100 MB scalar", exit: 1, stderr: "the input is larger than 64 MiB", write: func(w *bufio.Writer) {
		w.WriteString(rlHeader(false) + "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: big\n  data:\n    big: |\n")
		line := "      " + strings.Repeat("y", 94) + "\n"
		for i := 0; i < 1_000_000; i++ {
			w.WriteString(line)
		}
	}},
	{name: "billion laughs", exit: 1, stderr: "aliases expand to more than 100000 YAML nodes", write: func(w *bufio.Writer) {
		w.WriteString(rlHeader(false) + "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: lol\n  data:\n    a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
		for c := 'b'; c <= 'i'; c++ {
			p := "*" + string(c-1)
			fmt.Fprintf(w, "    %c: &%c [%s]\n", c, c, strings.Repeat(p+", ", 8)+p)
		}
	}},
	{name: "nesting 9,990 levels deep, full parse", exit: 1, stderr: "collections nest deeper than 1000 levels", write: func(w *bufio.Writer) {
		w.WriteString(rlHeader(true) + "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: deep\n  data:\n    a: ")
		w.WriteString(strings.Repeat("[", 9990) + strings.Repeat("]", 9990) + "\n")
	}},
}

// TestMemoryBound runs the binary, with the default limits, on each of
// boundInputs and checks its peak memory against the README's bound.
func TestMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it on inputs of up to 400 MB")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "mirrorset")
	// -pgo=off: the profile changes the speed, not the memory, and without
	// it the build reuses the packages that go test -pgo=off compiled.
	if out, err := exec.Command("go", "build", "-pgo=off", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for i, in := range boundInputs {
		t.Run(in.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("input-%d.yaml", i))
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			w := bufio.NewWriter(f)
			in.write(w)
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			f.Close()
			defer os.Remove(path)

			stdin, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			cmd := exec.Command(bin)
			cmd.Env = withoutLimits(os.Environ())
			var stderr bytes.Buffer
			cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, io.Discard, &stderr
			start := time.Now()
			err = cmd.Run()
			took := time.Since(start)
			code := cmd.ProcessState.ExitCode()
			if code != in.exit || !strings.Contains(stderr.String(), in.stderr) {
				t.Fatalf("exit %d (%v), stderr %q; want exit %d and %q", code, err, clipText(stderr.String()), in.exit, in.stderr)
			}
			peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // Linux reports KiB
			t.Logf("%s: %.2fs, peak %d MiB", in.name, took.Seconds(), peak>>20)
			if peak > memoryBound {
				t.Errorf("peak memory %d MiB, over the bound of %d MiB", peak>>20, memoryBound>>20)
			}
		})
	}
}

// withoutLimits drops the variables that change the limits, so that the
// defaults are measured.
func withoutLimits(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "MIRRORSET_MAX_") && !strings.HasPrefix(kv, "GOMEMLIMIT=") && !strings.HasPrefix(kv, "GOGC=") {
			out = append(out, kv)
		}
	}
	return out
}

func clipText(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
