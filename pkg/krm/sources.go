package krm

import (
	"errors"
	"fmt"
	"sort"

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
// spec.imageDigestSources; and it checks, without changing them, the
// mirror ConfigMap that assisted installs name in mirrorRegistryRef and the
// installConfigOverrides of ClusterInstances and SiteConfigs (and the
// AgentClusterInstall annotation they become). Each is the mirror
// configuration of another cluster than the list's (a guest, a cluster
// being installed): its entries
// are checked and consolidated apart from the list's mirror objects, and
// a guest's entries beside what its NodePools embed, which its nodes get
// too. It returns the edits to make, by entry. A list without those kinds
// costs one look at each entry's kind.
func fieldSources(cfg config.Config, entries []*entry) (map[int]edit, result.Results, error) {
	var hcs, pools, icis, refs, overrides []int
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
		case clusterinstall.KindAgentServiceConfig, clusterinstall.KindInfraEnv, clusterinstall.KindAgentClusterInstall:
			if clusterinstall.NamesMirrorConfigMap(e.apiVersion, e.kind) {
				refs = append(refs, i)
			}
			if clusterinstall.HasOverrides(e.apiVersion, e.kind) {
				overrides = append(overrides, i)
			}
		case clusterinstall.KindClusterInstance, clusterinstall.KindSiteConfig:
			if clusterinstall.HasOverrides(e.apiVersion, e.kind) {
				overrides = append(overrides, i)
			}
		}
	}
	if hcs == nil && pools == nil && icis == nil && refs == nil && overrides == nil {
		return nil, nil, nil
	}
	s := &sources{cfg: cfg, entries: entries, edits: map[int]edit{}, guests: map[string]*guest{}, configs: map[int]*nodePoolConfig{}}
	if err := s.mirrorConfigMaps(refs); err != nil {
		return nil, nil, err
	}
	for _, i := range overrides {
		if err := s.installConfigOverrides(i); err != nil {
			return nil, nil, err
		}
	}
	for _, i := range icis {
		if err := s.imageClusterInstall(i); err != nil {
			return nil, nil, err
		}
	}
	for _, i := range hcs {
		if err := s.readHostedCluster(i); err != nil {
			return nil, nil, err
		}
	}
	if err := s.readNodePools(pools); err != nil {
		return nil, nil, err
	}
	// The embedded objects first, beside the HostedClusters' entries as
	// they came; then each HostedCluster's, beside the embedded objects as
	// they go out. Each step keeps the node's order of what the nodes get
	// at that point, so both together keep it.
	for _, j := range sortedKeys(s.configs) {
		s.convertConfigMap(j)
	}
	for _, i := range hcs {
		s.hostedCluster(i)
	}
	s.checkNodePools()
	return s.edits, s.results, nil
}

type sources struct {
	cfg     config.Config
	entries []*entry
	edits   map[int]edit
	results result.Results
	// guests are the HostedClusters, by namespace/name.
	guests map[string]*guest
	// configs are the ConfigMaps that NodePools name, by entry.
	configs map[int]*nodePoolConfig
	pools   []*nodePool
}

// guest is a HostedCluster: its entries as they came, and as they go out.
type guest struct {
	in, out *mirror.Set
	pools   []*nodePool
}

type nodePool struct {
	ref     string
	np      *hypershift.NodePool
	configs []int
}

// nodePoolConfig is a ConfigMap that NodePools name.
type nodePoolConfig struct {
	ref    string
	parsed *hypershift.NodePoolConfig
	pools  []*nodePool
	out    []mirror.Set // its mirror objects as they go out
	failed bool
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
// entries, as a cluster of their own beside the digest lists its nodes
// also get, and returns the set as it goes out (nil when it failed), and
// whether its entries changed. No policy is written and no layout
// applies: the field stays where it is.
func (s *sources) own(set *mirror.Set, beside map[string][][]string) (*mirror.Set, bool) {
	c := s.cfg
	c.DefaultMirrorSourcePolicy, c.TagMirrors, c.Layout = "", false, config.LayoutPreserve
	out := transform.RunBeside(c, []*mirror.Set{set}, beside)
	s.add(out.Results...)
	if out.Failed() || len(out.Outs) != 1 {
		return nil, false
	}
	return out.Outs[0].Set, out.Outs[0].How == transform.Updated
}

// setEntries makes the edit that writes entries into the field of kind k of
// entry i.
func (s *sources) setEntries(i int, k mirror.Kind, entries []mirror.Entry) {
	s.edits[i] = func(n *yaml.RNode) error { return mirror.SetEntries(n, k, entries) }
}

// readHostedCluster decodes a HostedCluster's spec.imageContentSources.
func (s *sources) readHostedCluster(i int) error {
	n, err := s.read(i)
	if n == nil {
		return err
	}
	g := &guest{in: s.decoded(n, i, hypershift.Decode)}
	s.guests[n.GetNamespace()+"/"+n.GetName()] = g
	return nil
}

// hostedCluster checks and consolidates a HostedCluster's
// spec.imageContentSources, the digest mirrors of its guest's nodes.
func (s *sources) hostedCluster(i int) {
	g := s.guests[s.key(i)]
	if g == nil || g.in == nil {
		return
	}
	beside := map[string][][]string{}
	for _, p := range g.pools {
		for _, j := range p.configs {
			addLists(beside, s.configs[j].out)
		}
	}
	out, updated := s.own(g.in, beside)
	if out == nil {
		return
	}
	if rs := hypershift.Limits(out); len(rs) > 0 {
		s.add(rs...)
		return
	}
	if err := check.MCO([]mirror.Set{hypershift.Guest(out)}); err != nil {
		s.add(check.Result(result.Error, out, "", "the guest's Machine Config Operator would refuse the ImageDigestMirrorSet cluster made of these entries, and its nodes would get no ignition: "+err.Error()))
		return
	}
	if updated {
		s.setEntries(i, mirror.HostedCluster, out.Entries)
	}
	if s.cfg.DefaultMirrorSourcePolicy != "" {
		s.add(check.Result(result.Warning, out, "", fmt.Sprintf("defaultMirrorSourcePolicy %s does not apply: a HostedCluster's imageContentSources has no mirrorSourcePolicy, and HyperShift gives the guest an ImageDigestMirrorSet cluster without one, so the guest's nodes may contact these sources", s.cfg.DefaultMirrorSourcePolicy)))
	}
	g.out = out
}

// key is entry i's namespace/name.
func (s *sources) key(i int) string {
	n, err := s.read(i)
	if n == nil || err != nil {
		return ""
	}
	return n.GetNamespace() + "/" + n.GetName()
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
	policies := clusterinstall.PolicyCount(set)
	stripped, kept := clusterinstall.WithoutPolicies(set)
	out, updated := s.own(stripped, nil)
	if out == nil {
		return nil
	}
	if err := check.MCO([]mirror.Set{{Kind: mirror.IDMS, Entries: out.Entries}}); err != nil {
		s.add(check.Result(result.Error, out, "", "the installed cluster's Machine Config Operator would refuse these entries: "+err.Error()))
		return nil
	}
	if updated {
		s.setEntries(i, mirror.ImageClusterInstall, clusterinstall.RestorePolicies(out.Entries, kept))
	}
	if policies > 0 {
		s.add(check.Result(result.Warning, out, "", fmt.Sprintf("mirrorSourcePolicy on %d %s has no effect: the image-based install operator passes only source and mirrors on to the install-config", policies, plural(policies, "entry", "entries"))))
	} else if s.cfg.DefaultMirrorSourcePolicy != "" {
		s.add(check.Result(result.Warning, out, "", fmt.Sprintf("defaultMirrorSourcePolicy %s is not written here: the image-based install operator passes only source and mirrors on to the install-config", s.cfg.DefaultMirrorSourcePolicy)))
	}
	return nil
}

// readNodePools reads the NodePools and the ConfigMaps their spec.config
// names. Only ConfigMaps a NodePool of the list names, in its namespace,
// are read: HyperShift reads no other.
func (s *sources) readNodePools(pools []int) error {
	if len(pools) == 0 {
		return nil
	}
	configMaps := map[string][]int{} // by name
	for j, e := range s.entries {
		if e.apiVersion == "v1" && e.kind == "ConfigMap" {
			configMaps[e.name()] = append(configMaps[e.name()], j)
		}
	}
	for _, i := range pools {
		n, err := s.read(i)
		if n == nil {
			if err != nil {
				return err
			}
			continue
		}
		np, err := hypershift.DecodeNodePool(n)
		p := &nodePool{np: np, ref: hypershift.Ref(hypershift.KindNodePool, np.Namespace, np.Name, s.file(i))}
		if err != nil {
			s.add(&result.Result{Severity: result.Error, Message: p.ref + ": " + err.Error()})
			continue
		}
		for _, name := range np.Configs {
			for _, j := range configMaps[name] {
				cm, err := s.read(j)
				if err != nil {
					return err
				}
				if cm == nil || !sameNamespace(cm.GetNamespace(), np.Namespace) {
					continue
				}
				c := s.configs[j]
				if c == nil {
					if c = s.readConfigMap(j, cm); c == nil {
						continue
					}
					s.configs[j] = c
				}
				c.pools = append(c.pools, p)
				p.configs = append(p.configs, j)
			}
		}
		if g := s.guests[np.Namespace+"/"+np.ClusterName]; g != nil {
			g.pools = append(g.pools, p)
		}
		s.pools = append(s.pools, p)
	}
	return nil
}

// readConfigMap reads the config key of ConfigMap j; nil when it has none.
func (s *sources) readConfigMap(j int, cm *yaml.RNode) *nodePoolConfig {
	v, err := cm.Pipe(yaml.Lookup("data", hypershift.ConfigKey))
	ref := hypershift.Ref("ConfigMap", cm.GetNamespace(), cm.GetName(), s.file(j))
	if err != nil || v == nil {
		return nil
	}
	if v.YNode().Kind != yaml.ScalarNode {
		s.add(&result.Result{Severity: result.Error, Message: ref + ": data.config: must be a string of YAML documents, as HyperShift reads it"})
		return nil
	}
	return &nodePoolConfig{ref: ref, parsed: hypershift.ParseConfig(v.YNode().Value)}
}

// convertConfigMap converts the ICSPs embedded in ConfigMap j, beside the
// HostedClusters' entries and the other ConfigMaps' objects that the same
// nodes get.
func (s *sources) convertConfigMap(j int) {
	c := s.configs[j]
	beside := map[string][][]string{}
	for _, p := range c.pools {
		if g := s.guests[p.np.Namespace+"/"+p.np.ClusterName]; g != nil && g.in != nil {
			addLists(beside, []mirror.Set{*g.in})
		}
		for _, k := range p.configs {
			if k != j {
				addLists(beside, s.configs[k].parsed.Sets())
			}
		}
	}
	ec := c.parsed.Convert(s.cfg, beside)
	for _, r := range ec.Results {
		r.Message = c.ref + ": data.config: " + r.Message
	}
	s.add(ec.Results...)
	c.out, c.failed = ec.Sets, result.Failed(ec.Results)
	if ec.Changed && !c.failed {
		text, ref := ec.Text, c.ref
		s.edits[j] = func(n *yaml.RNode) error {
			v, err := n.Pipe(yaml.Lookup("data", hypershift.ConfigKey))
			if err != nil || v == nil {
				return fmt.Errorf("%s: data.config: %v", ref, err)
			}
			v.YNode().Value = text
			return nil
		}
	}
}

// checkNodePools checks what each NodePool's nodes get: its HostedCluster's
// entries beside the objects its ConfigMaps embed, which the MCO renders
// together.
func (s *sources) checkNodePools() {
	for _, p := range s.pools {
		g := s.guests[p.np.Namespace+"/"+p.np.ClusterName]
		if g == nil || g.out == nil || len(p.configs) == 0 {
			continue
		}
		all := []mirror.Set{hypershift.Guest(g.out)}
		for _, j := range p.configs {
			if s.configs[j].failed {
				return
			}
			all = append(all, s.configs[j].out...)
		}
		if err := check.MCO(all); err != nil {
			s.add(&result.Result{Severity: result.Error, Message: fmt.Sprintf("%s: the Machine Config Operator of its nodes would refuse the HostedCluster %q's ImageDigestMirrorSet cluster together with the mirror objects in its config ConfigMaps, and the nodes would get no ignition: %s (a HostedCluster's entries count as AllowContactingSource: list each source in one place, or give the embedded entries no NeverContactSource)", p.ref, p.np.ClusterName, err)})
		}
	}
}

// addLists adds the digest mirror lists of sets to lists, by source.
func addLists(lists map[string][][]string, sets []mirror.Set) {
	for _, set := range sets {
		if set.Kind.Pool() != mirror.DigestPool {
			continue
		}
		for _, e := range set.Entries {
			lists[e.Source] = append(lists[e.Source], e.Mirrors)
		}
	}
}

func sortedKeys(m map[int]*nodePoolConfig) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
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
