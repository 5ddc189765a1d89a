package krm_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/mirrorset/mirrorset/pkg/krm"
	"github.com/mirrorset/mirrorset/pkg/resourcelist"
	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// kyamlPrint runs a no-op kyaml function: the form kyaml prints a list in.
// It fails on what kyaml cannot read.
func kyamlPrint(in []byte) ([]byte, error) {
	var out bytes.Buffer
	noop := framework.ResourceListProcessorFunc(func(*framework.ResourceList) error { return nil })
	err := framework.Execute(noop, &kio.ByteReadWriter{Reader: bytes.NewReader(in), Writer: &out, KeepReaderAnnotations: true})
	return out.Bytes(), err
}

type runResult struct {
	stdout, stderr string
	code           int
}

func runBoth(in []byte) (fast, full runResult) {
	var o, e bytes.Buffer
	fast.code = krm.Run(bytes.NewReader(in), &o, &e)
	fast.stdout, fast.stderr = o.String(), e.String()
	o.Reset()
	e.Reset()
	full.code = krm.RunFull(bytes.NewReader(in), &o, &e)
	full.stdout, full.stderr = o.String(), e.String()
	return fast, full
}

// sameOutput checks that the fast path and the full parse agree: the same
// exit code and messages, the same data and comments (what kyaml prints of
// the fast path's output is the full parse's output), and, where the input
// is in the form kyaml prints, the same bytes. Where they differ, it is in
// what kyaml would change on the way: spacing, indentation, folding.
func sameOutput(t *testing.T, in []byte) {
	t.Helper()
	fast, full := runBoth(in)
	if fast.code != full.code || fast.stderr != full.stderr {
		t.Fatalf("exit %d, stderr:\n%s\nbut the full parse: exit %d, stderr:\n%s\ninput:\n%s", fast.code, fast.stderr, full.code, full.stderr, in)
	}
	if fast.stdout == full.stdout {
		return
	}
	if printed, err := kyamlPrint(in); err == nil && bytes.Equal(printed, in) {
		t.Fatalf("the input is in kyaml's form, but the output differs from the full parse's:\n%s", diff(fast.stdout, full.stdout))
	}
	fastPrinted, err := kyamlPrint([]byte(fast.stdout))
	if err != nil {
		t.Fatalf("kyaml cannot read the output: %v\n%s", err, fast.stdout)
	}
	if bytes.Equal(fastPrinted, []byte(full.stdout)) {
		return
	}
	// kyaml does not always print its own output back as it was (folded
	// scalars with more indented lines): compare both printed again.
	fullPrinted, err := kyamlPrint([]byte(full.stdout))
	if err != nil {
		t.Fatalf("kyaml cannot read the full parse's output: %v\n%s", err, full.stdout)
	}
	if !bytes.Equal(fastPrinted, fullPrinted) {
		t.Fatalf("the output has other data or comments than the full parse's:\n%s\ninput:\n%s", diff(string(fastPrinted), string(fullPrinted)), in)
	}
}

// diff shows the first lines where a (fast) and b (full) differ.
func diff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(al) && i < len(bl) && al[i] == bl[i] {
		i++
	}
	from := max(0, i-3)
	return fmt.Sprintf("--- fast path, from line %d\n%s\n--- full parse\n%s", from+1,
		strings.Join(al[from:min(len(al), i+8)], "\n"), strings.Join(bl[from:min(len(bl), i+8)], "\n"))
}

func goldenInputs(t testing.TB) map[string][]byte {
	paths, err := filepath.Glob("testdata/golden/*/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	in := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		in["golden/"+filepath.Base(filepath.Dir(p))] = b
	}
	return in
}

func generated(t testing.TB, o gen.Options, functionConfig string) []byte {
	var b bytes.Buffer
	if err := gen.ResourceList(&b, o); err != nil {
		t.Fatal(err)
	}
	if functionConfig == "" {
		return b.Bytes()
	}
	s := b.String()
	return []byte(s[:strings.Index(s, "functionConfig:")] + functionConfig)
}

// generatedInputs are generated lists with each of the configurations that
// change what mirrorset writes.
func generatedInputs(t testing.TB) map[string][]byte {
	configs := map[string]string{
		"default":      "",
		"tag-mirrors":  "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  data:\n    tagMirrors: \"true\"\n    defaultMirrorSourcePolicy: NeverContactSource\n",
		"keep-icsp":    "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  data:\n    keepICSP: \"true\"\n",
		"per-registry": "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  data:\n    layout: per-registry\n",
		"preview":      "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  data:\n    preview: configmap\n",
		"no-config":    "\n",
	}
	in := map[string][]byte{}
	for name, fc := range configs {
		for _, o := range []gen.Options{
			{Items: 40, MirrorPercent: 30, Seed: 1},
			{Items: 25, MirrorPercent: 80, Sources: 4, Seed: 2},
			{Items: 3, MirrorPercent: 0, Seed: 3},
			{Items: 0, Seed: 4},
			{Items: 60, MirrorPercent: 50, Seed: 5, Overlap: true},
		} {
			in[fmt.Sprintf("generated/%s/%d-%d-%d-%v", name, o.Items, o.MirrorPercent, o.Seed, o.Overlap)] = generated(t, o, strings.TrimPrefix(fc, "\n"))
		}
	}
	return in
}

// trickyInputs put YAML's hiding places for lines that look like items, and
// the things kyaml adds and drops, next to items mirrorset owns.
var trickyInputs = map[string]string{
	"block scalars": `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: scripts
  data:
    a: |
      - apiVersion: v1
      kind: ImageContentSourcePolicy
    b: |+
      kept

    c: >-
      folded
      text
    d: |2
        explicit
` + icsp("after-scalars") + `- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: last
  data:
    e: |
      trailing
`,
	"multi-line scalars and flow": `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: quoted
  data:
    double: "first
- not an item
      second"
    single: 'one
- kind: ImageContentSourcePolicy
      two'
    plain: a plain
      scalar "over
      lines
    flow: [a, b,
c, "d]", # a comment ]
-d]
    map: {a: 1,
  b: [2, 3]}
` + icsp("after-multiline"),
	"comments everywhere": `# before the list
apiVersion: config.kubernetes.io/v1 # the version
kind: ResourceList
# before items
items: # items
# before the first item
- # after the dash
  apiVersion: v1
  kind: Service
  metadata:
    name: svc
# inside, at column 0
  spec: {}
  # foot of svc
# head of the policy
` + icsp("commented") + `    # foot of the policy
# head of the last
- apiVersion: v1
  kind: Service
  metadata:
    name: other
# after the last item
functionConfig:
  # head of the config
  apiVersion: v1
  kind: ConfigMap
  data:
    tagMirrors: "true" # and tags
# at the end
`,
	"annotation pairs": `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: a
    annotations:
      internal.config.kubernetes.io/path: a.yaml
      config.kubernetes.io/index: '0'
- apiVersion: operator.openshift.io/v1alpha1
  kind: ImageContentSourcePolicy
  metadata:
    name: b
    annotations:
      config.kubernetes.io/path: b.yaml
      internal.config.kubernetes.io/index: '3'
      config.k8s.io/id: '7'
  spec:
    repositoryDigestMirrors:
    - source: quay.io/b
      mirrors:
      - m.example.com/b
- apiVersion: v1
  kind: Service
  metadata:
    name: c
    annotations:
      config.kubernetes.io/path: c.yaml
      internal.config.kubernetes.io/path: c.yaml
      internal.config.kubernetes.io/index: '1'
`,
	"empty metadata and extra fields": `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Service
  metadata: {}
- apiVersion: v1
  kind: Service
  metadata:
    name: x
    annotations: {}
- apiVersion: v1
  kind: Service
  metadata:
    name: y
    annotations:
- apiVersion: v1
  kind: Service
  metadata:
` + icsp("beside-empties") + `unknown: [1, 2]
results:
- message: from an earlier function
  severity: info
`,
	"no items": `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items: []
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  data:
    tagMirrors: "true"
`,
	"a List kind": `apiVersion: v1
kind: List
items:
` + icsp("in-a-list") + `- apiVersion: v1
  kind: List
  items:
  - apiVersion: operator.openshift.io/v1alpha1
    kind: ImageContentSourcePolicy
    metadata:
      name: nested
    spec:
      repositoryDigestMirrors:
      - source: quay.io/nested
        mirrors: [m.example.com/nested]
`,
	"forms that need the full parse": `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- &anchor
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: anchored
` + icsp("beside-an-anchor"),
	"crlf": strings.ReplaceAll(`apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
`+icsp("crlf"), "\n", "\r\n"),
	"not a list":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
	"broken yaml": "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: b: c\n" + icsp("broken"),
}

func icsp(name string) string {
	return `- apiVersion: operator.openshift.io/v1alpha1
  kind: ImageContentSourcePolicy
  metadata:
    name: ` + name + `
  spec:
    repositoryDigestMirrors:
    - source: quay.io/acme/` + name + `
      mirrors:
      - mirror.example.com/acme/` + name + `
`
}

// TestFastPathMatchesFullParse runs the fast path and the full parse on the
// golden inputs, generated lists and inputs made to trip a line scanner,
// and requires the same output.
func TestFastPathMatchesFullParse(t *testing.T) {
	inputs := goldenInputs(t)
	for name, in := range generatedInputs(t) {
		inputs[name] = in
	}
	for name, in := range trickyInputs {
		inputs["tricky/"+name] = []byte(in)
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sameOutput(t, in)
		})
	}
}

// TestFastPathKeepsBytes checks the point of the fast path on a generated
// list, which is in kyaml's form: the items mirrorset does not own come out
// byte for byte, and the output is the full parse's.
func TestFastPathKeepsBytes(t *testing.T) {
	in := generated(t, gen.Options{Items: 200, MirrorPercent: 30, Seed: 5}, "")
	fast, full := runBoth(in)
	if fast.stdout != full.stdout {
		t.Fatalf("the output differs from the full parse's:\n%s", diff(fast.stdout, full.stdout))
	}
	in = generated(t, gen.Options{Items: 200, MirrorPercent: 0, Seed: 5}, "")
	fast, _ = runBoth(in)
	if fast.stdout != string(in) || fast.code != 0 {
		t.Fatalf("exit %d; a list without mirror objects changed:\n%s", fast.code, diff(fast.stdout, string(in)))
	}
}

// FuzzFastPathMatchesFullParse mutates the inputs of the equivalence test.
// Inputs that kyaml cannot read are skipped: the fast path does not check
// the YAML of items it does not own (it copies them, as cat would).
func FuzzFastPathMatchesFullParse(f *testing.F) {
	for _, in := range goldenInputs(f) {
		f.Add(in)
	}
	for _, in := range trickyInputs {
		f.Add([]byte(in))
	}
	f.Add(generated(f, gen.Options{Items: 6, MirrorPercent: 50, Seed: 9}, ""))
	rng := rand.New(rand.NewPCG(11, 7))
	for range 20 {
		f.Add([]byte(styledList(rng)))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if _, err := kyamlPrint(in); err != nil {
			t.Skip("kyaml cannot read it")
		}
		sameOutput(t, in)
	})
}

// styledList writes a list whose items use YAML's forms at random: other
// indentations, lists indented or not, flow collections, every kind of
// scalar over one or several lines, comments and blank lines anywhere, and
// the annotation spellings kpt and kustomize use; a third of the items are
// mirror objects, in the same styles.
func styledList(rng *rand.Rand) string {
	var b strings.Builder
	pick := func(opts ...string) string { return opts[rng.IntN(len(opts))] }
	b.WriteString(pick("", "# a list\n") + "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n" + pick("", "# the items\n") + "items:\n")
	// One spelling of the path annotations for the whole list, as kyaml
	// requires.
	spelling := pick("none", "legacy", "internal", "both", "mixed")
	n := 1 + rng.IntN(6)
	for i := 0; i < n; i++ {
		in := pick("  ", "    ")
		seq := pick("", in) // lists at their key's column, or indented
		var lines []string
		add := func(depth int, s string) { lines = append(lines, strings.Repeat(in, depth)+s) }
		comment := func(depth int) {
			switch rng.IntN(8) {
			case 0:
				add(depth, "# a comment")
			case 1:
				lines = append(lines, "")
			case 2:
				lines = append(lines, "# at column 0")
			}
		}
		owned := rng.IntN(3) == 0
		if owned {
			add(0, pick("apiVersion: operator.openshift.io/v1alpha1", "apiVersion: 'operator.openshift.io/v1alpha1'"))
			add(0, "kind: ImageContentSourcePolicy")
		} else {
			add(0, "apiVersion: v1")
			add(0, pick("kind: ConfigMap", `kind: "Service"`))
		}
		comment(0)
		switch rng.IntN(10) {
		case 0: // no metadata
		case 1:
			add(0, "metadata: {name: flow-"+strconv.Itoa(i)+"}")
		default:
			add(0, "metadata:"+pick("", " # metadata"))
			q := pick("", "'", `"`)
			add(1, "name: "+q+"item-"+strconv.Itoa(i)+q)
			comment(1)
			if spelling != "none" || rng.IntN(3) == 0 {
				add(1, "annotations:")
				comment(2)
				path := fmt.Sprintf("dir/item-%d.yaml", i)
				s := spelling
				if s == "mixed" {
					s = pick("legacy", "internal", "pathonly")
				}
				switch s {
				case "legacy":
					add(2, "config.kubernetes.io/path: "+path)
					add(2, "config.kubernetes.io/index: '0'")
				case "internal":
					add(2, "internal.config.kubernetes.io/path: "+pick(path, "'"+path+"'"))
					add(2, "internal.config.kubernetes.io/index: '0'")
				case "both":
					add(2, "config.kubernetes.io/path: "+path)
					add(2, "internal.config.kubernetes.io/path: "+path)
				case "pathonly": // legacy path, internal index: kyaml fills in the rest
					add(2, "config.kubernetes.io/path: "+path)
					add(2, "internal.config.kubernetes.io/index: '"+strconv.Itoa(i)+"'")
				default:
					add(2, "team: "+pick("a", "'b'", `"c"`))
				}
				comment(2)
			}
		}
		if owned {
			add(0, "spec:")
			add(1, "repositoryDigestMirrors:")
			for e := 0; e < 1+rng.IntN(3); e++ {
				src := fmt.Sprintf("quay.io/org/repo-%d", rng.IntN(4))
				// The entry's keys are two columns right of its "- ".
				add(1, seq+"- source: "+pick(src, "'"+src+"'"))
				switch rng.IntN(3) {
				case 0:
					add(1, seq+"  mirrors: [m1.example.com/x, "+pick("m2.example.com/y]", "\n"+in+in+in+"m2.example.com/y]"))
				default:
					add(1, seq+"  mirrors:")
					for m := 0; m < 1+rng.IntN(2); m++ {
						add(1, seq+"  "+seq+fmt.Sprintf("- m%d.example.com/org/repo # mirror", m))
					}
				}
				comment(2)
			}
		} else {
			add(0, "data:")
			for k := 0; k < 1+rng.IntN(4); k++ {
				key := pick("plain", "'quoted key'", "dotted.key/x")
				switch rng.IntN(9) {
				case 0:
					add(1, key+": "+pick("|", "|-", "|+", ">", ">-", "|2"))
					add(2, "- not: an item")
					lines = append(lines, "")
					add(2, pick("kind: ImageContentSourcePolicy", "  more indented", "'quote"))
				case 1:
					add(1, key+": \"two\n"+pick("- lines", "# not a comment", "  more")+"\"")
				case 2:
					add(1, key+": 'it''s\n"+in+"- still'")
				case 3:
					add(1, key+": plain text\n"+in+in+"  \"continued\" [here]")
				case 4:
					add(1, key+": {a: 1, b: [x, y]}")
				case 5:
					add(1, key+": [a,\n"+pick("b]", "  'c]', d]", "# c\n  e]"))
				case 6:
					add(1, key+": \"esc\\u0041ped\\n\" # escaped")
				case 7:
					add(1, key+":   spaced    # comment")
				default:
					add(1, key+": value-"+strconv.Itoa(k))
				}
				comment(1)
			}
		}
		// "- " on the first line, or on a line of its own.
		first := pick("- ", "- # the item\n  ", "-\n  ")
		b.WriteString(first + strings.Join(lines, "\n"+pick("  ", "  "))[0:0])
		for j, l := range lines {
			switch {
			case j == 0:
				b.WriteString(l)
			case l == "":
				b.WriteString("\n")
			case strings.HasPrefix(l, "#"):
				b.WriteString("\n" + l)
			default:
				b.WriteString("\n  " + strings.ReplaceAll(l, "\n", "\n  "))
			}
		}
		b.WriteString("\n")
		if rng.IntN(4) == 0 {
			b.WriteString(pick("# between items\n", "  # an indented comment\n", "\n", "    # deeper\n# then column 0\n"))
		}
	}
	switch rng.IntN(4) {
	case 0:
		b.WriteString("functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  data:\n    tagMirrors: \"true\" # tags too\n")
	case 1:
		b.WriteString("functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  data:\n    keepICSP: \"true\"\n")
	case 2:
		b.WriteString("results:\n- message: earlier\n  severity: info\n")
	}
	return b.String()
}

// TestFastPathMatchesFullParseOnStyles runs both paths on lists written in
// YAML's many styles (see styledList).
func TestFastPathMatchesFullParseOnStyles(t *testing.T) {
	seed, lists := uint64(7), 400
	if s := os.Getenv("STYLES_SEED"); s != "" { // to explore: STYLES_SEED=n STYLES_LISTS=m
		seed, _ = strconv.ParseUint(s, 10, 64)
		lists, _ = strconv.Atoi(os.Getenv("STYLES_LISTS"))
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	fast := 0
	for i := 0; i < lists; i++ {
		in := styledList(rng)
		if _, err := kyamlPrint([]byte(in)); err != nil {
			continue // a style combination that is not YAML
		}
		t.Run(strconv.Itoa(i), func(t *testing.T) { sameOutput(t, []byte(in)) })
		if _, err := resourcelist.Read(strings.NewReader(in)); err == nil {
			fast++
		}
	}
	t.Logf("the fast path read %d of the lists", fast)
	if fast < lists/4 {
		t.Errorf("the fast path read only %d of the lists", fast)
	}
}
