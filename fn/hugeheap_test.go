//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// TestLargeRunReservesHugePages runs the function in a process of its own,
// as kustomize and kpt do, on a list past 16 MiB and on one of 2 MiB:
// the large run reserves its heap in huge pages where the kernel gives them
// on request (MIRRORSET_DEBUG says so), the small one does not, and both
// write what they write without it.
func TestLargeRunReservesHugePages(t *testing.T) {
	t.Parallel()
	thp, _ := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	madvise := bytes.Contains(thp, []byte("[madvise]"))
	for _, c := range []struct {
		items   int
		reserve bool
	}{{25000, madvise}, {3000, false}} {
		var in bytes.Buffer
		if err := gen.ResourceList(&in, gen.Default(c.items)); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(os.Args[0], "-test.run=^$", "--")
		cmd.Env = append(os.Environ(), asCommand+"=1", "MIRRORSET_DEBUG=1")
		cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in.Bytes()), &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%d items: %v\n%s", c.items, err, stderr.String())
		}
		if got := strings.Contains(stderr.String(), "reserved in huge pages"); got != c.reserve {
			t.Errorf("%d items (%d bytes), transparent huge pages %q: reserved %v, want %v; stderr:\n%s", c.items, in.Len(), bytes.TrimSpace(thp), got, c.reserve, stderr.String())
		}
		var want, wantErr bytes.Buffer
		if code := run(nil, bytes.NewReader(in.Bytes()), &want, &wantErr); code != 0 {
			t.Fatalf("%d items: exit %d in this process", c.items, code)
		}
		if stdout.String() != want.String() {
			t.Errorf("%d items: the output differs from this process's run", c.items)
		}
	}
}
