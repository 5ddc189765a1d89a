package registriesconf

import (
	"errors"
	"fmt"

	"github.com/containers/image/v5/docker/reference"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
	apicfgv1 "github.com/openshift/api/config/v1"
	apioperatorsv1alpha1 "github.com/openshift/api/operator/v1alpha1"
	"github.com/openshift/runtime-utils/pkg/registries"
)

// errParsingReference is the MCO's error for a release image it cannot
// parse; it stops the rendering.
var errParsingReference = errors.New("error parsing reference of release image")

// registryLists are the blocked and allowed lists the MCO derives from the
// Image: blocked ones for registries.conf and for policy.json, and allowed
// ones for policy.json.
type registryLists struct {
	registriesBlocked, policyBlocked, allowed []string
	warnings                                  []string
}

// blockedAndAllowed follows the MCO's getValidBlockedAndAllowedRegistries
// and how syncImageConfig treats its errors: a blocked registry that holds
// the payload stays blocked only if the payload has a mirror that is not
// blocked; otherwise it is dropped, with a log line and no failure.
func blockedAndAllowed(releaseImage string, img *Image,
	icsp []*apioperatorsv1alpha1.ImageContentSourcePolicy, idms []*apicfgv1.ImageDigestMirrorSet,
) (registryLists, error) {
	var l registryLists
	if img == nil {
		return l, nil
	}
	if releaseImage == "" {
		l.registriesBlocked = append(l.registriesBlocked, img.BlockedRegistries...)
		l.policyBlocked = append(l.policyBlocked, img.BlockedRegistries...)
		l.allowed = append(l.allowed, img.AllowedRegistries...)
		return l, nil
	}
	ref, err := payloadRef(releaseImage)
	if err != nil {
		return l, err
	}
	digestRules := append([]*apicfgv1.ImageDigestMirrorSet(nil), idms...)
	for _, o := range icsp {
		digestRules = append(digestRules, icspAsIDMS(o))
	}
	payloadRepo := ref.Name()
	var blockErr []string
	for _, reg := range img.BlockedRegistries {
		if !registries.ScopeIsNestedInsideScope(payloadRepo, reg) {
			l.registriesBlocked = append(l.registriesBlocked, reg)
			l.policyBlocked = append(l.policyBlocked, reg)
			continue
		}
		hasMirror, err := payloadHasUnblockedMirror(ref, digestRules, img)
		if err != nil {
			// syncImageConfig logs this and goes on with no blocked and no
			// allowed registries at all.
			return registryLists{warnings: []string{fmt.Sprintf(
				"%v, skipping....: the MCO ignores blockedRegistries and allowedRegistries", err)}}, nil
		}
		if !hasMirror {
			blockErr = append(blockErr, reg)
			continue
		}
		l.warnings = append(l.warnings, fmt.Sprintf(
			"%q matches the payload repository, but will add it to the list of blocked registries as there are mirror rules configured for it", reg))
		l.registriesBlocked = append(l.registriesBlocked, reg)
		if payloadRepo != reg {
			l.policyBlocked = append(l.policyBlocked, reg)
		}
		l.allowed = append(l.allowed, payloadRepo)
	}
	if len(blockErr) > 0 {
		l.warnings = append(l.warnings, fmt.Sprintf(
			"error adding %q to blocked registries, cannot block the repository being used by the payload, skipping....: the MCO leaves it out", blockErr))
	}
	l.allowed = append(l.allowed, img.AllowedRegistries...)
	return l, nil
}

func payloadRef(releaseImage string) (reference.Named, error) {
	ref, err := reference.ParseNamed(releaseImage)
	if err != nil {
		return nil, errParsingReference
	}
	return ref, nil
}

// payloadHasUnblockedMirror is the MCO's payloadRepoHasUnblockedMirror: it
// renders a registries.conf from the digest rules and the Image alone, and
// asks containers/image where the payload would be pulled from.
func payloadHasUnblockedMirror(payload reference.Named, digestRules []*apicfgv1.ImageDigestMirrorSet, img *Image) (bool, error) {
	conf := sysregistriesv2.V2RegistriesConf{}
	if err := registries.EditRegistriesConfig(&conf, img.InsecureRegistries, img.BlockedRegistries, nil, digestRules, nil); err != nil {
		return false, err
	}
	data, err := encode(conf)
	if err != nil {
		return false, err
	}
	parsed, err := Parse(data)
	if err != nil {
		return false, err
	}
	defer parsed.Close()
	r, err := parsed.FindRegistry(payload.Name())
	if err != nil {
		return false, err
	}
	if r == nil {
		// Unreachable: the blocked scope around the payload has an entry.
		return false, nil
	}
	sources, err := r.PullSourcesFromReference(payload)
	if err != nil {
		return false, err
	}
	for _, s := range sources {
		usable := true
		for _, blocked := range img.BlockedRegistries {
			if registries.ScopeIsNestedInsideScope(s.Reference.Name(), blocked) {
				usable = false
			}
		}
		if usable {
			return true, nil
		}
	}
	return false, nil
}

// icspAsIDMS is the MCO's convertICSPToIDMS.
func icspAsIDMS(icsp *apioperatorsv1alpha1.ImageContentSourcePolicy) *apicfgv1.ImageDigestMirrorSet {
	var entries []apicfgv1.ImageDigestMirrors
	for _, e := range icsp.Spec.RepositoryDigestMirrors {
		entries = append(entries, apicfgv1.ImageDigestMirrors{Source: e.Source, Mirrors: imageMirrors(e.Mirrors)})
	}
	return &apicfgv1.ImageDigestMirrorSet{Spec: apicfgv1.ImageDigestMirrorSetSpec{ImageDigestMirrors: entries}}
}
