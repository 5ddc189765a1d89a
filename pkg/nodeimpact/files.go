package nodeimpact

import (
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// NodeFiles are the files that a rendering gives every node: conf as
// registries.conf, the stand-in for policy.json from img's blocked and
// allowed registries (registriesconf.PolicyStandIn, with no release
// image), and the search-registries drop-in when search is set (the
// Image's containerRuntimeSearchRegistries, registriesconf.SearchRegistries).
// img may be nil.
func NodeFiles(conf []byte, img *registriesconf.Image, search []string) Files {
	f := Files{RegistriesConf: conf}
	// Without a release image PolicyStandIn reads only the Image, and
	// cannot fail.
	policy, _ := registriesconf.PolicyStandIn(nil, registriesconf.Options{Image: img})
	f[PolicyJSON] = policy
	if search != nil {
		f[SearchRegistries], _ = registriesconf.SearchRegistriesDropIn(search)
	}
	return f
}

// RenderFiles renders sets and opts as the MCO does (registriesconf.Render,
// the release image included) and returns the node files with the result.
// An error is the MCO refusing the input: the pools would degrade.
func RenderFiles(sets []mirror.Set, opts registriesconf.Options, search []string) (Files, *registriesconf.Result, error) {
	res, err := registriesconf.Render(sets, opts)
	if err != nil {
		return nil, nil, err
	}
	policy, err := registriesconf.PolicyStandIn(sets, opts)
	if err != nil {
		return nil, nil, err
	}
	f := Files{RegistriesConf: res.Conf, PolicyJSON: policy}
	if search != nil {
		if f[SearchRegistries], err = registriesconf.SearchRegistriesDropIn(search); err != nil {
			return nil, nil, err
		}
	}
	return f, res, nil
}
