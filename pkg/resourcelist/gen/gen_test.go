package gen_test

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

func list(t *testing.T, o gen.Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gen.ResourceList(&b, o); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSameOptionsSameList(t *testing.T) {
	o := gen.Default(200)
	if !bytes.Equal(list(t, o), list(t, o)) {
		t.Error("two lists from the same options differ")
	}
	o2 := o
	o2.Seed++
	if bytes.Equal(list(t, o), list(t, o2)) {
		t.Error("two seeds give the same list")
	}
}

// TestKyamlForm: a no-op kyaml function prints the list back as it is, so
// that the benchmark's lists show the fast path's bytes kept.
func TestKyamlForm(t *testing.T) {
	for _, o := range []gen.Options{gen.Default(0), gen.Default(1), gen.Default(300), gen.Overlapping(300)} {
		n := o.Items
		in := list(t, o)
		var out bytes.Buffer
		noop := framework.ResourceListProcessorFunc(func(*framework.ResourceList) error { return nil })
		if err := framework.Execute(noop, &kio.ByteReadWriter{Reader: bytes.NewReader(in), Writer: &out, KeepReaderAnnotations: true}); err != nil {
			t.Fatal(err)
		}
		if out.String() != string(in) {
			t.Errorf("%d items: kyaml prints the list otherwise", n)
		}
	}
}

func TestMix(t *testing.T) {
	in := string(list(t, gen.Options{Items: 2000, MirrorPercent: 30, Seed: 1}))
	items := strings.Count(in, "\n- ")
	icsps := strings.Count(in, "\n  kind: ImageContentSourcePolicy\n")
	if items != 2000 || icsps < 500 || icsps > 700 {
		t.Errorf("%d items, %d policies; want 2000 and about 600", items, icsps)
	}
}

func TestSets(t *testing.T) {
	sets := gen.Sets(mirror.ICSP, 1000, 100, 1)
	entries, sources := 0, map[string]bool{}
	for _, s := range sets {
		if s.Kind != mirror.ICSP || len(s.Entries) != 10 {
			t.Fatalf("%s with %d entries; want ImageContentSourcePolicy with 10", s.Kind, len(s.Entries))
		}
		for _, e := range s.Entries {
			entries++
			sources[e.Source] = true
		}
	}
	if entries != 1000 || len(sources) != 100 {
		t.Errorf("%d entries over %d sources; want 1000 over 100", entries, len(sources))
	}
}

// TestOverlapping: the policies of the overlapping lists have 1 to 6
// entries over one source per 20 items, and the lists of a source come in
// more than one order.
func TestOverlapping(t *testing.T) {
	in := string(list(t, gen.Overlapping(2000)))
	orders := map[string]map[string]bool{}
	entries := map[int]int{}
	for _, policy := range strings.Split(in, "\n- apiVersion: operator.openshift.io/v1alpha1\n")[1:] {
		policy, _, _ = strings.Cut(policy, "\n- ")
		n := 0
		for _, e := range strings.Split(policy, "    - mirrors:\n")[1:] {
			n++
			mirrors, source, _ := strings.Cut(e, "      source: ")
			source, _, _ = strings.Cut(source, "\n")
			if orders[source] == nil {
				orders[source] = map[string]bool{}
			}
			orders[source][mirrors] = true
		}
		entries[n]++
	}
	disagree := 0
	for _, o := range orders {
		if len(o) > 1 {
			disagree++
		}
	}
	if len(orders) > 100 || len(orders) < 90 || disagree < len(orders)/2 {
		t.Errorf("%d sources, %d with lists in more than one order; want about 100, most of them", len(orders), disagree)
	}
	for n := 1; n <= 6; n++ {
		if entries[n] == 0 {
			t.Errorf("no policy of %d entries: %v", n, entries)
		}
	}
	if entries[0] > 0 || entries[7] > 0 {
		t.Errorf("policies of 0 or 7 entries: %v", entries)
	}
}
