package yamlprint_test

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/yamlprint"
)

// Append prints a node as kyaml's encoder would, choosing quotes and
// placing comments as it does, and says when it cannot (here, an anchor),
// so that the caller uses the encoder instead.
func ExampleAppend() {
	n, _ := yaml.Parse(`kind: ImageDigestMirrorSet
spec:
  imageDigestMirrors:
  # the team's images
  - source: registry.example.com/team # moved on 1 May
    mirrors:
      - mirror.example.com/team
    enabled: "true"
    note: "a: b"
`)
	// A string that would read as a number is quoted, as yaml.Marshal does.
	n.YNode().Content = append(n.YNode().Content,
		&yaml.Node{Kind: yaml.ScalarNode, Value: "version"},
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "1.0"})
	out, ok := yamlprint.Append(nil, n.YNode())
	fmt.Printf("%v\n%s", ok, out)

	n.YNode().Content[1].Anchor = "kind"
	_, ok = yamlprint.Append(nil, n.YNode())
	fmt.Println(ok)
	// Output:
	// true
	// kind: ImageDigestMirrorSet
	// spec:
	//   imageDigestMirrors:
	//   # the team's images
	//   - source: registry.example.com/team # moved on 1 May
	//     mirrors:
	//     - mirror.example.com/team
	//     enabled: "true"
	//     note: "a: b"
	// version: "1.0"
	// false
}
