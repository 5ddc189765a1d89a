package krm_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestImagesFoldScannedAsParsed: the fast path counts the findings that the
// results do not name from imagepull.Scan, without a parse; the full parse
// reads every item. On generated lists with findings well past the fold
// (MaxShown, PerRegistry), images shared between items, and items Scan
// leaves to the parse, both give the same results, counts and all.
func TestImagesFoldScannedAsParsed(t *testing.T) {
	t.Parallel()
	folded := 0
	for seed := range uint64(12) {
		in := imagesList(rand.New(rand.NewPCG(seed, 7)), 40+int(seed)*15)
		sameOutput(t, in) // the same exit code and stderr, byte for byte
		fast, _ := runBoth(in)
		if strings.Contains(fast.stderr, " more images ") {
			folded++
		}
	}
	if folded < 10 {
		t.Errorf("only %d of 12 lists folded their findings", folded)
	}
}

// imagesList makes a ResourceList of an IDMS and n workloads whose images
// come from a small pool, so that many repeat.
func imagesList(r *rand.Rand, n int) []byte {
	var b strings.Builder
	b.WriteString(`apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: config.openshift.io/v1
  kind: ImageDigestMirrorSet
  metadata:
    name: mirrors
  spec:
    imageDigestMirrors:
    - source: quay.io/never
      mirrors:
      - m.example.com/never
      mirrorSourcePolicy: NeverContactSource
    - source: quay.io/allow
      mirrors:
      - m.example.com/allow
    - source: ghcr.io/org
      mirrors:
      - m.example.com/org
`)
	pool := make([]string, 60)
	for i := range pool {
		host := []string{"quay.io/never", "quay.io/allow", "ghcr.io/org", "ghcr.io/org/sub", "docker.io/x", "registry.example.com/y"}[r.IntN(6)]
		ref := []string{fmt.Sprintf(":v%d", r.IntN(3)), "@sha256:" + strings.Repeat(fmt.Sprint(r.IntN(10)), 64), ""}[r.IntN(3)]
		pool[i] = fmt.Sprintf("%s/app-%d%s", host, r.IntN(20), ref)
	}
	pick := func() string {
		img := pool[r.IntN(len(pool))]
		switch r.IntN(10) {
		case 0:
			return "'" + img + "'"
		case 1:
			return "\"" + img + "\" # pinned"
		}
		return img
	}
	for i := range n {
		kind := []string{"Deployment", "StatefulSet", "Deployment"}[r.IntN(3)]
		fmt.Fprintf(&b, "- apiVersion: apps/v1\n  kind: %s\n  metadata:\n    name: app-%d\n", kind, i)
		switch r.IntN(12) {
		case 0:
			b.WriteString("    annotations:\n      config.kubernetes.io/local-config: \"true\"\n")
		case 1:
			b.WriteString("    annotations:\n      config.kubernetes.io/path: apps/app.yaml\n")
		}
		b.WriteString("  spec:\n    template:\n      spec:\n")
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "        initContainers:\n        - name: init\n          image: %s\n", pick())
		}
		b.WriteString("        containers:\n")
		for c := range 1 + r.IntN(3) {
			switch r.IntN(10) {
			case 0:
				fmt.Fprintf(&b, "        - {name: c%d, image: %s}\n", c, pool[r.IntN(len(pool))])
			case 1:
				fmt.Fprintf(&b, "        # a sidecar\n        - name: c%d\n          args:\n          - --v=2\n          image: %s\n", c, pick())
			default:
				fmt.Fprintf(&b, "        - name: c%d\n          image: %s\n          resources: {}\n", c, pick())
			}
		}
	}
	return []byte(b.String())
}
