package importconf

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"strings"
	"testing"
)

func TestDataURL(t *testing.T) {
	t.Parallel()
	conf := "[[registry]]\n  location = \"quay.io/a\"\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(conf))
	zw.Close()
	for _, tc := range []struct {
		name, src, compression, want, err string
	}{
		{name: "percent-encoded", src: "data:,%5B%5Bregistry%5D%5D%0A%20%20location%20%3D%20%22quay.io%2Fa%22%0A", want: conf},
		{name: "base64 with media type", src: "data:text/plain;charset=utf-8;base64," + base64.StdEncoding.EncodeToString([]byte(conf)), want: conf},
		{name: "base64 without padding", src: "data:;base64," + base64.RawStdEncoding.EncodeToString([]byte(conf)), want: conf},
		{name: "gzip", src: "data:;base64," + base64.StdEncoding.EncodeToString(gz.Bytes()), compression: "gzip", want: conf},
		{name: "remote", src: "https://example.com/registries.conf", err: `a "https" source is fetched by the node`},
		{name: "no comma", src: "data:text/plain", err: "needs a comma"},
		{name: "bad base64", src: "data:;base64,@@@", err: "bad base64"},
		{name: "bad percent", src: "data:,%zz", err: "bad percent-encoding"},
		{name: "gzip of plain text", src: "data:,abc", compression: "gzip", err: "compression gzip"},
		{name: "other compression", src: "data:,abc", compression: "xz", err: `compression "xz"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DataURL(tc.src, tc.compression)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestDifferences(t *testing.T) {
	t.Parallel()
	const base = "[[registry]]\n  location = \"quay.io/a\"\n  [[registry.mirror]]\n    location = \"m.example.com/a\"\n    pull-from-mirror = \"digest-only\"\n"
	for _, tc := range []struct {
		name, other, want string
	}{
		{"same pulls, older spelling", "[[registry]]\n  prefix = \"quay.io/a\"\n  location = \"quay.io/a\"\n  mirror-by-digest-only = true\n  [[registry.mirror]]\n    location = \"m.example.com/a\"\n", ""},
		{"tag instead of digest", strings.Replace(base, "digest-only", "tag-only", 1), `pulls by digest try ["m.example.com/a"], would try []`},
		{"blocked", strings.Replace(base, "\"quay.io/a\"\n", "\"quay.io/a\"\n  blocked = true\n", 1), "blocked is false, would be true"},
		{"missing", "", `pulls by digest try ["m.example.com/a"], would try []`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Differences([]byte(base), []byte(tc.other))
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(d, "\n")
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
