package registriesconf_test

import (
	"fmt"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// Two objects list mirrors for one source in different orders; the node
// gets one merged list, and NeverContactSource blocks the source.
func ExampleRender() {
	sets := []mirror.Set{
		{Kind: mirror.IDMS, Name: "first", Entries: []mirror.Entry{
			{Source: "quay.io/team/app", Mirrors: []string{"b.example.com/app", "c.example.com/app"}, Policy: mirror.NeverContactSource},
		}},
		{Kind: mirror.IDMS, Name: "second", Entries: []mirror.Entry{
			{Source: "quay.io/team/app", Mirrors: []string{"a.example.com/app", "b.example.com/app"}, Policy: mirror.NeverContactSource},
		}},
	}
	res, err := registriesconf.Render(sets, registriesconf.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(res.Conf))
	// Output:
	// unqualified-search-registries = ["registry.access.redhat.com", "docker.io"]
	// short-name-mode = ""
	// additional-layer-store-auth-helper = ""
	//
	// [[registry]]
	//   prefix = ""
	//   location = "quay.io/team/app"
	//   blocked = true
	//
	//   [[registry.mirror]]
	//     location = "a.example.com/app"
	//     pull-from-mirror = "digest-only"
	//
	//   [[registry.mirror]]
	//     location = "b.example.com/app"
	//     pull-from-mirror = "digest-only"
	//
	//   [[registry.mirror]]
	//     location = "c.example.com/app"
	//     pull-from-mirror = "digest-only"
}

// The MCO refuses the objects with its own words; the nodes keep what they
// have.
func ExampleRender_refused() {
	sets := []mirror.Set{
		{Kind: mirror.IDMS, Name: "digest", Entries: []mirror.Entry{
			{Source: "quay.io/team/app", Mirrors: []string{"m.example.com/app"}, Policy: mirror.NeverContactSource},
		}},
		{Kind: mirror.ICSP, Name: "legacy", Entries: []mirror.Entry{
			{Source: "quay.io/team/app", Mirrors: []string{"m.example.com/app"}},
		}},
	}
	_, err := registriesconf.Render(sets, registriesconf.Options{})
	fmt.Println(err)
	// Output:
	// could not update registries config with new changes: conflicting mirrorSourcePolicy is set for the same source "quay.io/team/app" in imagedigestmirrorsets, imagetagmirrorsets, or imagecontentsourcepolicies
}
