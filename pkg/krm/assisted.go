package krm

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/clusterinstall"
	"github.com/mirrorset/mirrorset/pkg/hypershift"
	"github.com/mirrorset/mirrorset/pkg/importconf"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// mirrorConfigMaps checks the registries.conf of each ConfigMap of the list
// that an AgentServiceConfig, InfraEnv or AgentClusterInstall of the list
// (entries refs) names in spec.mirrorRegistryRef. Only those: a
// registries.conf key alone says nothing of the ConfigMap's use (other
// tools keep files of that name in ConfigMaps, and kept their own rules),
// so an unreferenced ConfigMap is neither parsed nor reported. The
// ConfigMaps are not changed: assisted-service passes the file to the
// discovery hosts as it is.
func (s *sources) mirrorConfigMaps(refs []int) error {
	type ref struct {
		name, namespace, by string
	}
	var wants []ref
	for _, i := range refs {
		n, err := s.read(i)
		if n == nil {
			if err != nil {
				return err
			}
			continue
		}
		name, ns, ok := clusterinstall.MirrorRegistryRef(n)
		if !ok {
			continue
		}
		wants = append(wants, ref{name, ns, hypershift.Ref(n.GetKind(), n.GetNamespace(), n.GetName(), s.file(i))})
	}
	if len(wants) == 0 {
		return nil
	}
	configMaps := map[string][]int{} // by name
	for j, e := range s.entries {
		if e.apiVersion == "v1" && e.kind == "ConfigMap" {
			configMaps[e.name()] = append(configMaps[e.name()], j)
		}
	}
	checked := map[int]bool{}
	for _, w := range wants {
		for _, j := range configMaps[w.name] {
			if checked[j] {
				continue
			}
			cm, err := s.read(j)
			if err != nil {
				return err
			}
			if cm == nil || !sameNamespace(cm.GetNamespace(), w.namespace) {
				continue
			}
			checked[j] = true
			s.mirrorConfigMap(j, cm, w.by)
		}
	}
	return nil
}

// mirrorConfigMap checks ConfigMap j's registries.conf as registries-conf
// and import read it: a file that CRI-O would not load (a TOML syntax error
// names its line in the value) is an error; what the installed cluster's
// mirror objects cannot say is a warning, since the discovery hosts get it
// but the installed nodes do not.
func (s *sources) mirrorConfigMap(j int, cm *yaml.RNode, by string) {
	ref := hypershift.Ref("ConfigMap", cm.GetNamespace(), cm.GetName(), s.file(j))
	field := "data." + importconf.ConfigMapKey
	v, err := cm.Pipe(yaml.Lookup("data", importconf.ConfigMapKey))
	if err != nil || v == nil {
		s.add(&result.Result{Severity: result.Warning, Message: fmt.Sprintf("%s: %s: missing: %s names this ConfigMap in mirrorRegistryRef, and assisted-service reads its mirror rules from that key", ref, field, by)})
		return
	}
	if v.YNode().Kind != yaml.ScalarNode {
		s.add(&result.Result{Severity: result.Error, Message: fmt.Sprintf("%s: %s: must be a string holding a registries.conf (TOML), got a %s", ref, field, v.YNode().ShortTag())})
		return
	}
	// Lines are counted in the value: the item's place in its source file
	// is not in the ResourceList, so the file's line cannot be given.
	file := ref + ": " + field
	c, err := importconf.Decode([]byte(v.YNode().Value), file)
	if err != nil {
		msg := err.Error()
		if rest, ok := strings.CutPrefix(msg, file+": line "); ok {
			num, tail, _ := strings.Cut(rest, ":")
			msg = file + ": line " + num + " of the value:" + tail
		}
		s.add(&result.Result{Severity: result.Error, Message: msg})
		return
	}
	for _, r := range c.Results {
		if c.Refused != nil && r.Message == file+": "+c.Refused.Error() {
			s.add(&result.Result{Severity: result.Error, Message: r.Message + " (CRI-O on the discovery hosts would not load this file)"})
			continue
		}
		s.add(&result.Result{Severity: result.Warning, Message: r.Message + " (the discovery hosts get it; the installed nodes, which get mirror objects, do not)"})
	}
}

// installConfigOverrides checks the mirror fields of entry i's
// installConfigOverrides (ClusterInstance, SiteConfig; AgentClusterInstall
// annotation), without changing
// the string.
func (s *sources) installConfigOverrides(i int) error {
	n, err := s.read(i)
	if n == nil {
		return err
	}
	where := hypershift.Ref(n.GetKind(), n.GetNamespace(), n.GetName(), s.file(i))
	os, rs := clusterinstall.Overrides(n, where)
	s.add(rs...)
	for _, o := range os {
		s.add(clusterinstall.CheckOverride(o, where, s.cfg)...)
	}
	return nil
}
