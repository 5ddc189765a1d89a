package hypershift_test

import (
	"fmt"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/hypershift"
)

// A NodePool config ConfigMap's config key: the ICSP becomes an IDMS inside
// the string, and the other documents stay as they are.
func ExampleNodePoolConfig_Convert() {
	text := `apiVersion: machineconfiguration.openshift.io/v1
kind: KubeletConfig
metadata:
  name: max-pods   # stays as it is
---
apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: release
spec:
  repositoryDigestMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - registry.example.com:5000/ocp4/openshift4
`
	cfg := config.Default()
	cfg.DefaultMirrorSourcePolicy = "NeverContactSource"
	out := hypershift.ParseConfig(text).Convert(cfg, nil)
	fmt.Print(out.Text)
	// Output:
	// apiVersion: machineconfiguration.openshift.io/v1
	// kind: KubeletConfig
	// metadata:
	//   name: max-pods   # stays as it is
	// ---
	// apiVersion: config.openshift.io/v1
	// kind: ImageDigestMirrorSet
	// metadata:
	//   name: release
	// spec:
	//   imageDigestMirrors:
	//   - source: quay.io/openshift-release-dev/ocp-release
	//     mirrors:
	//     - registry.example.com:5000/ocp4/openshift4
	//     mirrorSourcePolicy: NeverContactSource
}
