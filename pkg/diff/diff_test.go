package diff_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/diff"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/nodeimpact"
)

func readSide(t testing.TB, data string) (*diff.Side, error) {
	t.Helper()
	nodes, err := manifests.Parse([]byte(data), "in.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return diff.ReadSide(nodes)
}

func mustSide(t testing.TB, data string) *diff.Side {
	t.Helper()
	s, err := readSide(t, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const machineConfiguration = `apiVersion: operator.openshift.io/v1
kind: MachineConfiguration
metadata:
  name: cluster
spec:
  nodeDisruptionPolicy:
    files:
    - path: /etc/containers/policy.json
      actions:
      - type: None
`

func TestReadSide(t *testing.T) {
	t.Parallel()
	s := mustSide(t, release+"---\n"+machineConfiguration)
	if s.PoliciesFrom != `MachineConfiguration "cluster" in in.yaml` || len(s.Policies) != 1 || s.Policies[0].Path != nodeimpact.PolicyJSON {
		t.Errorf("policies %+v from %q", s.Policies, s.PoliciesFrom)
	}
	if _, err := readSide(t, machineConfiguration+"---\n"+machineConfiguration); err == nil || !strings.Contains(err.Error(), "a second MachineConfiguration") {
		t.Errorf("two MachineConfigurations named cluster: %v", err)
	}
	other := strings.Replace(machineConfiguration, "name: cluster", "name: other", 1)
	if s := mustSide(t, other); s.PoliciesFrom != "" {
		t.Errorf("a MachineConfiguration not named cluster was read: %q", s.PoliciesFrom)
	}
	img := "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata:\n  name: cluster\nspec:\n  registrySources:\n    containerRuntimeSearchRegistries: [quay.io]\n"
	if s := mustSide(t, img); len(s.Search) != 1 || s.Search[0] != "quay.io" {
		t.Errorf("search registries %q", s.Search)
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	never := strings.Replace(release, "    - registry.example.com:5000/ocp/release\n", "    - registry.example.com:5000/ocp/release\n    mirrorSourcePolicy: NeverContactSource\n", 1)
	conflict := never + `---
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
metadata:
  name: tags
spec:
  imageTagMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - registry.example.com:5000/ocp/release
`
	badSource := strings.Replace(release, "ocp-release\n", "ocp-release@sha256:0\n", 1)
	nested := never + `---
apiVersion: config.openshift.io/v1
kind: Image
metadata:
  name: cluster
spec:
  registrySources:
    insecureRegistries:
    - quay.io/openshift-release-dev/ocp-release/nested
`
	for _, tc := range []struct {
		name       string
		base, head string
		opts       diff.Options
		refused    [2]diff.Refuser
		action     nodeimpact.Action
		want       []string // in the text report
	}{
		{name: "same", base: release, head: release, action: nodeimpact.None,
			want: []string{"nodes: no rollout"}},
		{name: "base refused by the MCO", base: conflict, head: release, refused: [2]diff.Refuser{diff.MCO, ""},
			want: []string{"REFUSED: the MCO refuses the base", "conflicting mirrorSourcePolicy", "not compared"}},
		{name: "head refused by the API server", base: release, head: badSource, refused: [2]diff.Refuser{"", diff.APIServer},
			want: []string{"REFUSED: the API server refuses the head", `spec.imageDigestMirrors[0].source`}},
		{name: "policy flipped", base: release, head: never, action: nodeimpact.Drain,
			want: []string{"the source is no longer contacted (NeverContactSource)",
				`head: mirrorSourcePolicy NeverContactSource in ImageDigestMirrorSet "release" in in.yaml, spec.imageDigestMirrors[0]`}},
		{name: "policy flipped, single node", base: release, head: never, opts: diff.Options{SingleNode: true}, action: nodeimpact.Reload},
		{name: "nested insecure registry", base: never, head: nested, action: nodeimpact.Reload,
			want: []string{"quay.io/openshift-release-dev/ocp-release/nested (rollout, CRI-O reload)", "registry added, with mirror registry.example.com:5000/ocp/release/nested (digest-only)",
				// explain names the entry whose mirror the nested registry extends.
				`head: ImageDigestMirrorSet "release" in in.yaml, spec.imageDigestMirrors[0]`,
				`head: insecureRegistries "quay.io/openshift-release-dev/ocp-release/nested" in Image "cluster" in in.yaml`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep, err := diff.Compare(mustSide(t, tc.base), mustSide(t, tc.head), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range []diff.SideResult{rep.Base, rep.Head} {
				got := diff.Refuser("")
				if s.Refused != nil {
					got = s.Refused.By
				}
				if got != tc.refused[i] {
					t.Errorf("side %d refused by %q, want %q", i, got, tc.refused[i])
				}
			}
			if rep.Refused() != (rep.Impact == nil) {
				t.Errorf("refused %v with impact %v", rep.Refused(), rep.Impact)
			}
			if rep.Impact != nil && rep.Impact.Action != tc.action {
				t.Errorf("action %s, want %s", diff.ActionName(rep.Impact.Action), diff.ActionName(tc.action))
			}
			var text bytes.Buffer
			if err := rep.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(text.String(), w) {
					t.Errorf("the report lacks %q:\n%s", w, text.String())
				}
			}
			// Every form is written; JSON lists are never null.
			var md, js bytes.Buffer
			if err := rep.WriteMarkdown(&md); err != nil || !strings.HasPrefix(md.String(), "**mirrorset diff**: ") {
				t.Errorf("markdown: %v\n%s", err, md.String())
			}
			if err := rep.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			var v map[string]any
			if err := json.Unmarshal(js.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"reasons", "registries", "others", "files"} {
				if _, ok := v[k].([]any); !ok {
					t.Errorf("json %s is %v, want a list", k, v[k])
				}
			}
			if v["schemaVersion"] != float64(diff.SchemaVersion) {
				t.Errorf("schemaVersion %v", v["schemaVersion"])
			}
		})
	}
}

func TestActionNames(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for a := nodeimpact.None; a <= nodeimpact.Reboot; a++ {
		name := diff.ActionName(a)
		if seen[name] {
			t.Errorf("%s named twice", name)
		}
		seen[name] = true
		if got, err := diff.ParseAction(name); err != nil || got != a {
			t.Errorf("ParseAction(%q) = %v, %v; want %v", name, got, err, a)
		}
	}
	if _, err := diff.ParseAction("restart"); err == nil {
		t.Error("ParseAction took restart")
	}
}

// A table cell keeps its row: pipes are escaped, lines joined.
func TestMarkdownCells(t *testing.T) {
	t.Parallel()
	rep := &diff.Report{
		Impact: &nodeimpact.Impact{Action: nodeimpact.Reload, Reasons: []nodeimpact.Reason{{Path: nodeimpact.PolicyJSON, Text: "a|b\nc", Action: nodeimpact.Reload}}},
		Others: []diff.Other{{Reason: nodeimpact.Reason{Path: nodeimpact.PolicyJSON, Text: "a|b\nc", Action: nodeimpact.Reload}}},
	}
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| `/etc/containers/policy.json` | a\\|b c | rollout, CRI-O reload |  |  |\n") {
		t.Errorf("got:\n%s", b.String())
	}
}
