package imagepull

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/result"
)

// scanAgrees checks sc's Scan against the parse and Find on one item (as
// a list holds it, after "- "): what Scan reads, the parse reads the same,
// and it says when it could not.
func scanAgrees(t *testing.T, sc *Scanner, raw string) (read bool) {
	t.Helper()
	var doc yaml.Node
	parseErr := yaml.Unmarshal([]byte("items:\n"+raw), &doc)
	var item *yaml.Node
	if parseErr == nil && len(doc.Content) == 1 {
		if items := lookup(doc.Content[0], "items"); items != nil && items.Kind == yaml.SequenceNode && len(items.Content) == 1 {
			item = items.Content[0]
		}
	}
	av, kind := "apps/v1", "Deployment"
	if item != nil && item.Kind == yaml.MappingNode {
		av, kind = scalar(lookup(item, "apiVersion")), scalar(lookup(item, "kind"))
	}
	refs, ok := sc.Scan([]byte(raw), av, kind)
	if !ok {
		return false
	}
	if item == nil || item.Kind != yaml.MappingNode {
		t.Fatalf("Scan read an item the parse does not (%v):\n%s", parseErr, raw)
	}
	if ann := lookup(item, "metadata", "annotations", "config.kubernetes.io/local-config"); ann != nil {
		t.Fatalf("Scan read a local-config item:\n%s", raw)
	}
	want := Find(item, result.Object{APIVersion: av, Kind: kind})
	for i := range want {
		want[i].Object = result.Object{} // Scan leaves it to its caller
	}
	if fmt.Sprint(refs) != fmt.Sprint(want) {
		t.Fatalf("Scan =\n%v\nFind =\n%v\non\n%s", refs, want, raw)
	}
	return true
}

// TestScanMatchesFind: on generated workloads of the forms lists hold
// (and forms Scan must refuse), Scan returns what the parse and Find
// return, or says it cannot; one Scanner scans them all, as lookAll's
// goroutines do, whatever the scan before it left.
func TestScanMatchesFind(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	read := 0
	const n = 3000
	var sc Scanner
	for range n {
		if scanAgrees(t, &sc, genWorkload(r)) {
			read++
		}
	}
	if read < n/20 {
		t.Errorf("Scan read only %d of %d generated items", read, n)
	}
}

// genWorkload makes an item as a list holds it: "- " then its fields.
func genWorkload(r *rand.Rand) string {
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	images := []string{"quay.io/a/b:v1", "'quay.io/a/b:v2'", `"ghcr.io/x/y@sha256:00"`, "nginx", "5", "null", "", "{}", "quay.io/a/b # pinned", "|\n            quay.io/a/b", "quay.io/x:", "'it''s/x'", `"a\tb/c"`, "~", "[]", "quay.io/a/b\n            more", "&a quay.io/a", "!!str quay.io/a"}
	image := func() string {
		if r.IntN(4) > 0 {
			return images[r.IntN(3)] // the common forms
		}
		return pick(images...)
	}
	var b strings.Builder
	kind := pick("Deployment", "Deployment", "StatefulSet", "ConfigMap", "CronJob", "Pod")
	av := map[string]string{"Deployment": "apps/v1", "StatefulSet": "apps/v1", "ConfigMap": "v1", "CronJob": "batch/v1", "Pod": "v1"}[kind]
	if r.IntN(10) == 0 {
		b.WriteString("# a comment before\n")
	}
	fmt.Fprintf(&b, "- apiVersion: %s\n  kind: %s\n  metadata:\n    name: app\n", av, kind)
	if r.IntN(3) == 0 {
		b.WriteString("    annotations:\n")
		b.WriteString("      " + pick("config.kubernetes.io/path: a/b.yaml", "config.kubernetes.io/local-config: \"true\"", "image: quay.io/not/this", "note: |\n        image: x\n        more", "internal.config.kubernetes.io/index: '0'") + "\n")
	}
	spec := "  spec:\n    template:\n      spec:\n"
	indent := "        "
	switch kind {
	case "Pod":
		spec, indent = "  spec:\n", "    "
	case "CronJob":
		spec, indent = "  spec:\n    jobTemplate:\n      spec:\n        template:\n          spec:\n", "            "
	case "ConfigMap":
		spec, indent = "  data:\n", "    "
	}
	b.WriteString(spec)
	if r.IntN(4) == 0 {
		b.WriteString(indent + pick("dnsPolicy: ClusterFirst", "restartPolicy: Always # x", "volumes: []", "nodeSelector: {}") + "\n")
	}
	for _, list := range []string{"containers", "initContainers", "ephemeralContainers", "sidecars"} {
		if r.IntN(2) == 0 && list != "containers" {
			continue
		}
		b.WriteString(indent + list + ":\n")
		ind := indent
		if r.IntN(3) == 0 {
			ind += "  " // the elements indented under the key
		}
		if r.IntN(8) == 0 {
			b.WriteString(ind + "# a comment\n")
		}
		for range 1 + r.IntN(3) {
			switch r.IntN(30) {
			case 0:
				b.WriteString(ind + "- " + pick("not-a-map", "'x'", "- nested") + "\n")
				continue
			case 1:
				b.WriteString(ind + "- {name: a, image: quay.io/a/b}\n")
				continue
			}
			fields := []string{"name: " + pick("app", "'side car'", "image"), "image: " + image(), "args:\n" + ind + "  - --port=8080\n" + ind + "  - -v", "env:\n" + ind + "  - name: X # c\n" + ind + "    value: \"2\"", "resources: {}", "imagePullPolicy: Always", pick("command: [\"sh\"]", "ports:\n"+ind+"  - containerPort: 80")}
			r.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
			fields = fields[:1+r.IntN(len(fields))]
			if r.IntN(30) == 0 {
				fields = append(fields, fields[0]) // a key twice
			}
			for i, f := range fields {
				lead := ind + "  "
				if i == 0 {
					lead = ind + "- "
				}
				b.WriteString(lead + f + "\n")
			}
		}
	}
	if r.IntN(6) == 0 {
		b.WriteString(pick("  status: {}\n", "\tstatus: x\n", "  status:\n  - x\n", "  replicas: 1\n  replicas: 2\n", "  x: a: b\n", "  ? complex\n  : v\n"))
	}
	return b.String()
}

func FuzzScan(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 40 {
		f.Add(genWorkload(r))
	}
	f.Fuzz(func(t *testing.T, raw string) {
		scanAgrees(t, &Scanner{}, raw)
	})
}
