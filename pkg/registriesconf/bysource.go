package registriesconf

import (
	"slices"

	"github.com/containers/image/v5/pkg/sysregistriesv2"
	apicfgv1 "github.com/openshift/api/config/v1"
	apioperatorsv1alpha1 "github.com/openshift/api/operator/v1alpha1"
	"github.com/openshift/runtime-utils/pkg/registries"
)

// editRegistries is runtime-utils' EditRegistriesConfig, as the MCO calls
// it. Its lookups are quadratic in the sources (a linear search for each
// source's entry, twice, and a pass over every entry for each source),
// 0.15 s for 3,000 sources; in the common case, where
// nothing but the mirror objects edits the file (no insecure or blocked
// scopes, no registry in the template), editBySource gives the same
// entries in linear time.
func editRegistries(conf *sysregistriesv2.V2RegistriesConf, insecure, blocked []string,
	icsp []*apioperatorsv1alpha1.ImageContentSourcePolicy, idms []*apicfgv1.ImageDigestMirrorSet, itms []*apicfgv1.ImageTagMirrorSet,
) error {
	if len(insecure) == 0 && len(blocked) == 0 && len(conf.Registries) == 0 {
		if regs, ok := editBySource(icsp, idms, itms); ok {
			conf.Registries = regs
			return nil
		}
	}
	return registries.EditRegistriesConfig(conf, insecure, blocked, icsp, idms, itms)
}

// sourceEntries are the entries of one source, of each kind.
type sourceEntries struct {
	icsp []apioperatorsv1alpha1.RepositoryDigestMirrors
	idms []apicfgv1.ImageDigestMirrors
	itms []apicfgv1.ImageTagMirrors
}

// editBySource calls EditRegistriesConfig on each source's entries alone
// and puts the entries it makes in the order the whole call gives them.
// With no insecure or blocked scopes and an empty configuration, the whole
// call (runtime-utils 7bdb5b9c177b, registries.go):
//   - merges each source's lists on their own (mergedMirrors reads only
//     the source's lists, and its NeverContactSource);
//   - makes an entry for each digest source, sorted by source, then for
//     each tag source without one yet, sorted too; a tag source with a
//     digest entry gets its tag mirrors after the digest ones;
//   - changes nothing in its last pass, which gives a nested scope its
//     parent's mirrors only when it has none, and every entry made from a
//     mirror object has some.
//
// ok is false when a source's call fails: the whole call then says why,
// as the MCO would.
func editBySource(icsp []*apioperatorsv1alpha1.ImageContentSourcePolicy, idms []*apicfgv1.ImageDigestMirrorSet, itms []*apicfgv1.ImageTagMirrorSet) (regs []sysregistriesv2.Registry, ok bool) {
	by := map[string]*sourceEntries{}
	of := func(source string) *sourceEntries {
		o := by[source]
		if o == nil {
			o = &sourceEntries{}
			by[source] = o
		}
		return o
	}
	for _, obj := range idms {
		for _, e := range obj.Spec.ImageDigestMirrors {
			o := of(e.Source)
			o.idms = append(o.idms, e)
		}
	}
	for _, obj := range icsp {
		for _, e := range obj.Spec.RepositoryDigestMirrors {
			o := of(e.Source)
			o.icsp = append(o.icsp, e)
		}
	}
	for _, obj := range itms {
		for _, e := range obj.Spec.ImageTagMirrors {
			o := of(e.Source)
			o.itms = append(o.itms, e)
		}
	}
	sources := make([]string, 0, len(by))
	for s := range by {
		sources = append(sources, s)
	}
	slices.Sort(sources)
	// One object of each kind, which each source's call gets with that
	// source's entries.
	var oneICSP apioperatorsv1alpha1.ImageContentSourcePolicy
	var oneIDMS apicfgv1.ImageDigestMirrorSet
	var oneITMS apicfgv1.ImageTagMirrorSet
	var tagOnly []sysregistriesv2.Registry
	for _, s := range sources {
		o := by[s]
		oneICSP.Spec.RepositoryDigestMirrors = o.icsp
		oneIDMS.Spec.ImageDigestMirrors = o.idms
		oneITMS.Spec.ImageTagMirrors = o.itms
		var one sysregistriesv2.V2RegistriesConf
		if err := registries.EditRegistriesConfig(&one, nil, nil, objects(&oneICSP, len(o.icsp)),
			objects(&oneIDMS, len(o.idms)), objects(&oneITMS, len(o.itms))); err != nil {
			return nil, false
		}
		for _, r := range one.Registries {
			if hasDigestMirror(r) {
				regs = append(regs, r)
			} else {
				tagOnly = append(tagOnly, r)
			}
		}
	}
	return append(regs, tagOnly...), true
}

// objects is the one object o when it holds entries, none otherwise.
func objects[T any](o *T, entries int) []*T {
	if entries == 0 {
		return nil
	}
	return []*T{o}
}

func hasDigestMirror(r sysregistriesv2.Registry) bool {
	for _, m := range r.Mirrors {
		if m.PullFromMirror == sysregistriesv2.MirrorByDigestOnly {
			return true
		}
	}
	return false
}
