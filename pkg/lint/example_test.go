package lint_test

import (
	"fmt"

	"github.com/mirrorset/mirrorset/pkg/lint"
	"github.com/mirrorset/mirrorset/pkg/manifests"
)

// Check places each of the function's errors and warnings at its field in
// the file: here the second mirror of the first entry.
func ExampleCheck() {
	data := []byte(`apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: release
spec:
  imageDigestMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - mirror.example.com/ocp/release
    - mirror.example.com/ocp/release:4.16
`)
	objs, err := manifests.Parse(data, "idms.yaml")
	if err != nil {
		panic(err)
	}
	findings, err := lint.Check([]lint.Source{{Name: "idms.yaml", Objects: objs}}, nil)
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Printf("%s:%d:%d: %s\n", f.File, f.Line, f.Column, f.Severity)
	}
	// Output:
	// idms.yaml:10:7: error
}
