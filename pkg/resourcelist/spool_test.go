package resourcelist

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// spoolInputs are lists for the spool tests: generated ones, whose items
// are several slabs of the spool, and small ones with comments between
// items and around the list's fields.
func spoolInputs(t *testing.T) map[string][]byte {
	t.Helper()
	in := map[string][]byte{
		"comments": []byte("# a comment\napiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n# before the first\n" +
			"- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: x\n  # after it\n# before the next\n" +
			"- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: y\nfunctionConfig:\n  a: 1\n"),
	}
	for name, o := range map[string]gen.Options{"default": gen.Default(3000), "overlapping": gen.Overlapping(2000)} {
		var b bytes.Buffer
		if err := gen.ResourceList(&b, o); err != nil {
			t.Fatal(err)
		}
		in[name] = b.Bytes()
	}
	return in
}

// needSpool skips the test where the spool cannot be: it is Linux's, and
// stays off in a temporary directory that is in memory.
func needSpool(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the spool is Linux's")
	}
	s := newSpool()
	if s == nil {
		t.Skip("no spool in the temporary directory (in memory, or not writable)")
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
}

// readOnHeap reads in with every item's bytes on the heap.
func readOnHeap(t *testing.T, in []byte) *List {
	t.Helper()
	l, err := readEach(bytes.NewReader(in), nil, len(in)+1)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// writeAll writes every item of l as it came.
func writeAll(t *testing.T, l *List) string {
	t.Helper()
	var out bytes.Buffer
	w := l.NewWriter(&out)
	for _, it := range l.Items {
		if err := w.Item(it); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(nil); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestSpoolKeepsTheBytes reads lists with every item's bytes in the spool
// and on the heap: the items, their fields, the replay and the output are
// the same, before the pages are released and after (when they come back
// from the page cache), and the list is read as a whole when ReadEach
// hands its items over.
func TestSpoolKeepsTheBytes(t *testing.T) {
	needSpool(t)
	for name, in := range spoolInputs(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			heap := readOnHeap(t, in)
			// What each item holds when it is handed over: its bytes
			// do not move after.
			var handed []*Item
			var handedRaw [][]byte
			var handedAt []*byte
			spooled, err := readEach(bytes.NewReader(in), func(it *Item) {
				handed = append(handed, it)
				handedRaw = append(handedRaw, bytes.Clone(it.Raw()))
				handedAt = append(handedAt, unsafe.SliceData(it.Raw()))
			}, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer spooled.Close()
			if heap.Spooled() != 0 || spooled.Spooled() == 0 {
				t.Fatalf("spools of %d and %d bytes; want none, then one", heap.Spooled(), spooled.Spooled())
			}
			if len(handed) != len(spooled.Items) || len(heap.Items) != len(spooled.Items) {
				t.Fatalf("%d items handed over, %d read, %d on the heap", len(handed), len(spooled.Items), len(heap.Items))
			}
			for i, it := range handed {
				if it != spooled.Items[i] || !bytes.Equal(handedRaw[i], heap.Items[i].Raw()) {
					t.Fatalf("item %d handed over out of order, or with other bytes: %q; want %q", i, handedRaw[i], heap.Items[i].Raw())
				}
				if handedAt[i] != unsafe.SliceData(it.Raw()) {
					t.Fatalf("item %d: its bytes moved after it was handed over", i)
				}
			}
			release := []func(){func() {}, spooled.Release, func() { spooled.ReleaseItems(spooled.Items) }}
			for round, release := range release {
				release()
				for i, it := range spooled.Items {
					h := heap.Items[i]
					if !bytes.Equal(it.Raw(), h.Raw()) || it.Name() != h.Name() || it.plainAnnos != h.plainAnnos {
						t.Fatalf("round %d, item %d: %q (%q, %v), on the heap %q (%q, %v)", round, i, it.Raw(), it.Name(), it.plainAnnos, h.Raw(), h.Name(), h.plainAnnos)
					}
				}
				replay, err := io.ReadAll(spooled.Replay())
				if err != nil || !bytes.Equal(replay, in) {
					t.Fatalf("round %d: the replay differs from the input (%v)", round, err)
				}
				if got, want := writeAll(t, spooled), writeAll(t, heap); got != want {
					t.Fatalf("round %d: the output differs from the heap's", round)
				}
			}
			if err := spooled.Close(); err != nil || spooled.Spooled() != 0 {
				t.Fatalf("close: %v, spool of %d bytes left", err, spooled.Spooled())
			}
		})
	}
}

// spooledList reads a generated list of 3,000 items, which spools; the
// test's end closes it.
func spooledList(t *testing.T) *List {
	t.Helper()
	needSpool(t)
	var in bytes.Buffer
	if err := gen.ResourceList(&in, gen.Default(3000)); err != nil {
		t.Fatal(err)
	}
	l, err := readEach(&in, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// TestSlabOf checks that ReleaseItems finds the slab that holds an item's
// bytes, from the items' indexes alone.
func TestSlabOf(t *testing.T) {
	l := spooledList(t)
	s := l.spool
	inSlabs := 0
	for _, it := range l.Items {
		at := -1 // the slab whose memory holds the item's first byte
		for k, b := range s.slabs {
			if p := &it.raw[0]; uintptr(unsafe.Pointer(p)) >= uintptr(unsafe.Pointer(&b[0])) && uintptr(unsafe.Pointer(p)) < uintptr(unsafe.Pointer(&b[0]))+uintptr(len(b)) {
				at = k
			}
		}
		if at < 0 {
			continue // on the heap
		}
		inSlabs++
		if got := s.slabOf(it.Index); got != at {
			t.Fatalf("item %d: slab %d, but its bytes are in slab %d", it.Index, got, at)
		}
	}
	if inSlabs < len(l.Items)*9/10 {
		t.Fatalf("%d of %d items in the spool's slabs", inSlabs, len(l.Items))
	}
}

// TestSpoolAfterAMegabyte checks where the spool starts: a list whose
// items are under spoolAfter has none, a larger one has one.
func TestSpoolAfterAMegabyte(t *testing.T) {
	needSpool(t)
	for _, c := range []struct {
		items int
		spool bool
	}{{500, false}, {3000, true}} {
		var in bytes.Buffer
		if err := gen.ResourceList(&in, gen.Default(c.items)); err != nil {
			t.Fatal(err)
		}
		l, err := Read(&in)
		if err != nil {
			t.Fatal(err)
		}
		if (l.Spooled() > 0) != c.spool {
			t.Errorf("%d items (%d bytes): a spool of %d bytes; want one: %v", c.items, in.Len(), l.Spooled(), c.spool)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSpoolReplaysAFallback reads a list that needs the full parse only at
// its end: the replay gives the whole input, from the spool, and gives the
// spool back when read to the end.
func TestSpoolReplaysAFallback(t *testing.T) {
	needSpool(t)
	var b bytes.Buffer
	if err := gen.ResourceList(&b, gen.Default(2000)); err != nil {
		t.Fatal(err)
	}
	in := b.String() + "---\n" + b.String()
	_, err := readEach(strings.NewReader(in), nil, 0)
	var fb *Fallback
	if !errors.As(err, &fb) {
		t.Fatalf("read it (err %v); want the full parse", err)
	}
	c, ok := fb.Input.(*closeAtEOF)
	if !ok || c.list.Spooled() == 0 {
		t.Fatalf("the replay is a %T; want one of a spool", fb.Input)
	}
	got, err := io.ReadAll(fb.Input)
	if err != nil || string(got) != in {
		t.Fatalf("the replay differs from the input (%v)", err)
	}
	if c.list != nil {
		t.Fatal("the spool is still open after the replay")
	}
}

// TestSpoolThatCannotWrite reads lists into a spool whose file fails every
// write (a full disk, in effect): the items' bytes stay on the heap, the
// output and the replay are the input's, and no spool is left.
func TestSpoolThatCannotWrite(t *testing.T) {
	needSpool(t)
	for name, in := range spoolInputs(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			heap := readOnHeap(t, in)
			s := newSpool()
			if err := s.f.Close(); err != nil {
				t.Fatal(err)
			}
			var handed int
			r := &reader{lines: newLineReader(bytes.NewReader(in)), list: &List{spool: s}, seen: map[string]bool{}, intern: map[string]string{},
				each: func(*Item) { handed++ }, spoolAfter: 0}
			if err := r.read(); err != nil {
				t.Fatal(err)
			}
			l := r.list
			if l.Spooled() != 0 || handed != len(l.Items) {
				t.Fatalf("a spool of %d bytes, %d of %d items handed over; want none, and all", l.Spooled(), handed, len(l.Items))
			}
			replay, err := io.ReadAll(l.Replay())
			if err != nil || !bytes.Equal(replay, in) {
				t.Fatalf("the replay differs from the input (%v)", err)
			}
			if got, want := writeAll(t, l), writeAll(t, heap); got != want {
				t.Fatal("the output differs from the heap's")
			}
		})
	}
}

// TestReleaseItemsKeepsTheLast checks which slabs ReleaseItems gives back:
// those of the items, but for the slab of the last, where the caller reads
// on. A slab given back has no page in memory; one kept keeps those read.
func TestReleaseItemsKeepsTheLast(t *testing.T) {
	l := spooledList(t)
	s := l.spool
	if len(s.slabs) < 4 {
		t.Fatalf("%d slabs: too few", len(s.slabs))
	}
	// Items of slabs 1, 2 and 3, read again, in order.
	var items []*Item
	for _, it := range l.Items {
		if k := s.slabOf(it.Index); k >= 1 && k <= 3 {
			_ = bytes.Count(it.Raw(), []byte("\n")) // its pages come in
			items = append(items, it)
		}
	}
	l.ReleaseItems(items)
	for k, want := range map[int]bool{1: false, 2: false, 3: true} {
		if got := resident(t, s.slabs[k]); got != want {
			t.Errorf("slab %d has pages in memory: %v, want %v", k, got, want)
		}
	}
}

// resident reports whether any page of the mapping b is in the process's
// memory: its Rss in /proc/self/smaps. (mincore tells the page cache's,
// which keeps a file's pages that the process gave back.)
func resident(t *testing.T, b []byte) bool {
	t.Helper()
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	at := uintptr(unsafe.Pointer(&b[0]))
	in := false
	for _, line := range strings.Split(string(smaps), "\n") {
		var from, to uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x ", &from, &to); n == 2 {
			if in = from <= at && at < to; in && (from != at || to-from > uintptr(cap(b)+os.Getpagesize())) {
				t.Skip("the kernel merged the slab's mapping with another")
			}
			continue
		}
		if in && strings.HasPrefix(line, "Rss:") {
			return strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "Rss:"), "kB")) != "0"
		}
	}
	t.Fatalf("no mapping at %x in /proc/self/smaps", at)
	return false
}
