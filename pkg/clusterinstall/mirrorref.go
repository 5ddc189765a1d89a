package clusterinstall

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/yamlfield"
)

// The kinds that name an agent-based or assisted install's mirror
// ConfigMap (registries.conf and ca-bundle.crt keys) in
// spec.mirrorRegistryRef, as openshift/assisted-service types them:
// AgentServiceConfig (api/v1beta1 agentserviceconfig_types.go, a
// corev1.LocalObjectReference: a name in the operator's namespace; the
// AgentServiceConfig is cluster-scoped), InfraEnv (api/v1beta1
// infraenv_types.go) and AgentClusterInstall (api/hiveextension/v1beta1
// agentclusterinstall_types.go), both a MirrorRegistryConfigMapReference
// {name, namespace}.
const (
	AgentInstallAPIVersion        = "agent-install.openshift.io/v1beta1"
	KindAgentServiceConfig        = "AgentServiceConfig"
	KindInfraEnv                  = "InfraEnv"
	AgentClusterInstallAPIVersion = "extensions.hive.openshift.io/v1beta1"
	KindAgentClusterInstall       = "AgentClusterInstall"
)

// NamesMirrorConfigMap reports whether apiVersion and kind are one of the
// kinds with a spec.mirrorRegistryRef.
func NamesMirrorConfigMap(apiVersion, kind string) bool {
	switch kind {
	case KindAgentServiceConfig, KindInfraEnv:
		return apiVersion == AgentInstallAPIVersion
	case KindAgentClusterInstall:
		return IsAgentClusterInstall(apiVersion)
	}
	return false
}

// IsAgentClusterInstall reports whether apiVersion is one of the
// AgentClusterInstall's: v1beta1, or the v1beta2 that assisted-service
// also serves (api/hiveextension/v1beta2).
func IsAgentClusterInstall(apiVersion string) bool {
	return apiVersion == AgentClusterInstallAPIVersion || apiVersion == "extensions.hive.openshift.io/v1beta2"
}

// MirrorRegistryRef returns the ConfigMap that n's spec.mirrorRegistryRef
// names; ok is false when it names none. namespace is "" when any will do:
// an AgentServiceConfig's is the operator's, which the objects do not say.
func MirrorRegistryRef(n *yaml.RNode) (name, namespace string, ok bool) {
	ref := yamlfield.Lookup(yamlfield.Lookup(n.YNode(), "spec"), "mirrorRegistryRef")
	nm := yamlfield.Lookup(ref, "name")
	if nm == nil || nm.Kind != yaml.ScalarNode || nm.Value == "" {
		return "", "", false
	}
	if n.GetKind() != KindAgentServiceConfig {
		if ns := yamlfield.Lookup(ref, "namespace"); ns != nil && ns.Kind == yaml.ScalarNode {
			namespace = ns.Value
		}
	}
	return nm.Value, namespace, true
}
