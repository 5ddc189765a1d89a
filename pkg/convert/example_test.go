package convert_test

import (
	"fmt"

	"github.com/mirrorset/mirrorset/pkg/convert"
	"github.com/mirrorset/mirrorset/pkg/mirror"
)

func ExampleFilter_Convert() {
	icsp := &mirror.Set{Kind: mirror.ICSP, Name: "release", Entries: []mirror.Entry{{
		Source:  "quay.io/openshift-release-dev/ocp-release",
		Mirrors: []string{"registry.example.com:5000/ocp4"},
	}}}
	for _, s := range (convert.Filter{TagMirrors: true}).Convert(icsp) {
		fmt.Println(s.Kind, s.Name, s.Entries[0].Mirrors)
	}
	// Output:
	// ImageDigestMirrorSet release [registry.example.com:5000/ocp4]
	// ImageTagMirrorSet release [registry.example.com:5000/ocp4]
}
