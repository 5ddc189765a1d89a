package nodeimpact_test

import (
	"reflect"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/nodeimpact"
)

func TestParseMachineConfiguration(t *testing.T) {
	t.Parallel()
	const head = "apiVersion: operator.openshift.io/v1\nkind: MachineConfiguration\nmetadata:\n  name: cluster\n"
	tests := []struct {
		name, in string
		want     []nodeimpact.FilePolicy
		err      string
	}{
		{name: "no policy", in: head + "spec: {}\n"},
		{name: "another kind", in: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster\n"},
		{
			name: "not named cluster: the MCO ignores it",
			in:   "apiVersion: operator.openshift.io/v1\nkind: MachineConfiguration\nmetadata:\n  name: other\nspec:\n  nodeDisruptionPolicy:\n    files:\n    - path: /etc/a\n      actions: [{type: None}]\n",
		},
		{
			name: "files",
			in: head + `spec:
  nodeDisruptionPolicy:
    files:
    - path: /etc/containers/registries.conf
      actions:
      - type: Drain
      - type: Reload
        reload:
          serviceName: crio.service
    - path: /etc/containers/policy.json
      actions:
      - type: None
    units:
    - name: a.service
      actions: [{type: None}]
`,
			want: []nodeimpact.FilePolicy{
				{Path: "/etc/containers/registries.conf", Actions: []nodeimpact.PolicyAction{{Type: "Drain"}, {Type: "Reload", Service: "crio.service"}}},
				{Path: "/etc/containers/policy.json", Actions: []nodeimpact.PolicyAction{{Type: "None"}}},
			},
		},
		{name: "files not a list", in: head + "spec:\n  nodeDisruptionPolicy:\n    files: {}\n",
			err: `MachineConfiguration "cluster": spec.nodeDisruptionPolicy.files: must be a list, got a map`},
		{name: "no path", in: head + "spec:\n  nodeDisruptionPolicy:\n    files:\n    - actions: [{type: None}]\n",
			err: `MachineConfiguration "cluster": spec.nodeDisruptionPolicy.files[0].path: is required`},
		{name: "unknown type", in: head + "spec:\n  nodeDisruptionPolicy:\n    files:\n    - path: /a\n      actions: [{type: Special}]\n",
			err: `MachineConfiguration "cluster": spec.nodeDisruptionPolicy.files[0].actions[0].type: "Special": must be one of [Reboot Drain Reload Restart DaemonReload None]`},
		{name: "reload without service", in: head + "spec:\n  nodeDisruptionPolicy:\n    files:\n    - path: /a\n      actions: [{type: Reload}]\n",
			err: `MachineConfiguration "cluster": spec.nodeDisruptionPolicy.files[0].actions[0].reload: reload is required when type is Reload, and forbidden otherwise`},
		{name: "restart with reload", in: head + "spec:\n  nodeDisruptionPolicy:\n    files:\n    - path: /a\n      actions: [{type: Restart, restart: {serviceName: a.service}, reload: {serviceName: b.service}}]\n",
			err: `MachineConfiguration "cluster": spec.nodeDisruptionPolicy.files[0].actions[0].reload: reload is required when type is Reload, and forbidden otherwise`},
		{name: "reboot with another action", in: head + "spec:\n  nodeDisruptionPolicy:\n    files:\n    - path: /a\n      actions: [{type: Reboot}, {type: Drain}]\n",
			err: `MachineConfiguration "cluster": spec.nodeDisruptionPolicy.files[0].actions: Reboot action can only be specified standalone, as it will override any other actions`},
		{name: "duplicate path", in: head + "spec:\n  nodeDisruptionPolicy:\n    files:\n    - path: /a\n      actions: [{type: None}]\n    - path: /a\n      actions: [{type: Drain}]\n",
			err: `MachineConfiguration "cluster": spec.nodeDisruptionPolicy.files[1].path: "/a": duplicate of spec.nodeDisruptionPolicy.files[0].path`},
		{name: "path not a string", in: head + "spec:\n  nodeDisruptionPolicy:\n    files:\n    - path: 5\n      actions: [{type: None}]\n",
			err: `MachineConfiguration "cluster": spec.nodeDisruptionPolicy.files[0].path: must be a string, got a number (5); quote it: "5"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := nodeimpact.ParseMachineConfiguration(yaml.MustParse(tc.in))
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
