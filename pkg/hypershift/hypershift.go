// Package hypershift reads the mirror rules of HyperShift objects: a
// HostedCluster's spec.imageContentSources, which become the digest mirrors
// of its guest cluster's nodes, and the ImageContentSourcePolicy and
// ImageDigestMirrorSet manifests that a NodePool's spec.config ConfigMaps
// embed. A HostedCluster's guest is another cluster than the one its object
// is applied to: its entries never mix with the management cluster's mirror
// objects.
//
// What HyperShift does with them, as read in openshift/hypershift:
//   - support/globalconfig ReconcileImageDigestMirrors copies each
//     imageContentSources entry, source and mirrors as they are and no
//     policy, into an ImageDigestMirrorSet named cluster; the
//     control-plane-operator puts it in the ignition payload of every
//     NodePool (hostedcontrolplane_controller.go), and the hosted cluster
//     config operator creates it in the guest and deletes any ICSP named
//     cluster (reconcileImageContentPolicyType).
//   - hypershift-operator/controllers/nodepool/config.go reads the "config"
//     key of each ConfigMap a NodePool's spec.config names, in the
//     NodePool's namespace, splits it into YAML documents and accepts
//     MachineConfig, ImageContentSourcePolicy, ImageDigestMirrorSet,
//     ClusterImagePolicy, KubeletConfig and ContainerRuntimeConfig (no
//     ImageTagMirrorSet).
package hypershift

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/check"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// The HyperShift API's group version and kinds.
const (
	APIVersion        = "hypershift.openshift.io/v1beta1"
	KindHostedCluster = "HostedCluster"
	KindNodePool      = "NodePool"
)

// The API's limits on spec.imageContentSources, from the kubebuilder
// markers of api/hypershift/v1beta1/hostedcluster_types.go (HostedClusterSpec
// and ImageContentSource): at most 255 entries, each source at most 255
// characters, at most 255 mirrors per entry, each at most 255 characters,
// and mirrors a set (listType=set: no duplicates). No pattern.
const (
	MaxSources = 255
	MaxMirrors = 255
	MaxLength  = 255
	GuestIDMS  = "cluster" // the ImageDigestMirrorSet the guest gets
	ConfigKey  = "config"  // the NodePool ConfigMaps' key (TokenSecretConfigKey)
)

// IsHostedCluster reports whether apiVersion and kind are a HostedCluster's.
// Only v1beta1: v1alpha1 is no longer served.
func IsHostedCluster(apiVersion, kind string) bool {
	return kind == KindHostedCluster && apiVersion == APIVersion
}

// IsNodePool reports whether apiVersion and kind are a NodePool's.
func IsNodePool(apiVersion, kind string) bool {
	return kind == KindNodePool && apiVersion == APIVersion
}

// Decode reads a HostedCluster's spec.imageContentSources as a set of kind
// mirror.HostedCluster. Fields of the wrong type are errors that name the
// field; unknown entry fields (a mirrorSourcePolicy among them) are
// warnings, since the API server drops them.
func Decode(node *yaml.RNode, item int) (*mirror.Set, []*mirror.FieldError, error) {
	return mirror.DecodeAs(node, item, mirror.HostedCluster)
}

// Limits reports, as errors, what the HostedCluster API's limits refuse in
// s (what would reach the API server): too many entries, too many mirrors
// in one, and sources or mirrors that are too long.
func Limits(s *mirror.Set) result.Results {
	var rs result.Results
	if n := len(s.Entries); n > MaxSources {
		f := s.Kind.EntriesField()
		rs = append(rs, check.Result(result.Error, s, f[0]+"."+f[1], fmt.Sprintf("has %d entries; the HostedCluster API allows at most %d (MaxItems)%s", n, MaxSources, mergeHint(s))))
	}
	for i, e := range s.Entries {
		field := s.EntryField(i)
		if len(e.Source) > MaxLength {
			rs = append(rs, check.Result(result.Error, s, field+".source", fmt.Sprintf("is %d characters long; the HostedCluster API allows at most %d", len(e.Source), MaxLength)))
		}
		if len(e.Mirrors) > MaxMirrors {
			rs = append(rs, check.Result(result.Error, s, field+".mirrors", fmt.Sprintf("has %d mirrors; the HostedCluster API allows at most %d (MaxItems)", len(e.Mirrors), MaxMirrors)))
		}
		for j, m := range e.Mirrors {
			if len(m) > MaxLength {
				rs = append(rs, check.Result(result.Error, s, field+".mirrors["+strconv.Itoa(j)+"]", fmt.Sprintf("is %d characters long; the HostedCluster API allows at most %d", len(m), MaxLength)))
			}
		}
	}
	return rs
}

// mergeHint says what could bring the entries under the limit.
func mergeHint(s *mirror.Set) string {
	sources := map[string]bool{}
	for _, e := range s.Entries {
		sources[e.Source] = true
	}
	if len(sources) <= MaxSources {
		return fmt.Sprintf("; its %d sources fit once entries with the same source are merged (consolidate: true)", len(sources))
	}
	return fmt.Sprintf(" and it names %d sources: use a shorter source that covers several (a registry or a namespace), or move entries into an ImageDigestMirrorSet in a NodePool's spec.config", len(sources))
}

// Guest returns the ImageDigestMirrorSet that HyperShift makes of the
// HostedCluster's entries for the guest: named cluster, the entries as they
// are, no policy (support/globalconfig ReconcileImageDigestMirrors).
func Guest(hc *mirror.Set) mirror.Set {
	g := mirror.Set{Kind: mirror.IDMS, Name: GuestIDMS, Item: hc.Item, File: hc.File, FileIndex: hc.FileIndex}
	g.Entries = make([]mirror.Entry, len(hc.Entries))
	for i, e := range hc.Entries {
		g.Entries[i] = mirror.Entry{Source: e.Source, Mirrors: append([]string(nil), e.Mirrors...)}
	}
	return g
}

// Ref names a HostedCluster or NodePool in messages, with its namespace.
func Ref(kind, namespace, name, file string) string {
	r := kind + " " + strconv.Quote(name)
	if namespace != "" {
		r = kind + " " + strconv.Quote(namespace+"/"+name)
	}
	if file != "" {
		r += " in " + file
	}
	return r
}

// NodePool is what mirrorset reads of a NodePool: where it is, and the
// ConfigMaps its spec.config names, which HyperShift looks up in the
// NodePool's namespace.
type NodePool struct {
	Name, Namespace string
	// ClusterName is spec.clusterName, the HostedCluster in the same
	// namespace whose nodes these are.
	ClusterName string
	Configs     []string
}

// DecodeNodePool reads a NodePool's name, namespace, spec.clusterName and
// spec.config names.
func DecodeNodePool(node *yaml.RNode) (*NodePool, error) {
	np := &NodePool{Name: node.GetName(), Namespace: node.GetNamespace()}
	spec := yamlfield.Lookup(node.YNode(), "spec")
	if spec == nil || yamlfield.IsNull(spec) {
		return np, nil
	}
	if spec.Kind != yaml.MappingNode {
		return np, &mirror.FieldError{Field: "spec", Msg: "must be a map, got " + yamlfield.Describe(spec)}
	}
	if c := yamlfield.Lookup(spec, "clusterName"); c != nil && !yamlfield.IsNull(c) {
		s, err := yamlfield.String(c, "spec.clusterName")
		if err != nil {
			return np, err
		}
		np.ClusterName = s
	}
	list := yamlfield.Lookup(spec, "config")
	if list == nil || yamlfield.IsNull(list) {
		return np, nil
	}
	if list.Kind != yaml.SequenceNode {
		return np, &mirror.FieldError{Field: "spec.config", Msg: "must be a list of {name} references to ConfigMaps, got " + yamlfield.Describe(list)}
	}
	for i, ref := range list.Content {
		f := "spec.config[" + strconv.Itoa(i) + "]"
		if ref.Kind != yaml.MappingNode {
			return np, &mirror.FieldError{Field: f, Msg: "must be a map with a name, got " + yamlfield.Describe(ref)}
		}
		n := yamlfield.Lookup(ref, "name")
		if n == nil {
			continue
		}
		name, err := yamlfield.String(n, f+".name")
		if err != nil {
			return np, err
		}
		np.Configs = append(np.Configs, name)
	}
	return np, nil
}
