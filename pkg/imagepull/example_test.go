package imagepull_test

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/explain"
	"github.com/mirrorset/mirrorset/pkg/imagepull"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// A CatalogSource pulled by tag, under a source that only an
// ImageDigestMirrorSet with NeverContactSource covers: no node can pull it.
func Example() {
	sets := []mirror.Set{{Kind: mirror.IDMS, Name: "operators", Entries: []mirror.Entry{{
		Source: "registry.redhat.io/redhat", Mirrors: []string{"mirror.example.com/redhat"}, Policy: mirror.NeverContactSource,
	}}}}
	res, err := registriesconf.Render(sets, registriesconf.Options{})
	if err != nil {
		panic(err)
	}
	c, err := imagepull.NewChecker(res.Conf, explain.Origins{Sets: sets})
	if err != nil {
		panic(err)
	}
	defer c.Close()

	catalog := yaml.MustParse(`apiVersion: operators.coreos.com/v1alpha1
kind: CatalogSource
metadata: {name: redhat-operators}
spec: {image: "registry.redhat.io/redhat/redhat-operator-index:v4.16"}
`)
	for _, ref := range imagepull.Find(catalog.YNode(), result.Object{APIVersion: catalog.GetApiVersion(), Kind: catalog.GetKind(), Name: catalog.GetName()}) {
		v, err := c.Explain(ref.Image)
		if err != nil {
			panic(err)
		}
		fmt.Println(ref.Where())
		fmt.Println(v.Status, "by", v.Pulled())
		fmt.Println(v.Fix)
	}
	// Output:
	// CatalogSource "redhat-operators": spec.image
	// cannot-pull by tag
	// add an ImageTagMirrorSet entry for registry.redhat.io/redhat, or pull the image by digest
}
