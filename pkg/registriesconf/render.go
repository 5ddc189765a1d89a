// Package registriesconf renders /etc/containers/registries.conf exactly as
// the Machine Config Operator (MCO) writes it on every node, from mirror
// objects and the cluster Image config. It runs the MCO's own steps: the
// checks it runs first (first error wins, in its words), the rules for
// blocked registries that would cut off the release payload, the MCO's
// renderer from openshift/runtime-utils on the MCO's base template, and the
// bytes of the same TOML encoder (written without it for the renderer's
// plain output, see encode). Parse loads a rendered file with containers/image, as
// CRI-O does, for questions about pulls (see package explain).
package registriesconf

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
	apicfgv1 "github.com/openshift/api/config/v1"
	apioperatorsv1alpha1 "github.com/openshift/api/operator/v1alpha1"
	"github.com/openshift/runtime-utils/pkg/registries"

	"github.com/mirrorset/mirrorset/pkg/check"
	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// BaseTemplate is the registries.conf of the MCO's templates
// (templates/<pool>/01-<pool>-container-runtime/_base/files/
// container-registries.yaml), the same for master and worker. The node
// keeps it byte for byte when the MCO has nothing to add.
const BaseTemplate = "unqualified-search-registries = ['registry.access.redhat.com', 'docker.io']\n"

// Path is where the node reads the rendered file.
const Path = "/etc/containers/registries.conf"

// Options are the inputs of Render besides the mirror objects.
type Options struct {
	// Image is the Image named cluster, or nil for none.
	Image *Image
	// ReleaseImage is the cluster's release payload pull spec (the
	// ClusterVersion's status.desired.image). With it, Render drops a
	// blocked registry that would cut the node off the payload, as the MCO
	// does; without it, blocked registries are taken as they are.
	ReleaseImage string
	// Template is the registries.conf the MCO starts from; empty means
	// BaseTemplate.
	Template []byte
}

// Result is what the node gets.
type Result struct {
	// Conf is the content of /etc/containers/registries.conf.
	Conf []byte
	// Rewritten is false when the MCO has nothing to apply and leaves the
	// template file as it is, unparsed and not re-encoded.
	Rewritten bool
	// Warnings are what the MCO logs and skips, and what the node does
	// that the objects do not say outright.
	Warnings []string
	// Edited is what Edit returns for the same sets and options: a caller
	// that renders one side of a change compares it with the other's Edit
	// without editing the file twice. nil when the template does not
	// decode and is kept as it is.
	Edited *Edited
}

// Render returns the registries.conf that every node gets from sets and
// opts, or the error the MCO stops at, in its words. Errors of the API
// server (an Image it would not accept) come first.
func Render(sets []mirror.Set, opts Options) (*Result, error) {
	if err := ValidateImage(opts.Image); err != nil {
		return nil, err
	}
	in, err := prepare(sets, opts)
	if err != nil {
		return nil, err
	}
	template, insecure, lists, icsp, idms, itms := in.template, in.insecure, in.lists, in.icsp, in.idms, in.itms
	res := &Result{}
	res.Warnings = append(res.Warnings, lists.warnings...)

	conf := template
	if in.writes() {
		var edited *sysregistriesv2.V2RegistriesConf
		conf, edited, err = updateRegistriesConfig(template, insecure, lists.registriesBlocked, sets, icsp, idms, itms)
		if err != nil {
			return nil, fmt.Errorf("could not update registries config with new changes: %w", err)
		}
		res.Rewritten = true
		res.Warnings = append(res.Warnings, nestedUnblocked(edited.Registries, sets)...)
		res.Edited = &Edited{Conf: *edited, Rewritten: true}
	} else {
		e := &Edited{}
		if _, err := toml.Decode(string(template), &e.Conf); err == nil {
			res.Edited = e
		}
	}
	if lists.policyBlocked != nil || lists.allowed != nil {
		if err := checkPolicy(lists.policyBlocked, lists.allowed, opts.ReleaseImage); err != nil {
			return nil, fmt.Errorf("could not update policy json with new changes: %w", err)
		}
	}
	res.Conf = conf
	return res, nil
}

// updateRegistriesConfig is the MCO's function of that name. It returns
// the edited configuration too, which the encoded file decodes to.
func updateRegistriesConfig(data []byte, insecure, blocked []string, sets []mirror.Set,
	icsp []*apioperatorsv1alpha1.ImageContentSourcePolicy, idms []*apicfgv1.ImageDigestMirrorSet, itms []*apicfgv1.ImageTagMirrorSet,
) ([]byte, *sysregistriesv2.V2RegistriesConf, error) {
	tomlConf := sysregistriesv2.V2RegistriesConf{}
	if _, err := toml.Decode(string(data), &tomlConf); err != nil {
		return nil, nil, fmt.Errorf("error unmarshalling registries config: %w", err)
	}
	if err := validateScopes(insecure, blocked, nil); err != nil {
		return nil, nil, err
	}
	if err := check.MCO(sets); err != nil {
		return nil, nil, err
	}
	if err := editRegistries(&tomlConf, insecure, blocked, icsp, idms, itms); err != nil {
		return nil, nil, err
	}
	conf, err := encode(tomlConf)
	return conf, &tomlConf, err
}

// validateScopes is the first half of the MCO's validateRegistriesConfScopes;
// check.MCO is the other.
func validateScopes(insecure, blocked, allowed []string) error {
	for _, scope := range insecure {
		if !registries.IsValidRegistriesConfScope(scope) {
			return fmt.Errorf("invalid entry for insecure registries %q", scope)
		}
	}
	for _, scope := range blocked {
		if !registries.IsValidRegistriesConfScope(scope) {
			return fmt.Errorf("invalid entry for blocked registries %q", scope)
		}
	}
	for _, scope := range allowed {
		if !registries.IsValidRegistriesConfScope(scope) {
			return fmt.Errorf("invalid entry for allowed registries %q", scope)
		}
	}
	return nil
}

// checkPolicy runs the checks of the MCO's updatePolicyJSON: it fails the
// whole rendering, registries.conf included.
func checkPolicy(policyBlocked, allowed []string, releaseImage string) error {
	if len(allowed) != 0 && len(policyBlocked) != 0 {
		onlyPayload := false
		if releaseImage != "" {
			payload, err := payloadRef(releaseImage)
			if err != nil {
				return err
			}
			onlyPayload = len(allowed) == 1 && allowed[0] == payload.Name()
		}
		if !onlyPayload {
			return errors.New("invalid images config: only one of AllowedRegistries or BlockedRegistries may be specified")
		}
	}
	return validateScopes(nil, policyBlocked, allowed)
}

// ValidateImage returns what the API server says of img, which it would
// not store: each registry must match the API's pattern, and only one of
// blockedRegistries and allowedRegistries may be set.
func ValidateImage(img *Image) error {
	if img == nil {
		return nil
	}
	lists := [][]string{img.InsecureRegistries, img.BlockedRegistries, img.AllowedRegistries}
	for i, name := range registrySourcesFields {
		for j, s := range lists[i] {
			if !check.ValidSource(s) {
				return fmt.Errorf("%s: %w", img.Ref(), &mirror.FieldError{
					Field: fmt.Sprintf("spec.registrySources.%s[%d]", name, j),
					Msg:   fmt.Sprintf("%q: each registry must be a valid hostname[:port][/path] or wildcard *.hostname format without tags or digests (the API server rejects it)", s),
				})
			}
		}
	}
	if img.BlockedRegistries != nil && img.AllowedRegistries != nil {
		return fmt.Errorf("%s: %w", img.Ref(), &mirror.FieldError{
			Field: "spec.registrySources",
			Msg:   "Only one of blockedRegistries or allowedRegistries may be set (the API server rejects it)",
		})
	}
	return nil
}

// Typed converts sets into the openshift/api objects the MCO lists, in
// the order of sets.
func Typed(sets []mirror.Set) ([]*apioperatorsv1alpha1.ImageContentSourcePolicy, []*apicfgv1.ImageDigestMirrorSet, []*apicfgv1.ImageTagMirrorSet) {
	var (
		icsp []*apioperatorsv1alpha1.ImageContentSourcePolicy
		idms []*apicfgv1.ImageDigestMirrorSet
		itms []*apicfgv1.ImageTagMirrorSet
	)
	for i := range sets {
		s := &sets[i]
		switch s.Kind {
		case mirror.ICSP:
			o := &apioperatorsv1alpha1.ImageContentSourcePolicy{}
			o.Name = s.Name
			for _, e := range s.Entries {
				o.Spec.RepositoryDigestMirrors = append(o.Spec.RepositoryDigestMirrors, apioperatorsv1alpha1.RepositoryDigestMirrors{
					Source: e.Source, Mirrors: append([]string(nil), e.Mirrors...),
				})
			}
			icsp = append(icsp, o)
		case mirror.IDMS:
			o := &apicfgv1.ImageDigestMirrorSet{}
			o.Name = s.Name
			for _, e := range s.Entries {
				o.Spec.ImageDigestMirrors = append(o.Spec.ImageDigestMirrors, apicfgv1.ImageDigestMirrors{
					Source: e.Source, Mirrors: imageMirrors(e.Mirrors), MirrorSourcePolicy: e.Policy,
				})
			}
			idms = append(idms, o)
		case mirror.ITMS:
			o := &apicfgv1.ImageTagMirrorSet{}
			o.Name = s.Name
			for _, e := range s.Entries {
				o.Spec.ImageTagMirrors = append(o.Spec.ImageTagMirrors, apicfgv1.ImageTagMirrors{
					Source: e.Source, Mirrors: imageMirrors(e.Mirrors), MirrorSourcePolicy: e.Policy,
				})
			}
			itms = append(itms, o)
		}
	}
	return icsp, idms, itms
}

func imageMirrors(ms []string) []apicfgv1.ImageMirror {
	if ms == nil {
		return nil
	}
	out := make([]apicfgv1.ImageMirror, len(ms))
	for i, m := range ms {
		out[i] = apicfgv1.ImageMirror(m)
	}
	return out
}

// nestedUnblocked warns about registries that inherit the mirrors of a
// NeverContactSource source but not its blocked flag (an insecure registry
// nested under it): pulls from them still reach the source registry.
// regs are the registries of the rendered file, as the MCO edited them
// (not decoded again from the file: the same entries, at no cost).
func nestedUnblocked(regs []sysregistriesv2.Registry, sets []mirror.Set) []string {
	never := map[string]bool{}
	sources := map[string]bool{}
	for _, s := range sets {
		for _, e := range s.Entries {
			sources[e.Source] = true
			if e.Policy == mirror.NeverContactSource {
				never[e.Source] = true
			}
		}
	}
	if len(never) == 0 {
		return nil
	}
	var warnings []string
	for _, reg := range regs {
		scope := reg.Location
		if reg.Prefix != "" {
			scope = reg.Prefix
		}
		if reg.Blocked || sources[scope] || len(reg.Mirrors) == 0 {
			continue
		}
		for src := range never {
			if scope != src && registries.ScopeIsNestedInsideScope(scope, src) {
				warnings = append(warnings, fmt.Sprintf("%s is nested under %s, which has mirrorSourcePolicy NeverContactSource: it gets the mirrors but not the block, so pulls from %s still contact the source registry", scope, src, scope))
			}
		}
	}
	return sortedUnique(warnings)
}

func sortedUnique(list []string) []string {
	sort.Strings(list)
	return slices.Compact(list)
}
