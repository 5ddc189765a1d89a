package diff_test

import (
	"fmt"
	"os"

	"github.com/mirrorset/mirrorset/pkg/diff"
	"github.com/mirrorset/mirrorset/pkg/manifests"
)

// side reads one side from YAML, as the command reads a file.
func side(file, data string) *diff.Side {
	nodes, err := manifests.Parse([]byte(data), file)
	if err != nil {
		panic(err)
	}
	s, err := diff.ReadSide(nodes)
	if err != nil {
		panic(err)
	}
	return s
}

const release = `apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: release
spec:
  imageDigestMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - registry.example.com:5000/ocp/release
`

// A pull request that adds a tag mirror: every node of every pool is
// drained, and the report names the entry that does it.
func ExampleCompare() {
	base := side("mirrors.yaml", release)
	head := side("mirrors.yaml", release+`---
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
metadata:
  name: release-tags
spec:
  imageTagMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - registry.example.com:5000/ocp/release-tags
`)
	rep, err := diff.Compare(base, head, diff.Options{Version: "4.16"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(diff.ActionName(rep.Impact.Action))
	for _, r := range rep.Registries {
		for _, c := range r.Changes {
			fmt.Println(r.Scope+":", c.Text)
			fmt.Println("  from", c.Head[0])
		}
	}
	// Output:
	// drain
	// quay.io/openshift-release-dev/ocp-release: mirror registry.example.com:5000/ocp/release-tags added, for pulls by tag (tag-only)
	//   from ImageTagMirrorSet "release-tags" in mirrors.yaml, spec.imageTagMirrors[0]
}

// The same objects in an ImageDigestMirrorSet instead of an
// ImageContentSourcePolicy give the nodes the same file: no rollout.
func ExampleReport_WriteText() {
	base := side("icsp.yaml", `apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: release
spec:
  repositoryDigestMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - registry.example.com:5000/ocp/release
`)
	head := side("idms.yaml", release)
	rep, err := diff.Compare(base, head, diff.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := rep.WriteText(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// mirrorset diff, by the newest OpenShift rules
	// base: 1 ImageContentSourcePolicy
	// head: 1 ImageDigestMirrorSet
	//
	// nodes: no rollout: the rendered MachineConfigs do not change
}
