package explain_test

import (
	"fmt"

	"github.com/mirrorset/mirrorset/pkg/explain"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// A pull by tag of an image whose source only has digest mirrors and
// NeverContactSource: nothing is left to try.
func ExampleExplain() {
	sets := []mirror.Set{{Kind: mirror.IDMS, Name: "release", Entries: []mirror.Entry{{
		Source:  "quay.io/openshift-release-dev/ocp-release",
		Mirrors: []string{"registry.example.com:5000/ocp4/openshift4"},
		Policy:  mirror.NeverContactSource,
	}}}}
	res, err := registriesconf.Render(sets, registriesconf.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ex, err := explain.Explain(res.Conf, "quay.io/openshift-release-dev/ocp-release:4.16.0-x86_64", explain.Origins{Sets: sets})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range ex.Locations {
		fmt.Println(l.Ref, "blocked:", l.Blocked)
	}
	for _, l := range ex.Skipped {
		fmt.Println("skipped", l.PullFromMirror, l.Ref, "from", l.Origins[0])
	}
	fmt.Println("pullable:", ex.Pullable())
	// Output:
	// quay.io/openshift-release-dev/ocp-release:4.16.0-x86_64 blocked: true
	// skipped digest-only registry.example.com:5000/ocp4/openshift4:4.16.0-x86_64 from ImageDigestMirrorSet "release", spec.imageDigestMirrors[0]
	// pullable: false
}
