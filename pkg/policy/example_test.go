package policy_test

import (
	"fmt"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/policy"
)

func ExampleDefault() {
	idms := &mirror.Set{Kind: mirror.IDMS, Name: "rhel", Entries: []mirror.Entry{
		{Source: "registry.redhat.io/rhel9", Mirrors: []string{"registry.example.com/rhel9"}},
		{Source: "registry.access.redhat.com/ubi9", Mirrors: []string{"registry.example.com/ubi9"}, Policy: mirror.AllowContactingSource},
	}}
	policy.Default{Policy: mirror.NeverContactSource}.Filter([]*mirror.Set{idms})
	for _, e := range idms.Entries {
		fmt.Println(e.Source, e.Policy)
	}
	// Output:
	// registry.redhat.io/rhel9 NeverContactSource
	// registry.access.redhat.com/ubi9 AllowContactingSource
}

func ExampleConflicts() {
	// oc-mirror left no policy; a later hand-written set says NeverContactSource.
	operators := &mirror.Set{Kind: mirror.IDMS, Name: "idms-operator-0", Entries: []mirror.Entry{{Source: "icr.io/cpopen", Mirrors: []string{"m.example.com/cpopen"}}}}
	catalog := &mirror.Set{Kind: mirror.ITMS, Name: "catalog", Entries: []mirror.Entry{{Source: "icr.io/cpopen", Mirrors: []string{"m.example.com/cpopen"}, Policy: mirror.NeverContactSource}}}
	for _, c := range policy.Conflicts([]*mirror.Set{operators, catalog}) {
		stuck := policy.Settle(c, mirror.NeverContactSource)
		fmt.Println(c.Source, len(stuck), operators.Entries[0].Policy)
	}
	// Output: icr.io/cpopen 0 NeverContactSource
}
