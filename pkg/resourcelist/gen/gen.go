// Package gen writes ResourceLists and mirror sets for benchmarks and tests:
// Deployments (with images, some under the mirrored sources, by tag and by
// digest), ConfigMaps and Services with comments beside
// ImageContentSourcePolicies whose sources recur across objects, as kpt
// and kustomize hand them to a function. The output depends only on the
// options, so a seed names a file.
package gen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// Options say what to generate.
type Options struct {
	// Items is the number of items.
	Items int
	// MirrorPercent is the share of ImageContentSourcePolicies among the
	// items, 0 to 100; the rest are Deployments, ConfigMaps and Services.
	MirrorPercent int
	// Sources is the number of distinct sources the policies draw from;
	// 0 means one for every ten policies, so that each recurs.
	Sources int
	// Seed picks the mix and the values.
	Seed uint64
	// Overlap makes the policies a new user writes by hand: 1 to 6
	// entries each, sources drawn from a pool of one per 20 items (unless
	// Sources says otherwise), and each entry's mirrors a random part of
	// its source's in a random order, so that the lists of one source
	// disagree.
	Overlap bool
}

// Default is the mix of the benchmark: 30% policies.
func Default(items int) Options {
	return Options{Items: items, MirrorPercent: 30, Seed: 1}
}

// Overlapping is Default with overlapping, disagreeing policies.
func Overlapping(items int) Options {
	o := Default(items)
	o.Overlap = true
	return o
}

// ResourceList writes a ResourceList with o.Items items and a ConfigMap
// functionConfig. It is in the form kyaml prints, so a function that
// changes nothing writes it back byte for byte.
func ResourceList(w io.Writer, o Options) error {
	g := newGenerator(o)
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n")
	if o.Items == 0 {
		bw.WriteString("items: []\n") // as kyaml prints an empty list
	} else {
		bw.WriteString("items:\n")
	}
	for i := 0; i < o.Items; i++ {
		g.item(bw, i)
	}
	bw.WriteString("functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: mirrorset\n  data:\n    consolidate: \"true\"\n")
	return bw.Flush()
}

type generator struct {
	o       Options
	rng     *rand.Rand
	sources []string
	mirrors [][]string // per source, in the one order every policy uses
}

func newGenerator(o Options) *generator {
	g := &generator{o: o, rng: rand.New(rand.NewPCG(o.Seed, 0x6d6972726f72))}
	n := o.Sources
	switch {
	case n > 0:
	case o.Overlap:
		n = max(1, o.Items/20)
	default:
		n = max(1, o.Items*o.MirrorPercent/100/10)
	}
	g.sources = make([]string, n)
	g.mirrors = make([][]string, n)
	for i := range g.sources {
		repo := fmt.Sprintf("org-%d/repo-%d", i%97, i)
		g.sources[i] = []string{"quay.io", "registry.redhat.io", "docker.io", "ghcr.io"}[i%4] + "/" + repo
		k := 1 + g.rng.IntN(3)
		for m := 0; m < k; m++ {
			g.mirrors[i] = append(g.mirrors[i], fmt.Sprintf("mirror-%d.example.com:5000/%s", m, repo))
		}
	}
	return g
}

func (g *generator) item(w *bufio.Writer, i int) {
	if g.rng.IntN(100) < g.o.MirrorPercent {
		g.policy(w, i)
		return
	}
	switch g.rng.IntN(3) {
	case 0:
		g.deployment(w, i)
	case 1:
		g.configMap(w, i)
	default:
		g.service(w, i)
	}
}

// annotations writes what kpt adds to every item: the file, the index in
// it and an id, in the legacy and the internal spelling.
func annotations(w *bufio.Writer, indent string, path string, index, id int) {
	fmt.Fprintf(w, "%sannotations:\n", indent)
	fmt.Fprintf(w, "%s  config.k8s.io/id: '%d'\n", indent, id)
	fmt.Fprintf(w, "%s  config.kubernetes.io/index: '%d'\n", indent, index)
	fmt.Fprintf(w, "%s  config.kubernetes.io/path: %s\n", indent, path)
	fmt.Fprintf(w, "%s  internal.config.kubernetes.io/id: '%d'\n", indent, id)
	fmt.Fprintf(w, "%s  internal.config.kubernetes.io/index: '%d'\n", indent, index)
	fmt.Fprintf(w, "%s  internal.config.kubernetes.io/path: %s\n", indent, path)
}

func (g *generator) digest() string {
	const hex = "0123456789abcdef"
	b := make([]byte, 64)
	for i := range b {
		b[i] = hex[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *generator) deployment(w *bufio.Writer, i int) {
	fmt.Fprintf(w, `- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: app-%[1]d
    namespace: team-%[2]d
    labels:
      app: app-%[1]d
      tier: backend
`, i, i%50)
	annotations(w, "    ", fmt.Sprintf("team-%d/app-%d.yaml", i%50, i), 0, i+1)
	fmt.Fprintf(w, `  spec:
    replicas: %[2]d # the autoscaler changes this
    selector:
      matchLabels:
        app: app-%[1]d
    template:
      metadata:
        labels:
          app: app-%[1]d
      spec:
        containers:
        # the application; its sidecars come from the mesh
        - name: app
          image: %[3]s
          args:
          - --port=8080
          - --log-level=info
          env:
          - name: MIRROR_CONFIG # read by the entrypoint
            value: /etc/app/mirrors.yaml
          - name: GOMAXPROCS
            value: "2"
          ports:
          - containerPort: 8080
            protocol: TCP
          resources:
            limits:
              memory: 256Mi
`, i, 1+g.rng.IntN(5), g.image(i))
}

// image is a Deployment's image: a third under no mirrored source, by
// digest; a third under a policy's source, by digest (which the mirrors
// serve); a third under one, by tag (which digest mirrors never serve).
func (g *generator) image(i int) string {
	switch k := g.rng.IntN(3); {
	case k == 0 || g.o.MirrorPercent == 0:
		return fmt.Sprintf("quay.io/acme/app-%d@sha256:%s", i, g.digest())
	case k == 1:
		return fmt.Sprintf("%s/app-%d@sha256:%s", g.sources[g.rng.IntN(len(g.sources))], i, g.digest())
	default:
		return fmt.Sprintf("%s/app-%d:v%d", g.sources[g.rng.IntN(len(g.sources))], i, 1+g.rng.IntN(9))
	}
}

func (g *generator) configMap(w *bufio.Writer, i int) {
	fmt.Fprintf(w, `- # settings read at start-up
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings-%[1]d
    namespace: team-%[2]d
`, i, i%50)
	annotations(w, "    ", fmt.Sprintf("team-%d/settings-%d.yaml", i%50, i), 0, i+1)
	fmt.Fprintf(w, `  data:
    # a script whose lines look like items and mirror objects
    start.sh: |
      #!/bin/sh
      - not: an item
      kind: ImageContentSourcePolicy
      exec /app --config /etc/app/config.yaml
    # how the application starts: fast, safe or debug
    mode: "%[1]s"
    threshold: '%[2]d'
`, []string{"fast", "safe", "debug"}[g.rng.IntN(3)], g.rng.IntN(1000))
}

func (g *generator) service(w *bufio.Writer, i int) {
	fmt.Fprintf(w, `- apiVersion: v1
  kind: Service
  metadata:
    name: app-%[1]d
    namespace: team-%[2]d
`, i, i%50)
	annotations(w, "    ", fmt.Sprintf("team-%d/app-%d-svc.yaml", i%50, i), 0, i+1)
	fmt.Fprintf(w, `  spec:
    type: ClusterIP
    selector:
      app: app-%[1]d
      tier: backend
    ports:
    - name: http # the only port
      port: 80
      targetPort: 8080
`, i)
}

func (g *generator) policy(w *bufio.Writer, i int) {
	fmt.Fprintf(w, `- apiVersion: operator.openshift.io/v1alpha1
  kind: ImageContentSourcePolicy
  metadata:
    name: mirrors-%d
`, i)
	annotations(w, "    ", fmt.Sprintf("cluster/mirrors-%d.yaml", i), 0, i+1)
	w.WriteString("  spec:\n    repositoryDigestMirrors:\n")
	entries := 1 + g.rng.IntN(5)
	if g.o.Overlap {
		entries = 1 + g.rng.IntN(6)
	}
	for e := 0; e < entries; e++ {
		s := g.rng.IntN(len(g.sources))
		mirrors := g.subset(g.mirrors[s])
		if g.o.Overlap {
			mirrors = g.shuffled(g.mirrors[s])
		}
		w.WriteString("    - mirrors:\n")
		for _, m := range mirrors {
			fmt.Fprintf(w, "      - %s\n", m)
		}
		fmt.Fprintf(w, "      source: %s\n", g.sources[s])
	}
}

// subset returns a first part of a source's mirrors: the lists of one
// source then agree on the order, so merging them needs no tie-breaking.
func (g *generator) subset(all []string) []string {
	return all[:1+g.rng.IntN(len(all))]
}

// shuffled returns a random part of a source's mirrors in a random order.
func (g *generator) shuffled(all []string) []string {
	out := slices.Clone(all)
	g.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:1+g.rng.IntN(len(out))]
}

// Sets returns mirror objects of kind k holding entries entries in all, 10
// to an object, over sources distinct sources (0: one per entry), for the
// benchmarks of the core. When there are more entries than sources, the
// first objects hold every source once and the rest repeat them at random,
// as oc-mirror's objects do.
func Sets(k mirror.Kind, entries, sources int, seed uint64) []*mirror.Set {
	if sources <= 0 {
		sources = entries
	}
	g := newGenerator(Options{Sources: sources, Seed: seed})
	var sets []*mirror.Set
	for i := 0; i < entries; i++ {
		if i%10 == 0 {
			sets = append(sets, &mirror.Set{Kind: k, Name: fmt.Sprintf("mirrors-%d", len(sets)), Item: len(sets)})
		}
		s := i
		if i >= sources {
			s = g.rng.IntN(sources)
		}
		set := sets[len(sets)-1]
		set.Entries = append(set.Entries, mirror.Entry{Source: g.sources[s], Mirrors: g.subset(g.mirrors[s])})
	}
	return sets
}
