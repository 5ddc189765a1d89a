// Package nodeimpact says what a change to the files that the Machine Config
// Operator (MCO) writes from mirror objects and the Image config does to the
// nodes: no rollout, a rollout with a CRI-O reload, a drain of every node, or
// a reboot. It follows the MCO's own rules (pkg/daemon
// isSafeContainerRegistryConfChanges, the post-config-change actions, and
// the node disruption policies of a MachineConfiguration named cluster), per
// OpenShift version.
package nodeimpact

// Node paths that mirror objects and the Image config write.
const (
	RegistriesConf   = "/etc/containers/registries.conf"
	PolicyJSON       = "/etc/containers/policy.json"
	SearchRegistries = "/etc/containers/registries.conf.d/01-image-searchRegistries.conf"
)

// Action is what a change does to each node, from least to most
// disruptive; the greater of two actions wins.
type Action int

const (
	// None: the rendered MachineConfig is unchanged, nothing rolls out.
	None Action = iota
	// Rollout: a new rendered config rolls through every pool and each
	// node writes the files, with no service reload and no drain (a node
	// disruption policy of None).
	Rollout
	// Reload: a new rendered config rolls through every pool, node by node;
	// each node reloads CRI-O without a drain.
	Reload
	// Drain: as Reload, and each node is cordoned and drained first.
	Drain
	// Reboot: each node is drained and rebooted.
	Reboot
)

// Files are the contents of node files by path; a path that is missing is
// a file the MCO does not write.
type Files map[string][]byte

// Options are what the decision depends on besides the files.
type Options struct {
	// Version is the target OpenShift version, "4.12" or "4.16"; empty
	// means the newest rules.
	Version string
	// Policies are the node disruption policies for files, from the
	// MachineConfiguration named cluster (spec.nodeDisruptionPolicy.files,
	// see ParseMachineConfiguration); they replace the default action for
	// their path from 4.17 on. Before, they are not read: in 4.16 the
	// feature gate is on only with TechPreviewNoUpgrade, and Compare takes
	// 4.16 as the Default feature set. The ConfigMap
	// image-registry-override-drain (4.14 to 4.19, by support exception
	// only) is not read either.
	Policies []FilePolicy
	// SingleNode is a single-node cluster (controlPlaneTopology
	// SingleReplica): the MCO never drains its node, so a change that
	// drains elsewhere only reloads CRI-O there; a reboot stays a reboot.
	SingleNode bool
}

// FilePolicy is one spec.nodeDisruptionPolicy.files entry.
type FilePolicy struct {
	Path    string
	Actions []PolicyAction
}

// PolicyAction is one action of a node disruption policy, as the API
// spells it: Reboot, Drain, Reload, Restart, DaemonReload, None, Special;
// Service names the unit for Reload and Restart.
type PolicyAction struct {
	Type    string
	Service string
}

// Reason is one change, and the action it forces on its own.
type Reason struct {
	// Path is the node file that changed.
	Path string
	// Registry is the prefix (or location) of the [[registry]] concerned,
	// empty for a change that is not about one registry.
	Registry string
	// Text says the change in a reviewer's words, and what it forces
	// ("quay.io/app: mirror m added (tag-only): drains").
	Text string
	// Change is Text without what it forces ("quay.io/app: mirror m added
	// (tag-only)").
	Change string
	Action Action
}

// Impact is what a change does.
type Impact struct {
	// Action is the greatest action of the reasons, None when no file
	// changed.
	Action Action
	// Reasons are every change found, in a stable order.
	Reasons []Reason
	// Registries are the registries.conf changes, one per [[registry]]
	// that changed, in the order of the head's file, then removed ones.
	Registries []Registry
	// SearchRegistries holds the base's and head's
	// unqualified-search-registries where they differ.
	SearchRegistries *[2][]string
}

// Registry is how one [[registry]] of registries.conf changed, matched by
// prefix, else by location, as the MCO matches them.
type Registry struct {
	// Scope is the prefix, or the location when there is no prefix.
	Scope string
	// Added and Removed are true for a registry on one side only.
	Added, Removed bool
	// Location, Blocked and Insecure hold the base's and the head's values
	// where they differ.
	Location *[2]string
	Blocked  *[2]bool
	Insecure *[2]bool
	// MirrorsAdded and MirrorsRemoved are mirrors on one side only;
	// PullFromMirror are the mirrors on both sides whose pull-from-mirror
	// changed. Reordered is true when the common mirrors' order changed.
	MirrorsAdded, MirrorsRemoved []Mirror
	PullFromMirror               []MirrorChange
	Reordered                    bool
	// Action is what this registry's change forces on its own.
	Action Action
}

// Mirror is one mirror of a registry: its location, its pull-from-mirror
// ("digest-only", "tag-only", "all" or empty) and insecure.
type Mirror struct {
	Location       string
	PullFromMirror string
	Insecure       bool
}

// MirrorChange is a mirror whose pull-from-mirror changed.
type MirrorChange struct {
	Location   string
	Base, Head string
}
