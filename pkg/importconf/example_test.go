package importconf_test

import (
	"fmt"

	"github.com/mirrorset/mirrorset/pkg/importconf"
)

// A registries.conf written by hand: the digest-only mirror becomes an
// ImageDigestMirrorSet entry, the tag-only one an ImageTagMirrorSet entry,
// and the block the NeverContactSource policy of both.
func ExampleDecode() {
	conf := `
[[registry]]
  location = "quay.io/team"
  blocked = true

  [[registry.mirror]]
    location = "mirror.example.com/team"
    pull-from-mirror = "digest-only"

  [[registry.mirror]]
    location = "cache.example.com/team"
    pull-from-mirror = "tag-only"

[[registry]]
  location = "docker.io"

  [[registry.mirror]]
    location = "mirror.example.com/docker"
`
	c, err := importconf.Decode([]byte(conf), "registries.conf")
	if err != nil {
		panic(err)
	}
	fmt.Println("digest:", c.Digest)
	fmt.Println("tag:", c.Tag)
	for _, r := range c.Results {
		fmt.Println(r.Severity+":", r.Message)
	}
	// Output:
	// digest: [{quay.io/team [mirror.example.com/team] NeverContactSource}]
	// tag: [{quay.io/team [cache.example.com/team] NeverContactSource}]
	// error: registries.conf: registry "docker.io": mirror "mirror.example.com/docker": used for every pull (pull-from-mirror = "all", or unset without mirror-by-digest-only = true): mirror objects say digest-only (ImageDigestMirrorSet) or tag-only (ImageTagMirrorSet); mark it with one, or list it in both
}
