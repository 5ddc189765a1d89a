package nodeimpact

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// rules are the parts of the MCO's decision that differ between versions.
type rules struct {
	// pullFromMirror: isSafeContainerRegistryConfChanges reads each
	// mirror's pull-from-mirror (4.13 and later); before, the registry's
	// mirror-by-digest-only.
	pullFromMirror bool
	// policies: node disruption policies decide the actions (4.17 and
	// later, feature gate NodeDisruptionPolicy in the Default set; in 4.16
	// it is TechPreviewNoUpgrade only, so 4.16 takes the older rules).
	policies bool
}

// CheckVersion returns an error when v is not an OpenShift version that
// Options.Version takes: empty (the newest rules), or MAJOR.MINOR with an
// optional .PATCH and a leading v, from 4.1.
func CheckVersion(v string) error {
	_, err := rulesFor(v)
	return err
}

func rulesFor(v string) (rules, error) {
	newest := rules{pullFromMirror: true, policies: true}
	if v == "" {
		return newest, nil
	}
	parts := strings.Split(strings.TrimPrefix(v, "v"), ".")
	bad := fmt.Errorf("openshift version %q: want MAJOR.MINOR from 4.1, such as 4.12 or 4.17", v)
	if len(parts) < 2 || len(parts) > 3 {
		return rules{}, bad
	}
	var n [3]int
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 || p != strconv.Itoa(x) {
			return rules{}, bad
		}
		n[i] = x
	}
	major, minor := n[0], n[1]
	switch {
	case major < 4 || major == 4 && minor < 1:
		return rules{}, bad
	case major > 4:
		return newest, nil
	}
	return rules{pullFromMirror: minor >= 13, policies: minor >= 17}, nil
}

// pathAction is what a change to one path does: safe for a change that
// isSafeContainerRegistryConfChanges lets pass (or any change, for paths
// other than registries.conf), unsafe for one it does not, withoutDrain
// for the same on a single node. policy is the policy path that matched,
// empty for none.
type pathAction struct {
	safe, unsafe, withoutDrain Action
	policy                     string
	// user is set when the policy is one of Options.Policies: actions
	// says them, for the reasons.
	user    bool
	actions string
}

// defaultPolicies are the MCO's defaultClusterPolicies (pkg/apihelpers)
// for files, 4.17 and later; paths under /etc/containers other than these
// have none.
var defaultPolicies = []FilePolicy{
	{Path: "/var/lib/kubelet/config.json", Actions: []PolicyAction{{Type: "None"}}},
	{Path: "/etc/machine-config-daemon/no-reboot/containers-gpg.pub", Actions: []PolicyAction{{Type: "Reload", Service: "crio.service"}}},
	{Path: PolicyJSON, Actions: []PolicyAction{{Type: "Reload", Service: "crio.service"}}},
	{Path: RegistriesConf, Actions: []PolicyAction{{Type: "Special"}}},
	{Path: "/etc/containers/registries.d", Actions: []PolicyAction{{Type: "Reload", Service: "crio.service"}}},
	{Path: "/etc/crio/policies", Actions: []PolicyAction{{Type: "Reload", Service: "crio.service"}}},
	{Path: "/etc/nmstate/openshift", Actions: []PolicyAction{{Type: "None"}}},
	{Path: "/etc/pki/ca-trust/source/anchors/openshift-config-user-ca-bundle.crt", Actions: []PolicyAction{
		{Type: "Restart", Service: "coreos-update-ca-trust.service"}, {Type: "Restart", Service: "crio.service"}}},
}

// MergePolicies returns the MCO's default file policies with user's
// entries replacing a default of the same path and the others appended,
// as the MCO's MergeClusterPolicies does.
func MergePolicies(user []FilePolicy) []FilePolicy {
	merged := append([]FilePolicy(nil), defaultPolicies...)
	for _, u := range user {
		replaced := false
		for i, d := range defaultPolicies {
			if d.Path == u.Path {
				merged[i] = u
				replaced = true
				break
			}
		}
		if !replaced {
			merged = append(merged, u)
		}
	}
	return merged
}

// closestPolicy follows the MCO's FindClosestFilePolicyPathMatch: the
// longest policy path that is path itself or a folder above it.
func closestPolicy(path string, policies []FilePolicy) (FilePolicy, bool) {
	var best FilePolicy
	found := false
	for _, p := range policies {
		dir := filepath.Clean(p.Path) + "/"
		if path == p.Path || strings.HasPrefix(filepath.Clean(path), dir) {
			if len(p.Path) > len(best.Path) {
				best, found = p, true
			}
		}
	}
	return best, found
}

// pathLevel is what a change to path does under r.
func pathLevel(path string, r rules, user []FilePolicy) pathAction {
	if !r.policies {
		// calculatePostConfigChangeActionFromMCDiffs: these two reload
		// CRI-O, any other path reboots; isDrainRequired drains for an
		// unsafe registries.conf change.
		switch path {
		case RegistriesConf:
			return pathAction{safe: Reload, unsafe: Drain, withoutDrain: Reload}
		case PolicyJSON:
			return pathAction{safe: Reload, unsafe: Reload, withoutDrain: Reload}
		}
		return pathAction{safe: Reboot, unsafe: Reboot, withoutDrain: Reboot}
	}
	p, ok := closestPolicy(path, MergePolicies(user))
	if !ok {
		return pathAction{safe: Reboot, unsafe: Reboot, withoutDrain: Reboot}
	}
	a := pathAction{policy: p.Path}
	for _, u := range user {
		if u.Path == p.Path {
			a.user, a.actions = true, actionsText(p.Actions)
		}
	}
	// A changed file rolls out whatever its actions; rest is the level of
	// the actions other than Drain.
	rest := Rollout
	drain, special := false, false
	for _, act := range p.Actions {
		switch act.Type {
		case "Reboot":
			return pathAction{safe: Reboot, unsafe: Reboot, withoutDrain: Reboot, policy: p.Path, user: a.user, actions: a.actions}
		case "Drain":
			drain = true
			rest = max(rest, Rollout)
		case "Special":
			special = true
			rest = max(rest, Reload)
		case "Reload", "Restart", "DaemonReload":
			rest = max(rest, Reload)
		default: // None
			rest = max(rest, Rollout)
		}
	}
	a.withoutDrain = rest
	switch {
	case drain:
		a.safe, a.unsafe = Drain, Drain
	case special:
		a.safe, a.unsafe = Reload, Drain
	default:
		a.safe, a.unsafe = rest, rest
	}
	return a
}

func actionsText(actions []PolicyAction) string {
	parts := make([]string, 0, len(actions))
	for _, a := range actions {
		if a.Service != "" {
			parts = append(parts, a.Type+" "+a.Service)
		} else {
			parts = append(parts, a.Type)
		}
	}
	return strings.Join(parts, ", ")
}
