package nodeimpact

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// conf builds a registries.conf: search is the unqualified-search-registries
// (nil for none), then the registries.
func conf(search []string, regs ...string) []byte {
	var b strings.Builder
	if search != nil {
		fmt.Fprintf(&b, "unqualified-search-registries = [%s]\n", quoteAll(search))
	}
	for _, r := range regs {
		b.WriteString(r)
	}
	return []byte(b.String())
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// reg is one [[registry]] of location with attrs ("blocked", "insecure",
// "digest-only-registry") and mirrors as "location" or "location@pull"
// ("m@digest-only"), in order.
func reg(location string, attrs []string, mirrors ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n[[registry]]\n  prefix = \"\"\n  location = %q\n", location)
	for _, a := range attrs {
		switch a {
		case "blocked":
			b.WriteString("  blocked = true\n")
		case "insecure":
			b.WriteString("  insecure = true\n")
		case "digest-only-registry":
			b.WriteString("  mirror-by-digest-only = true\n")
		case "prefix":
			// The prefix set to the location: the same scope.
			s := b.String()
			b.Reset()
			b.WriteString(strings.Replace(s, `prefix = ""`, fmt.Sprintf("prefix = %q", location), 1))
		}
	}
	for _, m := range mirrors {
		loc, pull, _ := strings.Cut(m, "@")
		fmt.Fprintf(&b, "\n  [[registry.mirror]]\n    location = %q\n", loc)
		if pull != "" {
			fmt.Fprintf(&b, "    pull-from-mirror = %q\n", pull)
		}
	}
	return b.String()
}

func rc(data []byte) Files { return Files{RegistriesConf: data} }

// TestCompareRules is one case per rule of isSafeContainerRegistryConfChanges
// and of the actions per path, with the reasons in full.
func TestCompareRules(t *testing.T) {
	t.Parallel()
	const q = "quay.io/app"
	base := reg(q, nil, "m1@digest-only", "m2@digest-only")
	tests := []struct {
		name       string
		base, head Files
		opts       Options
		want       Action
		reasons    []string
	}{
		{
			name: "identical files",
			base: rc(conf(nil, base)), head: rc(conf(nil, base)),
			want: None,
		},
		{
			name: "registry added, all mirrors digest-only",
			base: rc(conf(nil, base)), head: rc(conf(nil, base, reg("quay.io/other", nil, "m3@digest-only"))),
			want:    Reload,
			reasons: []string{"quay.io/other: registry added with mirrors m3 (digest-only): no drain"},
		},
		{
			name: "registry added with a tag-only mirror",
			base: rc(conf(nil, base)), head: rc(conf(nil, base, reg("quay.io/other", nil, "m3@tag-only"))),
			want:    Drain,
			reasons: []string{"quay.io/other: registry added with mirrors m3 (tag-only): drains"},
		},
		{
			name: "registry added, blocked with no mirror (Image blockedRegistries)",
			base: rc(conf(nil, base)), head: rc(conf(nil, base, reg("bad.io", []string{"blocked"}))),
			want:    Drain,
			reasons: []string{"bad.io: registry added, blocked: drains"},
		},
		{
			name: "registry removed",
			base: rc(conf(nil, base)), head: rc(conf(nil)),
			want:    Drain,
			reasons: []string{"quay.io/app: registry removed (mirrors m1 (digest-only), m2 (digest-only)): drains"},
		},
		{
			name: "digest-only mirror added",
			base: rc(conf(nil, base)), head: rc(conf(nil, reg(q, nil, "m1@digest-only", "m2@digest-only", "m3@digest-only"))),
			want:    Reload,
			reasons: []string{"quay.io/app: mirror m3 added (digest-only): no drain"},
		},
		{
			name: "tag-only mirror added",
			base: rc(conf(nil, base)), head: rc(conf(nil, reg(q, nil, "m1@digest-only", "m2@digest-only", "m3@tag-only"))),
			want:    Drain,
			reasons: []string{"quay.io/app: mirror m3 added (tag-only): drains"},
		},
		{
			name: "mirror removed",
			base: rc(conf(nil, base)), head: rc(conf(nil, reg(q, nil, "m1@digest-only"))),
			want:    Drain,
			reasons: []string{"quay.io/app: mirror m2 (digest-only) removed: drains"},
		},
		{
			name: "pull-from-mirror changed to tag-only",
			base: rc(conf(nil, base)), head: rc(conf(nil, reg(q, nil, "m1@digest-only", "m2@tag-only"))),
			want:    Drain,
			reasons: []string{"quay.io/app: mirror m2: pull-from-mirror changed from digest-only to tag-only: drains"},
		},
		{
			name: "pull-from-mirror changed to digest-only",
			base: rc(conf(nil, reg(q, nil, "m1@digest-only", "m2@tag-only"))), head: rc(conf(nil, base)),
			want:    Reload,
			reasons: []string{"quay.io/app: mirror m2: pull-from-mirror changed from tag-only to digest-only: no drain"},
		},
		{
			name: "mirrors reordered only",
			base: rc(conf(nil, base)), head: rc(conf(nil, reg(q, nil, "m2@digest-only", "m1@digest-only"))),
			want:    Reload,
			reasons: []string{"quay.io/app: mirrors reordered from [m1, m2] to [m2, m1] (pulls try them in the new order): no drain"},
		},
		{
			name: "blocked: NeverContactSource",
			base: rc(conf(nil, base)), head: rc(conf(nil, reg(q, []string{"blocked"}, "m1@digest-only", "m2@digest-only"))),
			want:    Drain,
			reasons: []string{"quay.io/app: the source is no longer contacted (NeverContactSource): drains"},
		},
		{
			name: "unblocked: AllowContactingSource",
			base: rc(conf(nil, reg(q, []string{"blocked"}, "m1@digest-only", "m2@digest-only"))), head: rc(conf(nil, base)),
			want:    Drain,
			reasons: []string{"quay.io/app: the source is contacted again (AllowContactingSource): drains"},
		},
		{
			name: "insecure changed",
			base: rc(conf(nil, base)), head: rc(conf(nil, reg(q, []string{"insecure"}, "m1@digest-only", "m2@digest-only"))),
			want:    Drain,
			reasons: []string{"quay.io/app: now insecure (TLS not verified): drains"},
		},
		{
			name: "prefix changed, same scope",
			base: rc(conf(nil, base)), head: rc(conf(nil, reg(q, []string{"prefix"}, "m1@digest-only", "m2@digest-only"))),
			want:    Drain,
			reasons: []string{`quay.io/app: prefix changed from "" to "quay.io/app": drains`},
		},
		{
			name:    "location changed under a prefix",
			base:    rc([]byte("[[registry]]\nprefix = \"quay.io/app\"\nlocation = \"quay.io/app\"\n")),
			head:    rc([]byte("[[registry]]\nprefix = \"quay.io/app\"\nlocation = \"quay.io/elsewhere\"\n")),
			want:    Drain,
			reasons: []string{"quay.io/app: location changed from quay.io/app to quay.io/elsewhere: drains"},
		},
		{
			name: "search registries appended",
			base: rc(conf([]string{"a.io", "b.io"})), head: rc(conf([]string{"a.io", "b.io", "c.io"})),
			want:    Reload,
			reasons: []string{"unqualified-search-registries: c.io appended: no drain"},
		},
		{
			name: "search registries shortened",
			base: rc(conf([]string{"a.io", "b.io"})), head: rc(conf([]string{"a.io"})),
			want:    Drain,
			reasons: []string{"unqualified-search-registries: b.io removed: drains"},
		},
		{
			name: "search registries reordered",
			base: rc(conf([]string{"a.io", "b.io"})), head: rc(conf([]string{"b.io", "a.io"})),
			want:    Drain,
			reasons: []string{"unqualified-search-registries: reordered from [a.io, b.io] to [b.io, a.io]: drains"},
		},
		{
			name: "search registries inserted in front",
			base: rc(conf([]string{"a.io"})), head: rc(conf([]string{"z.io", "a.io"})),
			want:    Drain,
			reasons: []string{"unqualified-search-registries: z.io added: drains"},
		},
		{
			name: "text only",
			base: rc(conf(nil, base)), head: rc(append(conf(nil, base), "\n# a comment\n"...)),
			want:    Reload,
			reasons: []string{"registries.conf changed outside its registries and unqualified-search-registries: no drain"},
		},
		{
			name: "several changes: each with its own action",
			base: rc(conf(nil, base, reg("gone.io", nil, "g@digest-only"))),
			head: rc(conf(nil, reg(q, nil, "m2@digest-only", "m1@digest-only", "m3@digest-only"), reg("new.io", nil, "n@digest-only"))),
			want: Drain,
			reasons: []string{
				"quay.io/app: mirror m3 added (digest-only): no drain",
				"quay.io/app: mirrors reordered from [m1, m2] to [m2, m1] (pulls try them in the new order): no drain",
				"new.io: registry added with mirrors n (digest-only): no drain",
				"gone.io: registry removed (mirrors g (digest-only)): drains",
			},
		},
		{
			name: "policy.json changed: CRI-O reload",
			base: Files{PolicyJSON: []byte("a")}, head: Files{PolicyJSON: []byte("b")},
			want:    Reload,
			reasons: []string{"/etc/containers/policy.json (blocked and allowed registries) changed: no drain"},
		},
		{
			name: "search drop-in added: reboot",
			base: Files{}, head: Files{SearchRegistries: conf([]string{"quay.io"})},
			want:    Reboot,
			reasons: []string{"containerRuntimeSearchRegistries set to [quay.io] (drop-in " + SearchRegistries + " added), a path with no node disruption policy: reboots"},
		},
		{
			name: "search drop-in changed: reboot before 4.17 too",
			base: Files{SearchRegistries: conf([]string{"a.io"})}, head: Files{SearchRegistries: conf([]string{"b.io"})},
			opts:    Options{Version: "4.14"},
			want:    Reboot,
			reasons: []string{"containerRuntimeSearchRegistries changed from [a.io] to [b.io], a path with no node disruption policy: reboots"},
		},
		{
			name: "single node: no drain",
			base: rc(conf(nil, base)), head: rc(conf(nil)),
			opts:    Options{SingleNode: true},
			want:    Reload,
			reasons: []string{"quay.io/app: registry removed (mirrors m1 (digest-only), m2 (digest-only)): drains, but the MCO skips the drain on a single node"},
		},
		{
			name: "single node: a reboot stays",
			base: Files{}, head: Files{SearchRegistries: conf([]string{"quay.io"})},
			opts: Options{SingleNode: true},
			want: Reboot,
			reasons: []string{"containerRuntimeSearchRegistries set to [quay.io] (drop-in " + SearchRegistries +
				" added), a path with no node disruption policy: reboots"},
		},
		{
			name: "policy None on registries.conf: rollout only",
			base: rc(conf(nil, base)), head: rc(conf(nil)),
			opts:    Options{Policies: []FilePolicy{{Path: RegistriesConf, Actions: []PolicyAction{{Type: "None"}}}}},
			want:    Rollout,
			reasons: []string{"quay.io/app: registry removed (mirrors m1 (digest-only), m2 (digest-only)) (nodeDisruptionPolicy for /etc/containers/registries.conf: None): no reload, no drain"},
		},
		{
			name: "policy Reload crio on registries.conf: no drain even when unsafe",
			base: rc(conf(nil, base)), head: rc(conf(nil)),
			opts:    Options{Policies: []FilePolicy{{Path: RegistriesConf, Actions: []PolicyAction{{Type: "Reload", Service: "crio.service"}}}}},
			want:    Reload,
			reasons: []string{"quay.io/app: registry removed (mirrors m1 (digest-only), m2 (digest-only)) (nodeDisruptionPolicy for /etc/containers/registries.conf: Reload crio.service): no drain"},
		},
		{
			name: "policy Drain on registries.conf: drains even when safe",
			base: rc(conf(nil, base)), head: rc(conf(nil, reg(q, nil, "m2@digest-only", "m1@digest-only"))),
			opts:    Options{Policies: []FilePolicy{{Path: RegistriesConf, Actions: []PolicyAction{{Type: "Drain"}, {Type: "Reload", Service: "crio.service"}}}}},
			want:    Drain,
			reasons: []string{"quay.io/app: mirrors reordered from [m1, m2] to [m2, m1] (pulls try them in the new order) (nodeDisruptionPolicy for /etc/containers/registries.conf: Drain, Reload crio.service): drains"},
		},
		{
			name: "policy on a folder above the search drop-in",
			base: Files{}, head: Files{SearchRegistries: conf([]string{"quay.io"})},
			opts:    Options{Policies: []FilePolicy{{Path: "/etc/containers/registries.conf.d", Actions: []PolicyAction{{Type: "Restart", Service: "crio.service"}}}}},
			want:    Reload,
			reasons: []string{"containerRuntimeSearchRegistries set to [quay.io] (drop-in " + SearchRegistries + " added) (nodeDisruptionPolicy for /etc/containers/registries.conf.d: Restart crio.service): no drain"},
		},
		{
			name: "policies do not count before 4.17",
			base: rc(conf(nil, base)), head: rc(conf(nil)),
			opts:    Options{Version: "4.16", Policies: []FilePolicy{{Path: RegistriesConf, Actions: []PolicyAction{{Type: "None"}}}}},
			want:    Drain,
			reasons: []string{"quay.io/app: registry removed (mirrors m1 (digest-only), m2 (digest-only)): drains"},
		},
		{
			name: "policy Reboot on policy.json",
			base: Files{PolicyJSON: []byte("a")}, head: Files{PolicyJSON: []byte("b")},
			opts:    Options{Policies: []FilePolicy{{Path: PolicyJSON, Actions: []PolicyAction{{Type: "Reboot"}}}}},
			want:    Reboot,
			reasons: []string{"/etc/containers/policy.json (blocked and allowed registries) changed (nodeDisruptionPolicy for /etc/containers/policy.json: Reboot): reboots"},
		},
		{
			name: "before 4.13: a registry of digest-only mirrors is mirror-by-digest-only",
			base: rc(conf(nil, base)), head: rc(conf(nil, base, reg("quay.io/other", nil, "m3@digest-only"))),
			opts:    Options{Version: "4.12"},
			want:    Reload,
			reasons: []string{"quay.io/other: registry added with mirrors m3 (digest-only): no drain"},
		},
		{
			name: "before 4.13: pull-from-mirror is not read, mirror-by-digest-only is",
			base: rc(conf(nil, reg(q, []string{"digest-only-registry"}, "m1", "m2"))),
			head: rc(conf(nil, reg(q, nil, "m1", "m2"))),
			opts: Options{Version: "4.12"},
			want: Drain,
			reasons: []string{
				"quay.io/app: mirror-by-digest-only changed from true to false: drains",
			},
		},
		{
			name:    "4.13+: mirror-by-digest-only of a registry is not read",
			base:    rc(conf(nil, reg(q, []string{"digest-only-registry"}, "m1@digest-only"))),
			head:    rc(conf(nil, reg(q, nil, "m1@digest-only"))),
			want:    Reload,
			reasons: []string{"quay.io/app: mirror-by-digest-only changed from true to false: no drain"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			imp, err := Compare(tc.base, tc.head, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range imp.Reasons {
				got = append(got, r.Text)
				if !strings.HasPrefix(r.Text, r.Change+": ") {
					t.Errorf("Text %q does not start with Change %q", r.Text, r.Change)
				}
			}
			if imp.Action != tc.want || !slices.Equal(got, tc.reasons) {
				t.Errorf("got %v\n  %s\nwant %v\n  %s", imp.Action, strings.Join(got, "\n  "), tc.want, strings.Join(tc.reasons, "\n  "))
			}
		})
	}
}

func TestCompareRegistries(t *testing.T) {
	t.Parallel()
	base := rc(conf([]string{"a.io"}, reg("quay.io/app", nil, "m1@digest-only", "m2@digest-only"), reg("gone.io", []string{"insecure"})))
	head := rc(conf([]string{"a.io", "b.io"}, reg("quay.io/app", []string{"blocked"}, "m2@tag-only", "m3@digest-only"), reg("new.io", []string{"blocked"})))
	imp, err := Compare(base, head, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%+v", imp.Registries)
	for _, want := range []string{
		"Scope:quay.io/app Added:false Removed:false Location:<nil> Blocked:0x",
		"MirrorsAdded:[{Location:m3 PullFromMirror:digest-only Insecure:false}] MirrorsRemoved:[{Location:m1 PullFromMirror:digest-only Insecure:false}] PullFromMirror:[{Location:m2 Base:digest-only Head:tag-only}] Reordered:false Action:drain every node",
		"{Scope:new.io Added:true Removed:false",
		"{Scope:gone.io Added:false Removed:true",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Registries lack %q:\n%s", want, got)
		}
	}
	if imp.Registries[0].Blocked == nil || *imp.Registries[0].Blocked != [2]bool{false, true} {
		t.Errorf("Blocked = %v", imp.Registries[0].Blocked)
	}
	if imp.Registries[2].Insecure == nil || *imp.Registries[2].Insecure != [2]bool{true, false} {
		t.Errorf("removed registry's Insecure = %v", imp.Registries[2].Insecure)
	}
	if imp.SearchRegistries == nil || !slices.Equal(imp.SearchRegistries[1], []string{"a.io", "b.io"}) {
		t.Errorf("SearchRegistries = %v", imp.SearchRegistries)
	}
}

func TestCompareErrors(t *testing.T) {
	t.Parallel()
	_, err := Compare(rc([]byte("[[registry]\n")), rc(nil), Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "base /etc/containers/registries.conf: ") {
		t.Errorf("a base that does not parse: %v", err)
	}
	if _, err := Compare(rc(nil), rc(nil), Options{Version: "4.x"}); err == nil {
		t.Error("version 4.x: no error")
	}
	// Files that do not change are not parsed.
	if imp, err := Compare(rc([]byte("[[")), rc([]byte("[[")), Options{}); err != nil || imp.Action != None {
		t.Errorf("unchanged garbage: %v, %v", imp, err)
	}
}

func TestCheckVersion(t *testing.T) {
	t.Parallel()
	for v, ok := range map[string]bool{
		"": true, "4.12": true, "4.17.3": true, "v4.16": true, "5.0": true,
		"4": false, "4.x": false, "3.11": false, "4.0": false, "4.012": false, "4.12.1.1": false, "4.-1": false,
	} {
		if err := CheckVersion(v); (err == nil) != ok {
			t.Errorf("CheckVersion(%q) = %v", v, err)
		}
	}
	for v, want := range map[string]rules{
		"":     {pullFromMirror: true, policies: true},
		"4.12": {},
		"4.13": {pullFromMirror: true},
		"4.16": {pullFromMirror: true},
		"4.17": {pullFromMirror: true, policies: true},
	} {
		if got, _ := rulesFor(v); got != want {
			t.Errorf("rulesFor(%q) = %+v, want %+v", v, got, want)
		}
	}
}

// TestClosestPolicy holds the cases of the MCO's TestFindClosestFilePolicyPathMatch
// (pkg/daemon/update_test.go), as data.
func TestClosestPolicy(t *testing.T) {
	t.Parallel()
	p := func(path, action string) FilePolicy {
		return FilePolicy{Path: path, Actions: []PolicyAction{{Type: action}}}
	}
	tests := []struct {
		path     string
		policies []FilePolicy
		want     string // the action found, "" for none
	}{
		{"/etc/mco/test", []FilePolicy{p("/etc/example", "None")}, ""},
		{"/etc/mco/test1", []FilePolicy{p("/etc/mco/test1", "None"), p("/etc/mco/test2", "Reboot")}, "None"},
		{"/etc/mco/f1/f2/example", []FilePolicy{p("/etc/mco/f1", "None"), p("/etc/mco/f1/f2", "Reboot"), p("/etc/mco/f1/f2/f3", "Reload")}, "Reboot"},
		{"/etc/mco/f1/f2/f3", []FilePolicy{p("/etc/mco/f1", "None"), p("/etc/mco/f1/f2", "Reboot"), p("/etc/mco/f1/f2/f3", "Reload")}, "Reload"},
		{"/etc/mco/f1/f2/f3", []FilePolicy{p("/etc/mco/f1/test", "None"), p("/etc/mco/f1/f2/test", "Reboot"), p("/etc/mco/f1/f2/f3/f4", "Reload")}, ""},
		// registries.conf is not a folder above the drop-ins.
		{SearchRegistries, MergePolicies(nil), ""},
	}
	for i, tc := range tests {
		got, ok := closestPolicy(tc.path, tc.policies)
		gotAction := ""
		if ok {
			gotAction = got.Actions[0].Type
		}
		if gotAction != tc.want {
			t.Errorf("case %d (%s): got %q, want %q", i, tc.path, gotAction, tc.want)
		}
	}
}

func TestMergePolicies(t *testing.T) {
	t.Parallel()
	user := []FilePolicy{
		{Path: RegistriesConf, Actions: []PolicyAction{{Type: "None"}}},
		{Path: "/etc/other", Actions: []PolicyAction{{Type: "Drain"}}},
	}
	merged := MergePolicies(user)
	if len(merged) != len(defaultPolicies)+1 {
		t.Fatalf("%d policies, want %d", len(merged), len(defaultPolicies)+1)
	}
	i := slices.IndexFunc(merged, func(p FilePolicy) bool { return p.Path == RegistriesConf })
	if merged[i].Actions[0].Type != "None" || merged[len(merged)-1].Path != "/etc/other" {
		t.Errorf("merged: %+v", merged)
	}
	if defaultPolicies[i].Actions[0].Type != "Special" {
		t.Error("MergePolicies changed the defaults")
	}
}

func TestActionString(t *testing.T) {
	t.Parallel()
	want := []string{"no rollout", "rollout, no reload, no drain", "rollout, CRI-O reload, no drain", "drain every node", "reboot every node", "Action(5)"}
	for a := None; a <= Reboot+1; a++ {
		if got := a.String(); got != want[a] {
			t.Errorf("%d: %q, want %q", a, got, want[a])
		}
	}
}
