package resourcelist_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/resourcelist"
	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// BenchmarkPassThrough reads a generated list and writes every item back
// as it came: the fast path's floor, without mirrorset's own work.
func BenchmarkPassThrough(b *testing.B) {
	var in bytes.Buffer
	if err := gen.ResourceList(&in, gen.Default(10000)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(in.Len()))
	for b.Loop() {
		l, err := resourcelist.Read(bytes.NewReader(in.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		w := l.NewWriter(io.Discard)
		for _, it := range l.Items {
			if err := w.Item(it); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(nil); err != nil {
			b.Fatal(err)
		}
	}
}
