package inputlimit

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		env     map[string]string
		want    func(*Limits)
		wantErr string
	}{
		{env: nil, want: func(*Limits) {}},
		{env: map[string]string{EnvMaxInputBytes: "16Mi", EnvMaxNodes: "5000"}, want: func(l *Limits) { l.MaxInputBytes, l.MaxNodes = 16<<20, 5000 }},
		{env: map[string]string{EnvMaxLineBytes: "64Ki", EnvMaxDepth: "0"}, want: func(l *Limits) { l.MaxLineBytes, l.MaxDepth = 64<<10, 0 }},
		{env: map[string]string{EnvMaxScalarBytes: "1Gi", EnvMaxAliasNodes: "7"}, want: func(l *Limits) { l.MaxScalarBytes, l.MaxAliasNodes = 1<<30, 7 }},
		{env: map[string]string{EnvMaxInputBytes: "64MB"}, wantErr: `environment variable MIRRORSET_MAX_INPUT_BYTES="64MB": not a number; use a whole number, with Ki, Mi or Gi for sizes, or 0 for no limit`},
		{env: map[string]string{EnvMaxDepth: "-1"}, wantErr: `MIRRORSET_MAX_DEPTH="-1": negative`},
		{env: map[string]string{EnvMaxNodes: "9999999999Gi"}, wantErr: "too large"},
	}
	for _, tt := range tests {
		got, err := FromEnv(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("FromEnv(%v) error = %v, want %q", tt.env, err, tt.wantErr)
			}
			continue
		}
		want := Default()
		tt.want(&want)
		if err != nil || got != want {
			t.Errorf("FromEnv(%v) = %+v, %v; want %+v", tt.env, got, err, want)
		}
	}
}

func TestReader(t *testing.T) {
	l := Limits{MaxInputBytes: 100, MaxLineBytes: 10}
	tests := []struct {
		name, in, wantErr string
	}{
		{"within", strings.Repeat("0123456789\n", 9), ""},
		{"exactly the size", strings.Repeat("012345678\n", 10), ""},
		{"one byte over", strings.Repeat("012345678\n", 10) + "x", "the input is larger than 100 bytes (limit MIRRORSET_MAX_INPUT_BYTES=100; raise it if the input is meant to be so)"},
		{"long line", "a\nb\n01234567890\n", "line 3: the line is longer than 10 bytes (limit MIRRORSET_MAX_LINE_BYTES=10; raise it if the input is meant to be so)"},
		{"long last line", "a\n01234567890", "line 2: the line is longer than 10 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte at a time and all at once must agree.
			for _, r := range []io.Reader{strings.NewReader(tt.in), &oneByte{strings.NewReader(tt.in)}} {
				got, err := l.ReadAll(r)
				if tt.wantErr == "" {
					if err != nil || string(got) != tt.in {
						t.Fatalf("ReadAll = %q, %v; want the input", got, err)
					}
					continue
				}
				var le *Error
				if !errors.As(err, &le) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ReadAll error = %v, want %q", err, tt.wantErr)
				}
			}
		})
	}
}

type oneByte struct{ r io.Reader }

func (o *oneByte) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

// TestReaderStopsReading: past the limit the reader reads no further, so
// that a huge input costs no more than the limit.
func TestReaderStopsReading(t *testing.T) {
	src := &countingReader{}
	_, err := Limits{MaxInputBytes: 1 << 20}.ReadAll(src)
	if err == nil {
		t.Fatal("no error for an endless input")
	}
	if src.n > 1<<20+1 {
		t.Errorf("read %d bytes of an endless input, limit %d", src.n, 1<<20)
	}
}

type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
		if i%80 == 79 {
			p[i] = '\n'
		}
	}
	c.n += len(p)
	return len(p), nil
}

// nodeCount counts the nodes of a parsed tree, aliases as one node.
func nodeCount(n *yaml.Node) int {
	c := 1
	if n.Kind != yaml.AliasNode {
		for _, ch := range n.Content {
			c += nodeCount(ch)
		}
	}
	return c
}

// parseAll parses every document of data; ok is false if it is not YAML.
func parseAll(data []byte) (nodes int, ok bool) {
	d := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := d.Decode(&n)
		if err == io.EOF {
			return nodes, true
		}
		if err != nil {
			return 0, false
		}
		nodes += nodeCount(&n)
	}
}

var estimateSeeds = []string{
	"", "a", "a: b", "- a\n- b", "- - - - a", "[a,a,a,a]", "{a,b,c}", "{a, b: c, ? d}", "[a: b, c: d]", "[? a, ? b]",
	"a:\n  b:\n    c:\n      d:", "? - a\n  - b\n: c", "---\n---\n---", "a\n...\n---\nb\n...\n---\nc\n", `{"a":1,"b":[2,3]}`,
	"x: &a [1, 2]\ny: *a\nz: [*a, *a]", "|\n  text: - , [ {\n", "- {}\n- []\n- {a: [{}]}", "[[[[[]]]]]", "{{a: b}: c}",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n",
}

func TestEstimateNodesIsAnUpperBound(t *testing.T) {
	for _, s := range estimateSeeds {
		nodes, ok := parseAll([]byte(s))
		if !ok {
			t.Fatalf("seed %q does not parse", s)
		}
		if est := EstimateNodes([]byte(s)); est < nodes {
			t.Errorf("EstimateNodes(%q) = %d, but it parses to %d nodes", s, est, nodes)
		}
	}
}

// FuzzEstimateNodes: the estimate is never below the nodes a parse builds,
// so refusing by it never refuses what the node limit admits.
func FuzzEstimateNodes(f *testing.F) {
	for _, s := range estimateSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		nodes, ok := parseAll([]byte(s))
		if !ok {
			return
		}
		if est := EstimateNodes([]byte(s)); est < nodes {
			t.Fatalf("EstimateNodes(%q) = %d, but it parses to %d nodes", s, est, nodes)
		}
	})
}

func TestCheckEstimate(t *testing.T) {
	l := Limits{MaxNodes: 10}
	if err := l.CheckEstimate([]byte("a: b\nc: d\n")); err != nil {
		t.Errorf("a small map: %v", err)
	}
	err := l.CheckEstimate([]byte("[" + strings.Repeat("a,", 20) + "a]"))
	want := "by its separators (':', '-', ',', brackets, line breaks) the input may hold up to 66 YAML nodes, more than 4 times the limit, so it is refused before parsing (limit MIRRORSET_MAX_NODES=10; raise it if the input is meant to be so)"
	if err == nil || err.Error() != want {
		t.Errorf("a long flow list: %v\nwant %s", err, want)
	}
}

func laughs(levels int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < levels; i++ {
		p := "*a" + string(rune('0'+i-1))
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [" + strings.Repeat(p+", ", 8) + p + "]\n")
	}
	return b.String()
}

func TestChecker(t *testing.T) {
	l := Limits{MaxNodes: 1000, MaxDepth: 10, MaxScalarBytes: 20, MaxAliasNodes: 200}
	tests := []struct {
		name, in, wantErr string
	}{
		{"plain", "a: b\nc: [d, e]\n", ""},
		{"nesting at the limit", strings.Repeat("[", 10) + strings.Repeat("]", 10), ""},
		{"too deep", "x:\n  " + strings.Repeat("[", 11) + strings.Repeat("]", 11), "line 2: collections nest deeper than 10 levels (limit MIRRORSET_MAX_DEPTH=10; raise it if the input is meant to be so)"},
		{"too many nodes", "[" + strings.Repeat("a,", 1000) + "a]", "line 1: the input holds more than 1000 YAML nodes (limit MIRRORSET_MAX_NODES=1000"},
		{"long scalar", "a: b\nc: " + strings.Repeat("x", 21), "line 2: a scalar value of 21 bytes, larger than 20 bytes (limit MIRRORSET_MAX_SCALAR_BYTES=20"},
		{"long key", "a: b\n? " + strings.Repeat("k", 21) + "\n: v", "line 2: a key of 21 bytes, larger than 20 bytes"},
		{"a few aliases", "x: &m [a, b]\ny: *m\nz: *m\n", ""},
		{"alias bomb", laughs(4), "line 3: aliases expand to more than 200 YAML nodes (an alias bomb, such as \"billion laughs\", does that) (limit MIRRORSET_MAX_ALIAS_NODES=200"},
		{"billion laughs", laughs(9), "aliases expand to more than 200 YAML nodes"},
		{"aliases nest deep", "a: &a [x]\nb: &b [*a]\nc: &c [*b]\nd: &d [*c]\ne: &e [*d]\nf: &f [*e]\ng: &g [*f]\nh: &h [*g]\ni: &i [*h]\nj: &j [*i]\nk: [*j]\n", "line 10: collections nest deeper than 10 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var root yaml.Node
			if err := yaml.Unmarshal([]byte(tt.in), &root); err != nil {
				t.Fatalf("parse: %v", err)
			}
			err := l.NewChecker().Check(&root)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Check error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestCheckerCountsAcrossTrees: the node limit is for the whole input, also
// when its parts are parsed one by one.
func TestCheckerCountsAcrossTrees(t *testing.T) {
	c := Limits{MaxNodes: 10}.NewChecker()
	var err error
	for i := 0; i < 4 && err == nil; i++ {
		var n yaml.Node
		if e := yaml.Unmarshal([]byte("a: b"), &n); e != nil {
			t.Fatal(e)
		}
		err = c.Check(&n) // four nodes each
	}
	if err == nil || !strings.Contains(err.Error(), "more than 10 YAML nodes") {
		t.Errorf("three small trees: %v, want the node limit", err)
	}
}

// TestCountedAgreesWithCheck: a reader that builds no tree and counts what
// Check would count gets the same verdict from Counted as the tree from
// Check, at every limit around the tree's own sizes.
func TestCountedAgreesWithCheck(t *testing.T) {
	for _, in := range []string{
		"a: b\n",
		"metadata:\n  name: x\n  annotations:\n    k: v\nspec:\n  list:\n  - source: s\n    mirrors:\n    - m1\n    - m2\n",
		"a:\n  b:\n    c:\n      d: " + strings.Repeat("x", 30) + "\n",
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(in), &doc); err != nil {
			t.Fatal(err)
		}
		root := doc.Content[0]
		var nodes, height, longest int
		var walk func(n *yaml.Node, depth int)
		walk = func(n *yaml.Node, depth int) {
			nodes++
			if n.Kind == yaml.ScalarNode {
				longest = max(longest, len(n.Value))
				return
			}
			height = max(height, depth+1)
			for _, c := range n.Content {
				walk(c, depth+1)
			}
		}
		walk(root, 0)
		for _, l := range []Limits{
			{MaxNodes: nodes}, {MaxNodes: nodes - 1}, {MaxDepth: height}, {MaxDepth: height - 1},
			{MaxScalarBytes: longest}, {MaxScalarBytes: longest - 1},
		} {
			checkErr := l.NewChecker().Check(root)
			countErr := l.NewChecker().Counted(nodes, height, longest)
			if (checkErr == nil) != (countErr == nil) {
				t.Errorf("%q with %+v: Check says %v, Counted %v", in, l, checkErr, countErr)
			}
		}
	}
}

// TestEstimateNodesByteByByte holds EstimateNodes, which counts each
// weighing byte at once, to the sum of nodeWeight over the bytes.
func TestEstimateNodesByteByByte(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		data := make([]byte, r.IntN(300))
		for i := range data {
			data[i] = byte(r.IntN(256))
			if r.IntN(2) == 0 {
				data[i] = "\n:-,[{?a "[r.IntN(9)]
			}
		}
		want := 3
		for _, c := range data {
			want += int(nodeWeight[c])
		}
		if got := EstimateNodes(data); got != want {
			t.Fatalf("EstimateNodes(%q) = %d; want %d", data, got, want)
		}
	}
}

// TestReaderLinesByWindows holds Reader's line limit, which it checks a
// window of the limit's size at a time, to a count line by line: the same
// inputs pass, and the same line is named in the error, however the input
// is cut into reads.
func TestReaderLinesByWindows(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for range 3000 {
		limit := 1 + r.IntN(20)
		var b []byte
		for range r.IntN(30) {
			b = append(b, bytes.Repeat([]byte{'x'}, r.IntN(limit+3))...)
			if r.IntN(8) > 0 {
				b = append(b, '\n')
			}
		}
		// The line the limit stops at, counted line by line; 0 for none.
		want, line, col := 0, 1, 0
		for _, c := range b {
			if c == '\n' {
				line, col = line+1, 0
				continue
			}
			if col++; col > limit {
				want = line
				break
			}
		}
		lr := Limits{MaxLineBytes: limit}.NewReader(&cutReader{b: b, r: r})
		got, err := io.ReadAll(lr)
		var le *Error
		switch {
		case want == 0 && (err != nil || !bytes.Equal(got, b)):
			t.Fatalf("limit %d, %q: %v; want it read whole", limit, b, err)
		case want != 0 && (!errors.As(err, &le) || le.Line != want):
			t.Fatalf("limit %d, %q: %v; want line %d too long", limit, b, err, want)
		}
	}
}

// cutReader reads b in reads of drawn sizes.
type cutReader struct {
	b []byte
	r *rand.Rand
}

func (c *cutReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 1+c.r.IntN(12))], c.b)
	c.b = c.b[n:]
	return n, nil
}
