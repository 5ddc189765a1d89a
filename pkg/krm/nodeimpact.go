package krm

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/nodeimpact"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/transform"
)

// nodesPrefix starts the info result that says what the rewrite does to
// the nodes.
const nodesPrefix = "nodes: "

// nodesUnchanged is that result when registries.conf stays as it is.
const nodesUnchanged = nodesPrefix + "registries.conf unchanged: no MachineConfig rollout"

// nodesEndings end that result, by action; those of a drain or a reboot
// also go to stderr (see report).
var nodesEndings = map[nodeimpact.Action]string{
	nodeimpact.Rollout: "a new MachineConfig rolls out to every node of every pool, with no reload and no drain",
	nodeimpact.Reload:  "a new MachineConfig rolls out to every node of every pool, which reloads CRI-O without a drain",
	nodeimpact.Drain:   "every node of every pool is drained (a single-node cluster skips the drain)",
	nodeimpact.Reboot:  "every node of every pool is drained and rebooted",
}

// loudNodes reports whether r is the nodes result of a drain or a reboot.
func loudNodes(r *result.Result) bool {
	return r.Severity == result.Info && strings.HasPrefix(r.Message, nodesPrefix) &&
		(strings.HasSuffix(r.Message, nodesEndings[nodeimpact.Drain]) || strings.HasSuffix(r.Message, nodesEndings[nodeimpact.Reboot]))
}

// unchangedByTransform reports whether the output holds the input's mirror
// objects exactly as they came: the nodes' file cannot change then.
func unchangedByTransform(in []*mirror.Set, outs []transform.Out) bool {
	if len(in) != len(outs) {
		return false
	}
	for _, o := range outs {
		if o.How != transform.Unchanged {
			return false
		}
	}
	return true
}

// nodeImpact says what replacing the input's mirror objects by the output's
// does to the nodes, by the MCO's newest rules and the policies of the
// MachineConfiguration named cluster. out is the output's rendering when
// another step makes it (nodeView, or decideAll for the image check), else
// nil; pre, when not nil, gives the input's prerendering, nil when there is
// none (see prerender). It renders only what it must: nothing when the
// transform changed nothing, and the MCO's edited structures (no checks, no
// encoding) before the full rendering, which it needs only when the two
// differ.
func nodeImpact(in []*mirror.Set, outs []transform.Out, img *registriesconf.Image, policies []nodeimpact.FilePolicy, out *rendering, pre func() *registriesconf.Prerendered) (*result.Result, error) {
	info := func(msg string) *result.Result { return &result.Result{Severity: result.Info, Message: msg} }
	if unchangedByTransform(in, outs) {
		return info(nodesUnchanged), nil
	}
	inSets := mirror.Values(in)
	outSets := outputSets(outs)
	opts := registriesconf.Options{Image: img}
	var before, after *registriesconf.Edited
	var errIn, errOut error
	var outRes *registriesconf.Result
	editIn := func() (*registriesconf.Edited, error) {
		if pre != nil {
			if p := pre(); p != nil {
				return p.Edited(), nil
			}
		}
		return registriesconf.Edit(inSets, opts)
	}
	if out != nil {
		// The input's side while the output's renders.
		before, errIn = editIn()
		if outRes = out.wait(); outRes != nil && outRes.Edited != nil {
			after = outRes.Edited
		} else {
			after, errOut = registriesconf.Edit(outSets, opts)
		}
	} else {
		// The two sides are independent: the input's goes beside,
		// which halves the wall time of this step on more than one
		// core.
		done := make(chan struct{})
		go func() {
			defer close(done)
			before, errIn = editIn()
		}()
		after, errOut = registriesconf.Edit(outSets, opts)
		<-done
	}
	if errIn == nil && errOut == nil && before.Rewritten == after.Rewritten && reflect.DeepEqual(before.Conf, after.Conf) {
		return info(nodesUnchanged), nil
	}
	inRes, err := registriesconf.Render(inSets, opts)
	if err != nil {
		// The pools do not take the input today; the rewrite is what
		// they will take.
		return info(nodesPrefix + "the Machine Config Operator refuses the input's mirror objects (" + err.Error() +
			"): the output gives every node of every pool a new registries.conf"), nil
	}
	if outRes == nil {
		if outRes, err = registriesconf.Render(outSets, opts); err != nil {
			return nil, err
		}
	}
	imp, err := nodeimpact.Compare(nodeimpact.NodeFiles(inRes.Conf, img, nil), nodeimpact.NodeFiles(outRes.Conf, img, nil),
		nodeimpact.Options{Policies: policies})
	if err != nil {
		return nil, err
	}
	return info(nodesMessage(imp)), nil
}

// rendering is the output's registries.conf as one step renders it for
// the others.
type rendering struct {
	done chan struct{}
	res  *registriesconf.Result // nil when the rendering failed
}

// wait returns the rendering once it is made.
func (r *rendering) wait() *registriesconf.Result {
	<-r.done
	return r.res
}

// nodesMessage is the one line of the nodes result.
func nodesMessage(imp *nodeimpact.Impact) string {
	if imp.Action == nodeimpact.None {
		return nodesUnchanged
	}
	var first *nodeimpact.Reason
	for i := range imp.Reasons {
		if imp.Reasons[i].Action == imp.Action {
			first = &imp.Reasons[i]
			break
		}
	}
	if scopes, what := sameChange(imp.Reasons); len(scopes) > 1 {
		// "3 registries: the source is no longer contacted
		// (NeverContactSource) (a, b, c)"
		shown := scopes[:min(len(scopes), 3)]
		list := strings.Join(shown, ", ")
		if len(scopes) > len(shown) {
			list += fmt.Sprintf(" and %d more", len(scopes)-len(shown))
		}
		return fmt.Sprintf("%sregistries.conf changes: %d registries: %s (%s): %s", nodesPrefix, len(scopes), what, list, nodesEndings[imp.Action])
	}
	msg := nodesPrefix + "registries.conf changes: " + first.Change
	if more := len(imp.Reasons) - 1; more > 0 {
		msg += fmt.Sprintf(", and %d more %s", more, plural(more, "change", "changes"))
	}
	return msg + ": " + nodesEndings[imp.Action]
}

// sameChange returns the registries of reasons and the change they share,
// when every reason is the same change of one registry each.
func sameChange(reasons []nodeimpact.Reason) (scopes []string, what string) {
	for i, r := range reasons {
		if r.Registry == "" || !strings.HasPrefix(r.Change, r.Registry+": ") {
			return nil, ""
		}
		w := strings.TrimPrefix(r.Change, r.Registry+": ")
		if i > 0 && (w != what || r.Registry == reasons[i-1].Registry) {
			return nil, ""
		}
		what = w
		scopes = append(scopes, r.Registry)
	}
	return scopes, what
}
