package krm

import (
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/check"
	"github.com/mirrorset/mirrorset/pkg/clusterinstall"
	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/hypershift"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/transform"
)

// edit changes one field of an item that mirrorset does not own, in its
// tree: everything else in the item stays.
type edit func(n *yaml.RNode) error

// fieldSources runs mirrorset on the mirror rules that other objects hold
// in a field: a HostedCluster's spec.imageContentSources, the ICSPs that a
// NodePool's config ConfigMaps embed, an ImageClusterInstall's
// spec.imageDigestSources. Each is the mirror configuration of another
// cluster than the list's (a guest, a cluster being installed): its entries
// are checked and consolidated among themselves, never with the list's
// mirror objects. It returns the edits to make, by entry. A list without
// those kinds costs one look at each entry's kind.
func fieldSources(cfg config.Config, entries []*entry) (map[int]edit, result.Results, error) {
	var hcs, pools, icis []int
	for i, e := range entries {
		switch e.kind {
		case hypershift.KindHostedCluster:
			if hypershift.IsHostedCluster(e.apiVersion, e.kind) {
				hcs = append(hcs, i)
			}
		case hypershift.KindNodePool:
			if hypershift.IsNodePool(e.apiVersion, e.kind) {
				pools = append(pools, i)
			}
		case clusterinstall.Kind:
			if clusterinstall.IsImageClusterInstall(e.apiVersion, e.kind) {
				icis = append(icis, i)
			}
		}
	}
	if hcs == nil && pools == nil && icis == nil {
		return nil, nil, nil
	}
	s := &sources{cfg: cfg, entries: entries, edits: map[int]edit{}, guests: map[string]*mirror.Set{}}
	for _, i := range hcs {
		if err := s.hostedCluster(i); err != nil {
			return nil, nil, err
		}
	}
	for _, i := range icis {
		if err := s.imageClusterInstall(i); err != nil {
			return nil, nil, err
		}
	}
	if err := s.nodePools(pools); err != nil {
		return nil, nil, err
	}
	return s.edits, s.results, nil
}

type sources struct {
	cfg     config.Config
	entries []*entry
	edits   map[int]edit
	results result.Results
	// guests are the HostedClusters' entries once rewritten, by
	// namespace/name, for the NodePools' check.
	guests map[string]*mirror.Set
}

func (s *sources) add(rs ...*result.Result) { s.results = append(s.results, rs...) }

// read returns entry i's tree, or nil for local config, which kpt and
// kustomize keep off the cluster.
func (s *sources) read(i int) (*yaml.RNode, error) {
	n, err := s.entries[i].read()
	if err != nil || annotation(n, localConfig) == "true" {
		return nil, err
	}
	return n, nil
}

// decoded reads a set with decode and reports its problems; nil when it
// has none to work on.
func (s *sources) decoded(n *yaml.RNode, i int, decode func(*yaml.RNode, int) (*mirror.Set, []*mirror.FieldError, error)) *mirror.Set {
	set, warnings, err := decode(n, i)
	if set.Name == "" {
		set.Name = n.GetName()
	}
	for _, w := range warnings {
		s.add(check.Result(result.Warning, set, w.Field, w.Msg))
	}
	if err != nil {
		var fe *mirror.FieldError
		if errors.As(err, &fe) {
			s.add(check.Result(result.Error, set, fe.Field, fe.Msg))
		} else {
			s.add(check.Result(result.Error, set, "", err.Error()))
		}
		return nil
	}
	if len(set.Entries) == 0 {
		return nil
	}
	return set
}

// own runs the top level's checks and consolidation on one object's
// entries, as a cluster of their own, and returns the set as it goes out,
// or nil when it failed. No policy is written and no layout applies: the
// field stays where it is.
func (s *sources) own(set *mirror.Set) *mirror.Set {
	c := s.cfg
	c.DefaultMirrorSourcePolicy, c.TagMirrors, c.Layout = "", false, config.LayoutPreserve
	out := transform.Run(c, []*mirror.Set{set})
	s.add(out.Results...)
	if out.Failed() || len(out.Outs) != 1 {
		return nil
	}
	o := out.Outs[0]
	if o.How == transform.Updated {
		k, entries := o.Kind, o.Entries
		s.edits[set.Item] = func(n *yaml.RNode) error { return mirror.SetEntries(n, k, entries) }
	}
	return o.Set
}

// hostedCluster checks and consolidates a HostedCluster's
// spec.imageContentSources, the digest mirrors of its guest's nodes.
func (s *sources) hostedCluster(i int) error {
	n, err := s.read(i)
	if n == nil {
		return err
	}
	set := s.decoded(n, i, hypershift.Decode)
	if set == nil {
		return nil
	}
	out := s.own(set)
	if out == nil {
		return nil
	}
	if rs := hypershift.Limits(out); len(rs) > 0 {
		s.add(rs...)
		delete(s.edits, i)
		return nil
	}
	if err := check.MCO([]mirror.Set{hypershift.Guest(out)}); err != nil {
		s.add(check.Result(result.Error, out, "", "the guest's Machine Config Operator would refuse the ImageDigestMirrorSet cluster made of these entries, and its nodes would get no ignition: "+err.Error()))
		delete(s.edits, i)
		return nil
	}
	if s.cfg.DefaultMirrorSourcePolicy != "" {
		s.add(check.Result(result.Warning, out, "", fmt.Sprintf("defaultMirrorSourcePolicy %s does not apply: a HostedCluster's imageContentSources has no mirrorSourcePolicy, and HyperShift gives the guest an ImageDigestMirrorSet cluster without one, so the guest's nodes may contact these sources", s.cfg.DefaultMirrorSourcePolicy)))
	}
	s.guests[n.GetNamespace()+"/"+set.Name] = out
	return nil
}

// imageClusterInstall checks and consolidates an ImageClusterInstall's
// spec.imageDigestSources.
func (s *sources) imageClusterInstall(i int) error {
	n, err := s.read(i)
	if n == nil {
		return err
	}
	set := s.decoded(n, i, clusterinstall.Decode)
	if set == nil {
		return nil
	}
	out := s.own(set)
	if out == nil {
		return nil
	}
	if err := check.MCO([]mirror.Set{{Kind: mirror.IDMS, Entries: out.Entries}}); err != nil {
		s.add(check.Result(result.Error, out, "", "the installed cluster's Machine Config Operator would refuse these entries: "+err.Error()))
		delete(s.edits, i)
		return nil
	}
	if k := clusterinstall.PolicyCount(out); k > 0 {
		s.add(check.Result(result.Warning, out, "", fmt.Sprintf("mirrorSourcePolicy on %d %s has no effect: the image-based install operator passes only source and mirrors on to the install-config", k, plural(k, "entry", "entries"))))
	} else if s.cfg.DefaultMirrorSourcePolicy != "" {
		s.add(check.Result(result.Warning, out, "", fmt.Sprintf("defaultMirrorSourcePolicy %s is not written here: the image-based install operator passes only source and mirrors on to the install-config", s.cfg.DefaultMirrorSourcePolicy)))
	}
	return nil
}

// nodePools converts the ICSPs embedded in the config key of the ConfigMaps
// that the NodePools name, and checks what each NodePool's nodes get: its
// HostedCluster's entries beside the embedded objects. Only ConfigMaps a
// NodePool of the list names, in its namespace, are read: HyperShift reads
// no other.
func (s *sources) nodePools(pools []int) error {
	type cmDone struct {
		sets []mirror.Set
	}
	done := map[int]*cmDone{}
	for _, i := range pools {
		n, err := s.read(i)
		if n == nil {
			if err != nil {
				return err
			}
			continue
		}
		np, err := hypershift.DecodeNodePool(n)
		ref := hypershift.Ref(hypershift.KindNodePool, np.Namespace, np.Name, s.file(i))
		if err != nil {
			s.add(&result.Result{Severity: result.Error, Message: ref + ": " + err.Error()})
			continue
		}
		var embedded []mirror.Set
		for _, name := range np.Configs {
			for j, e := range s.entries {
				if e.apiVersion != "v1" || e.kind != "ConfigMap" || e.name() != name {
					continue
				}
				cm, err := s.read(j)
				if err != nil {
					return err
				}
				if cm == nil || !sameNamespace(cm.GetNamespace(), np.Namespace) {
					continue
				}
				d := done[j]
				if d == nil {
					d = &cmDone{sets: s.configMap(j, cm)}
					done[j] = d
				}
				embedded = append(embedded, d.sets...)
			}
		}
		guest := s.guests[np.Namespace+"/"+np.ClusterName]
		if guest == nil || len(embedded) == 0 {
			continue
		}
		all := append([]mirror.Set{hypershift.Guest(guest)}, embedded...)
		if err := check.MCO(all); err != nil {
			s.add(&result.Result{Severity: result.Error, Message: fmt.Sprintf("%s: the Machine Config Operator of its nodes would refuse the HostedCluster %q's ImageDigestMirrorSet cluster together with the mirror objects in its config ConfigMaps, and the nodes would get no ignition: %s", ref, np.ClusterName, err)})
		}
	}
	return nil
}

// configMap converts the config key of ConfigMap j and returns the mirror
// objects it holds once converted.
func (s *sources) configMap(j int, cm *yaml.RNode) []mirror.Set {
	v, err := cm.Pipe(yaml.Lookup("data", hypershift.ConfigKey))
	ref := hypershift.Ref("ConfigMap", cm.GetNamespace(), cm.GetName(), s.file(j))
	if err != nil || v == nil {
		return nil
	}
	if v.YNode().Kind != yaml.ScalarNode {
		s.add(&result.Result{Severity: result.Error, Message: ref + ": data.config: must be a string of YAML documents, as HyperShift reads it"})
		return nil
	}
	ec := hypershift.ConvertConfig(s.cfg, v.YNode().Value)
	for _, r := range ec.Results {
		r.Message = ref + ": data.config: " + r.Message
	}
	s.add(ec.Results...)
	if ec.Changed && !ec.Results.Failed() {
		text := ec.Text
		s.edits[j] = func(n *yaml.RNode) error {
			v, err := n.Pipe(yaml.Lookup("data", hypershift.ConfigKey))
			if err != nil || v == nil {
				return fmt.Errorf("%s: data.config: %v", ref, err)
			}
			v.YNode().Value = text
			return nil
		}
	}
	return ec.Sets
}

// sameNamespace reports whether a ConfigMap in namespace a is one that a
// NodePool in namespace b can name; an empty namespace (set later by
// kustomize or kpt, or by the apply) matches any.
func sameNamespace(a, b string) bool { return a == "" || b == "" || a == b }

// file is entry i's file, for messages.
func (s *sources) file(i int) string {
	path, _ := s.entries[i].fileIndex()
	return path
}
