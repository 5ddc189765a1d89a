package inputlimit_test

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/inputlimit"
)

// A "billion laughs" document is a few hundred bytes whose aliases expand
// to billions of nodes; the checker refuses it without expanding anything.
func ExampleChecker_Check() {
	doc := `a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
`
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inputlimit.Default().NewChecker().Check(&root))
	// Output:
	// line 6: aliases expand to more than 100000 YAML nodes (an alias bomb, such as "billion laughs", does that) (limit MIRRORSET_MAX_ALIAS_NODES=100000; raise it if the input is meant to be so)
}

func ExampleLimits_ReadAll() {
	l := inputlimit.Limits{MaxInputBytes: 1 << 10}
	_, err := l.ReadAll(strings.NewReader(strings.Repeat("a: b\n", 1000)))
	fmt.Println(err)
	// Output:
	// the input is larger than 1 KiB (limit MIRRORSET_MAX_INPUT_BYTES=1024; raise it if the input is meant to be so)
}
