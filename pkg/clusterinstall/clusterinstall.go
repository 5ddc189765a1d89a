// Package clusterinstall reads the mirror rules of the cluster-provisioning
// resources that GitOps repositories carry: an image-based install's
// ImageClusterInstall (extensions.hive.openshift.io/v1alpha1), whose
// spec.imageDigestSources holds ImageDigestMirrorSet entries for the
// cluster it installs.
//
// As read in openshift/image-based-install-operator: api/v1alpha1
// imageclusterinstall_types.go types the field as openshift/api's
// []config/v1.ImageDigestMirrors, so the CRD carries the IDMS patterns, the
// policy enum and mirrors as a set (no MaxItems); internal/installer
// ConvertIDMToIDS copies only source and mirrors into the install-config's
// imageDigestSources, so a mirrorSourcePolicy there reaches no node.
//
// ACM's ClusterInstance (siteconfig.open-cluster-management.io/v1alpha1,
// stolostron/siteconfig) and ZTP's SiteConfig (ran.openshift.io/v1) hold no
// typed mirror field: their installConfigOverrides is a JSON string of
// install-config fields that becomes the AgentClusterInstall's
// install-config-overrides annotation. CheckOverride reads its mirror
// fields as an install-config's, and changes nothing.
//
// Assisted and agent-based installs name a mirror ConfigMap in
// mirrorRegistryRef (MirrorRegistryRef): its registries.conf is read by
// package importconf.
package clusterinstall

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// The ImageClusterInstall API's group version and kind.
const (
	APIVersion = "extensions.hive.openshift.io/v1alpha1"
	Kind       = "ImageClusterInstall"
)

// IsImageClusterInstall reports whether apiVersion and kind are an
// ImageClusterInstall's.
func IsImageClusterInstall(apiVersion, kind string) bool {
	return kind == Kind && apiVersion == APIVersion
}

// Decode reads spec.imageDigestSources as a set of kind
// mirror.ImageClusterInstall, with the errors and warnings of an IDMS's
// entries.
func Decode(node *yaml.RNode, item int) (*mirror.Set, []*mirror.FieldError, error) {
	return mirror.DecodeAs(node, item, mirror.ImageClusterInstall)
}

// PolicyCount returns how many entries of s carry a mirrorSourcePolicy,
// which the operator drops.
func PolicyCount(s *mirror.Set) int {
	n := 0
	for _, e := range s.Entries {
		if e.Policy != "" {
			n++
		}
	}
	return n
}

// WithoutPolicies returns a copy of s without the policies the CRD accepts,
// which the operator drops, so that the checks and consolidation see what
// the installed cluster gets (a NeverContactSource beside the source among
// its mirrors, or two entries that disagree, are no error there). Values
// outside the CRD's enum stay, to be refused. kept is each source's policy
// where all its entries agree, for RestorePolicies.
func WithoutPolicies(s *mirror.Set) (out *mirror.Set, kept map[string]mirror.Policy) {
	out = s.Clone()
	kept = map[string]mirror.Policy{}
	mixed := map[string]bool{}
	for i, e := range out.Entries {
		if p, ok := kept[e.Source]; ok && p != e.Policy {
			mixed[e.Source] = true
		}
		kept[e.Source] = e.Policy
		if e.Policy == mirror.NeverContactSource || e.Policy == mirror.AllowContactingSource {
			out.Entries[i].Policy = ""
		}
	}
	for src := range mixed {
		delete(kept, src)
	}
	return out, kept
}

// RestorePolicies gives each entry the policy that kept holds for its
// source: the file keeps the policies its author wrote, where the merge
// leaves one to keep.
func RestorePolicies(entries []mirror.Entry, kept map[string]mirror.Policy) []mirror.Entry {
	out := make([]mirror.Entry, len(entries))
	for i, e := range entries {
		if e.Policy == "" {
			e.Policy = kept[e.Source]
		}
		out[i] = e
	}
	return out
}
