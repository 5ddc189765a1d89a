package diff

import (
	"fmt"
	"io"
	"strings"

	"github.com/mirrorset/mirrorset/pkg/nodeimpact"
)

// ActionName is an action's name in the JSON report and in --fail-on:
// none, rollout (the files are written, nothing restarts), reload (a
// rollout with a CRI-O reload), drain, reboot.
func ActionName(a nodeimpact.Action) string {
	switch a {
	case nodeimpact.None:
		return "none"
	case nodeimpact.Rollout:
		return "rollout"
	case nodeimpact.Reload:
		return "reload"
	case nodeimpact.Drain:
		return "drain"
	case nodeimpact.Reboot:
		return "reboot"
	}
	return fmt.Sprintf("action(%d)", int(a))
}

// ParseAction is the inverse of ActionName.
func ParseAction(s string) (nodeimpact.Action, error) {
	for a := nodeimpact.None; a <= nodeimpact.Reboot; a++ {
		if ActionName(a) == s {
			return a, nil
		}
	}
	return 0, fmt.Errorf("%q is not an action: use rollout, reload, drain or reboot", s)
}

// actionWords says what an action does, for the summary.
func actionWords(a nodeimpact.Action) string {
	switch a {
	case nodeimpact.None:
		return "the rendered MachineConfigs do not change"
	case nodeimpact.Rollout:
		return "a new rendered MachineConfig rolls through every pool, node by node; each node writes the files, nothing restarts, no drain"
	case nodeimpact.Reload:
		return "a new rendered MachineConfig rolls through every pool, node by node; each node reloads CRI-O (or what a node disruption policy says), no drain"
	case nodeimpact.Drain:
		return "every node of every pool is cordoned and drained, one at a time, then CRI-O reloads (a single-node cluster skips the drain)"
	case nodeimpact.Reboot:
		return "every node of every pool is drained and rebooted, one at a time"
	}
	return ActionName(a)
}

// shortAction names an action in a table cell or after a change.
func shortAction(a nodeimpact.Action) string {
	switch a {
	case nodeimpact.None:
		return "no rollout"
	case nodeimpact.Rollout:
		return "rollout, no drain"
	case nodeimpact.Reload:
		return "rollout, CRI-O reload"
	}
	return ActionName(a)
}

func refusalWords(side string, r *Refusal) string {
	if r.By == APIServer {
		return fmt.Sprintf("the API server refuses the %s: the apply fails and nothing reaches the nodes", side)
	}
	return fmt.Sprintf("the MCO refuses the %s: the pools would degrade, the nodes keep their old files", side)
}

// forcing returns the reasons that reach the impact's action.
func forcing(im *nodeimpact.Impact) []nodeimpact.Reason {
	var out []nodeimpact.Reason
	for _, r := range im.Reasons {
		if r.Action == im.Action {
			out = append(out, r)
		}
	}
	return out
}

func reasonText(r nodeimpact.Reason) string {
	return r.Path + ": " + r.Text
}

func (r *Report) rules() string {
	if r.Version == "" {
		return "the newest OpenShift rules"
	}
	return "the rules of OpenShift " + r.Version
}

// WriteText writes the report for people to read in a terminal or a log.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "mirrorset diff, by %s\n", r.rules())
	fmt.Fprintf(&b, "base: %s\nhead: %s\n\n", objects(r.Base.Objects), objects(r.Head.Objects))
	for _, s := range r.sides() {
		if s.res.Refused == nil {
			continue
		}
		fmt.Fprintf(&b, "REFUSED: %s\n", refusalWords(s.name, s.res.Refused))
		for _, e := range s.res.Refused.Errors {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	if r.Impact == nil {
		b.WriteString("\nnodes: not compared: a side is refused\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "nodes: %s: %s\n", shortAction(r.Impact.Action), actionWords(r.Impact.Action))
	if r.Impact.Action != nodeimpact.None {
		for _, f := range forcing(r.Impact) {
			fmt.Fprintf(&b, "  because %s\n", reasonText(f))
		}
	}
	if r.PoliciesFrom != "" {
		fmt.Fprintf(&b, "  node disruption policies: %s (the MCO applies them from OpenShift 4.17)\n", r.PoliciesFrom)
	}
	if len(r.Registries) > 0 {
		b.WriteString("\nregistries.conf:\n")
		for _, reg := range r.Registries {
			fmt.Fprintf(&b, "  %s (%s)\n", reg.Scope, shortAction(reg.Action))
			for _, c := range reg.Changes {
				fmt.Fprintf(&b, "    - %s\n", c.Text)
				for _, o := range c.Base {
					fmt.Fprintf(&b, "        base: %s\n", o)
				}
				for _, o := range c.Head {
					fmt.Fprintf(&b, "        head: %s\n", o)
				}
			}
		}
	}
	if sr := r.Impact.SearchRegistries; sr != nil {
		fmt.Fprintf(&b, "\nunqualified-search-registries: [%s] → [%s]\n", strings.Join(sr[0], ", "), strings.Join(sr[1], ", "))
	}
	if len(r.Others) > 0 {
		b.WriteString("\nother changes:\n")
		for _, o := range r.Others {
			fmt.Fprintf(&b, "  %s (%s)\n    - %s\n", o.Path, shortAction(o.Action), o.Text)
			for _, x := range o.Base {
				fmt.Fprintf(&b, "        base: %s\n", x)
			}
			for _, x := range o.Head {
				fmt.Fprintf(&b, "        head: %s\n", x)
			}
		}
	}
	for _, f := range r.Files {
		b.WriteString("\n")
		b.WriteString(f.Unified)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// objects says how many objects of each kind a side has.
func objects(counts map[string]int) string {
	var parts []string
	for _, k := range []string{"ImageContentSourcePolicy", "ImageDigestMirrorSet", "ImageTagMirrorSet", "Image", "MachineConfiguration"} {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	if len(parts) == 0 {
		return "no mirror objects, no Image config"
	}
	return strings.Join(parts, ", ")
}

// side is one side of a report, named for messages.
type side struct {
	name string
	res  SideResult
}

// sides are the base and the head, in that order.
func (r *Report) sides() []side {
	return []side{{"base", r.Base}, {"head", r.Head}}
}
