package krm_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/krm"
	"github.com/mirrorset/mirrorset/pkg/manifests"
)

// bundledExamples are the files and folders of the bundled examples that
// hold mirror objects, from the repository's root.
var bundledExamples = []string{
	"examples/argocd/repo/clusters/prod/mirrors",
	"examples/kpt/package",
	"examples/kpt/cases/eval-exec-typed-config",
	"examples/kpt/cases/render-never-contact-source",
	"examples/kustomize/exec",
	"examples/kustomize/container",
	"examples/quickstart/resourcelist.yaml",
	// The inputs of the migrate command's examples.
	"fn/testdata/migrate/everyday/input.yaml",
	"fn/testdata/migrate/oc-get-list/input.yaml",
	"fn/testdata/subcommands/inputs/disconnected",
}

var nodesLine = regexp.MustCompile(`(?m)^- message: '?(nodes: [^\n]*?)'?\n`)

// TestBundledExamplesNoRollout runs the ICSP to IDMS migration (no default
// policy, either layout) on every bundled example's mirror objects: the
// nodes' registries.conf stays as it is, and KRM mode says so.
func TestBundledExamplesNoRollout(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	for _, ex := range bundledExamples {
		for _, layout := range []string{"preserve", "per-registry"} {
			t.Run(ex+"/"+layout, func(t *testing.T) {
				t.Parallel()
				items := exampleItems(t, filepath.Join(root, ex))
				if len(items) == 0 {
					t.Fatalf("%s: no mirror object", ex)
				}
				rl := yaml.MustParse("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n" +
					"functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: mirrorset\n  data:\n    layout: " + layout + "\n")
				list := rl.Field("items").Value.YNode()
				for _, n := range items {
					list.Content = append(list.Content, n.YNode())
				}
				var stdout, stderr bytes.Buffer
				code := krm.Run(strings.NewReader(rl.MustString()), &stdout, &stderr)
				m := nodesLine.FindStringSubmatch(stdout.String())
				if code != 0 || m == nil || m[1] != "nodes: registries.conf unchanged: no MachineConfig rollout" {
					got := "(no nodes result)"
					if m != nil {
						got = m[1]
					}
					t.Errorf("exit %d, %s\n%s", code, got, stderr.String())
				}
			})
		}
	}
}

// exampleItems are the mirror objects and Images under path, without
// their kpt and kustomize files; a ResourceList gives its items.
func exampleItems(t *testing.T, path string) []*yaml.RNode {
	t.Helper()
	if strings.HasSuffix(path, "resourcelist.yaml") {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		items, err := yaml.MustParse(string(data)).Pipe(yaml.Lookup("items"))
		if err != nil {
			t.Fatal(err)
		}
		out, _ := items.Elements()
		return keepMirrors(out)
	}
	nodes, err := manifests.Read([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return keepMirrors(nodes)
}

func keepMirrors(nodes []*yaml.RNode) []*yaml.RNode {
	var out []*yaml.RNode
	for _, n := range nodes {
		switch n.GetKind() {
		case "ImageContentSourcePolicy", "ImageDigestMirrorSet", "ImageTagMirrorSet", "Image":
			out = append(out, n)
		}
	}
	return out
}
