package installconfig_test

import (
	"fmt"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/installconfig"
)

// The deprecated field becomes imageDigestSources with the default policy;
// the comments and the other fields stay as they were.
func ExampleMigrate() {
	in := `apiVersion: v1
baseDomain: example.com # the lab
metadata:
  name: lab
# release payload mirrors
imageContentSources:
- source: quay.io/openshift-release-dev/ocp-release
  mirrors:
  - mirror.example.com:5000/ocp4/openshift4 # primary
pullSecret: '{"auths":{}}'
`
	cfg := config.Default()
	cfg.DefaultMirrorSourcePolicy = "NeverContactSource"
	res, err := installconfig.Migrate([]byte(in), "install-config.yaml", cfg)
	if err != nil {
		panic(err)
	}
	fmt.Print(string(res.Out))
	// Output:
	// apiVersion: v1
	// baseDomain: example.com # the lab
	// metadata:
	//   name: lab
	// # release payload mirrors
	// imageDigestSources:
	// - source: quay.io/openshift-release-dev/ocp-release
	//   mirrors:
	//   - mirror.example.com:5000/ocp4/openshift4 # primary
	//   sourcePolicy: NeverContactSource
	// pullSecret: '{"auths":{}}'
}
