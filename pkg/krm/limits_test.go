package krm_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/krm"
)

// lazyInput is an input made as it is read, so that a test can send
// hundreds of megabytes without holding them: head, then body repeated
// until size bytes have gone out (forever if size < 0). It counts what
// was read.
type lazyInput struct {
	head, body string
	size, read int64
	buf        []byte
}

func (g *lazyInput) Read(p []byte) (int, error) {
	if g.size >= 0 && g.read >= g.size {
		return 0, io.EOF
	}
	for len(g.buf) < len(p) {
		if g.read == 0 && len(g.buf) == 0 {
			g.buf = append(g.buf, g.head...)
			continue
		}
		g.buf = append(g.buf, g.body...)
	}
	n := copy(p, g.buf)
	if g.size >= 0 && g.read+int64(n) > g.size {
		n = int(g.size - g.read)
	}
	g.buf = g.buf[n:]
	g.read += int64(n)
	return n, nil
}

const rlHead = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"

// crlf makes an input take the full parse, where every limit applies to
// every item.
func crlf(s string) string { return strings.Replace(s, "\n", "\r\n", 1) }

func configMaps(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cm-%d\n  data:\n    key: value\n", i)
	}
	return b.String()
}

func icspWith(extra string) string {
	return "- apiVersion: operator.openshift.io/v1alpha1\n  kind: ImageContentSourcePolicy\n  metadata:\n    name: big\n    annotations:\n      config.kubernetes.io/path: big.yaml\n" + extra +
		"  spec:\n    repositoryDigestMirrors:\n    - source: quay.io/a\n      mirrors: [mirror.example.com/a]\n"
}

// TestHostileInputs sends inputs too large to keep as files, and inputs
// over limits lowered by the environment. Each is refused with exactly
// the message, and the size limit stops the reading.
func TestHostileInputs(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		in   io.Reader
		want string
		// maxRead bounds how much of the input may be read.
		maxRead int64
	}{
		{
			name:    "several hundred MB",
			in:      &lazyInput{head: rlHead, body: configMaps(1), size: 500 << 20},
			want:    "error: reading the ResourceList: the input is larger than 64 MiB (limit MIRRORSET_MAX_INPUT_BYTES=67108864; raise it if the input is meant to be so)\n",
			maxRead: 64<<20 + 1,
		},
		{
			name:    "endless",
			in:      &lazyInput{head: rlHead, body: configMaps(1), size: -1},
			want:    "error: reading the ResourceList: the input is larger than 64 MiB (limit MIRRORSET_MAX_INPUT_BYTES=67108864; raise it if the input is meant to be so)\n",
			maxRead: 64<<20 + 1,
		},
		{
			name:    "a 100 MB scalar in lines",
			in:      &lazyInput{head: rlHead + "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: big\n  data:\n    big: |\n", body: "      " + strings.Repeat("y", 73) + "\n", size: 100 << 20},
			want:    "error: reading the ResourceList: the input is larger than 64 MiB (limit MIRRORSET_MAX_INPUT_BYTES=67108864; raise it if the input is meant to be so)\n",
			maxRead: 64<<20 + 1,
		},
		{
			name:    "a 100 MB scalar on one line",
			in:      &lazyInput{head: rlHead + "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: big\n  data:\n    big: ", body: strings.Repeat("z", 4096), size: 100 << 20},
			want:    "error: reading the ResourceList: line 9: the line is longer than 4 MiB (limit MIRRORSET_MAX_LINE_BYTES=4194304; raise it if the input is meant to be so)\n",
			maxRead: 4<<20 + 1<<20,
		},
		{
			name: "a key of 2000 characters",
			in:   strings.NewReader(rlHead + icspWith("    labels:\n      "+strings.Repeat("k", 2000)+": v\n")),
			want: "error: reading the ResourceList: the input is not valid YAML: line 11: mapping values are not allowed in this context (the line is 2009 bytes long: a key of over 1024 characters must be written as an explicit key, \"? key\"); " +
				"mirrorset reads a ResourceList (apiVersion: config.kubernetes.io/v1, kind: ResourceList, items: [...]) on stdin, as kpt and kustomize send it; for plain YAML files, use mirrorset migrate\n",
		},
		{
			name: "too many nodes",
			env:  map[string]string{"MIRRORSET_MAX_NODES": "1000"},
			in:   strings.NewReader(crlf(rlHead + configMaps(100))),
			want: "error: reading the ResourceList: line 461: the input holds more than 1000 YAML nodes (limit MIRRORSET_MAX_NODES=1000; raise it if the input is meant to be so)\n",
		},
		{
			name: "too dense to parse",
			env:  map[string]string{"MIRRORSET_MAX_NODES": "1000"},
			in:   strings.NewReader(rlHead + icspWith("    labels: {a: ["+strings.Repeat("x,", 2000)+"x]}\n")),
			want: "error: reading the ResourceList: by its separators (':', '-', ',', brackets, line breaks) the input may hold up to 6060 YAML nodes, more than 4 times the limit, so it is refused before parsing (limit MIRRORSET_MAX_NODES=1000; raise it if the input is meant to be so)\n",
		},
		{
			name: "too many items",
			env:  map[string]string{"MIRRORSET_MAX_ITEMS": "10"},
			in:   strings.NewReader(crlf(rlHead + configMaps(11))),
			want: "error: reading the ResourceList: line 4: the list has 11 items, more than 10 (limit MIRRORSET_MAX_ITEMS=10; raise it if the input is meant to be so)\n",
		},
		{
			name: "a large annotation",
			env:  map[string]string{"MIRRORSET_MAX_SCALAR_BYTES": "1Ki"},
			in:   strings.NewReader(rlHead + icspWith("    labels:\n      note: "+strings.Repeat("n", 2048)+"\n")),
			want: "error: reading the ResourceList: line 11: a scalar value of 2048 bytes, larger than 1 KiB (limit MIRRORSET_MAX_SCALAR_BYTES=1024; raise it if the input is meant to be so)\n",
		},
		{
			name: "aliases over a lowered limit",
			env:  map[string]string{"MIRRORSET_MAX_ALIAS_NODES": "10"},
			in: strings.NewReader(rlHead + "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n  data:\n    a: &a [1, 2, 3, 4, 5]\n" +
				"- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n  data:\n    b: *a\n    c: *a\n"),
			want: "error: reading the ResourceList: line 16: aliases expand to more than 10 YAML nodes (an alias bomb, such as \"billion laughs\", does that) (limit MIRRORSET_MAX_ALIAS_NODES=10; raise it if the input is meant to be so)\n",
		},
		{
			name: "a bad limit",
			env:  map[string]string{"MIRRORSET_MAX_INPUT_BYTES": "64MB"},
			in:   strings.NewReader(rlHead + configMaps(1)),
			want: "error: environment variable MIRRORSET_MAX_INPUT_BYTES=\"64MB\": not a number; use a whole number, with Ki, Mi or Gi for sizes, or 0 for no limit\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if testing.Short() && tt.maxRead > 0 {
				t.Skip("reads tens of megabytes")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out, errOut bytes.Buffer
			code := krm.Run(tt.in, &out, &errOut)
			checkOutputShape(t, out.String(), errOut.String(), code)
			if code != 1 || errOut.String() != tt.want {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1, stderr:\n%s", code, errOut.String(), tt.want)
			}
			if g, ok := tt.in.(*lazyInput); ok && tt.maxRead > 0 && g.read > tt.maxRead {
				t.Errorf("read %d bytes, want at most %d", g.read, tt.maxRead)
			}
		})
	}
}
