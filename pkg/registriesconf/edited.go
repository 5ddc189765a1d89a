package registriesconf

import (
	"fmt"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
	"github.com/openshift/runtime-utils/pkg/registries"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// Edited is what Render writes to registries.conf, before it is encoded:
// the MCO's renderer applied to the template, without the checks that
// Render runs first and without the encoding. Rewritten is false when the
// MCO keeps the template as it is. Two inputs whose Edited are equal get
// the same bytes from Render, so comparing them tells cheaply that a
// change leaves the nodes' file as it is; only for sets that Render
// accepts.
type Edited struct {
	Conf      sysregistriesv2.V2RegistriesConf
	Rewritten bool
}

// Edit returns the Edited form of what Render renders from sets and opts.
func Edit(sets []mirror.Set, opts Options) (*Edited, error) {
	template := opts.Template
	if len(template) == 0 {
		template = []byte(BaseTemplate)
	}
	icsp, idms, itms := Typed(sets)
	var insecure []string
	if opts.Image != nil {
		insecure = opts.Image.InsecureRegistries
	}
	lists, err := blockedAndAllowed(opts.ReleaseImage, opts.Image, icsp, idms)
	if err != nil {
		return nil, err
	}
	e := &Edited{}
	if _, err := toml.Decode(string(template), &e.Conf); err != nil {
		return nil, fmt.Errorf("error unmarshalling registries config: %w", err)
	}
	// The condition of Render, which is the MCO's registriesConfigIgnition.
	if insecure != nil || lists.registriesBlocked != nil || len(icsp) != 0 || len(idms) != 0 || len(itms) != 0 {
		if err := registries.EditRegistriesConfig(&e.Conf, insecure, lists.registriesBlocked, icsp, idms, itms); err != nil {
			return nil, err
		}
		e.Rewritten = true
	}
	return e, nil
}
