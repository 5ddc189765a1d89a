package layout_test

import (
	"fmt"

	"github.com/mirrorset/mirrorset/pkg/layout"
	"github.com/mirrorset/mirrorset/pkg/mirror"
)

func ExamplePerRegistry() {
	sets := []*mirror.Set{
		{Kind: mirror.IDMS, Name: "idms-release-0", Entries: []mirror.Entry{
			{Source: "quay.io/openshift-release-dev/ocp-release", Mirrors: []string{"registry.example.com:5000/ocp4"}},
			{Source: "registry.redhat.io/rhel9", Mirrors: []string{"registry.example.com:5000/rhel9"}},
		}},
		{Kind: mirror.IDMS, Name: "idms-operator-0", Item: 1, Entries: []mirror.Entry{
			{Source: "quay.io/openshift-release-dev/ocp-v4.0-art-dev", Mirrors: []string{"registry.example.com:5000/ocp4"}},
		}},
	}
	out, created := layout.PerRegistry{}.Filter(sets)
	for _, s := range out {
		fmt.Println(s.Name, len(s.Entries), created[s])
	}
	// Output:
	// quay.io 2 true
	// registry.redhat.io 1 true
}

func ExampleName() {
	fmt.Println(layout.Name("registry.example.com:5000/ocp4"), layout.Name("*.example.net"))
	// Output: registry.example.com-5000 wildcard.example.net
}
