package nodeimpact_test

import (
	"fmt"

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
