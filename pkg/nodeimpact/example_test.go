package nodeimpact_test

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/nodeimpact"
)

// A tag-only mirror added to a registry drains every node; a digest-only
// one alone would not.
func ExampleCompare() {
	base := nodeimpact.Files{nodeimpact.RegistriesConf: []byte(`
[[registry]]
  prefix = ""
  location = "quay.io/app"

  [[registry.mirror]]
    location = "mirror.local/app"
    pull-from-mirror = "digest-only"
`)}
	head := nodeimpact.Files{nodeimpact.RegistriesConf: []byte(`
[[registry]]
  prefix = ""
  location = "quay.io/app"

  [[registry.mirror]]
    location = "mirror.local/app"
    pull-from-mirror = "digest-only"

  [[registry.mirror]]
    location = "tags.local/app"
    pull-from-mirror = "tag-only"
`)}
	imp, err := nodeimpact.Compare(base, head, nodeimpact.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(imp.Action)
	for _, r := range imp.Reasons {
		fmt.Println(r.Text)
	}
	// Output:
	// drain every node
	// quay.io/app: mirror tags.local/app added (tag-only): drains
}

// A MachineConfiguration named cluster that sets registries.conf to None:
// from 4.17 a mirror removed rolls out with no reload and no drain.
func ExampleParseMachineConfiguration() {
	mc := yaml.MustParse(`apiVersion: operator.openshift.io/v1
kind: MachineConfiguration
metadata:
  name: cluster
spec:
  nodeDisruptionPolicy:
    files:
    - path: /etc/containers/registries.conf
      actions:
      - type: None
`)
	policies, err := nodeimpact.ParseMachineConfiguration(mc)
	if err != nil {
		panic(err)
	}
	base := nodeimpact.NodeFiles([]byte("[[registry]]\nlocation = \"quay.io/app\"\n[[registry.mirror]]\nlocation = \"m.local/app\"\npull-from-mirror = \"digest-only\"\n"), nil, nil)
	head := nodeimpact.NodeFiles([]byte("[[registry]]\nlocation = \"quay.io/app\"\n"), nil, nil)
	for _, version := range []string{"", "4.16"} {
		imp, err := nodeimpact.Compare(base, head, nodeimpact.Options{Version: version, Policies: policies})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%q: %s\n", version, imp.Action)
		for _, r := range imp.Reasons {
			fmt.Println(" ", r.Text)
		}
	}
	// Output:
	// "": rollout, no reload, no drain
	//   quay.io/app: mirror m.local/app (digest-only) removed (nodeDisruptionPolicy for /etc/containers/registries.conf: None): no reload, no drain
	// "4.16": drain every node
	//   quay.io/app: mirror m.local/app (digest-only) removed: drains
}
