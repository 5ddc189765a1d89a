package explain_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/explain"
	"github.com/mirrorset/mirrorset/pkg/manifests"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

const digest = "@sha256:1111111111111111111111111111111111111111111111111111111111111111"

// objects is a disconnected cluster, plus the cases each test needs.
const objects = `
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: release
spec:
  imageDigestMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - registry.example.com:5000/ocp4/openshift4
    mirrorSourcePolicy: NeverContactSource
  - source: registry.redhat.io/rhel9
    mirrors:
    - registry.example.com:5000/rhel9
    mirrorSourcePolicy: NeverContactSource
  - source: "*.example.net"
    mirrors:
    - registry.example.com:5000/example-net
  - source: quay.io/team/app
    mirrors:
    - b.example.com/team/app
    - c.example.com/team/app
  - source: quay.io/team/cached
    mirrors:
    - mirror.example.com/cached
    - quay.io/team/cached/copy
    mirrorSourcePolicy: NeverContactSource
---
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: second
spec:
  imageDigestMirrors:
  - source: quay.io/team/app
    mirrors:
    - a.example.com/team/app
    - b.example.com/team/app
---
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
metadata:
  name: tags
spec:
  imageTagMirrors:
  - source: registry.redhat.io/redhat/redhat-operator-index
    mirrors:
    - registry.example.com:5000/redhat/redhat-operator-index
  - source: quay.io/tagonly/app
    mirrors:
    - registry.example.com:5000/tagonly/app
    mirrorSourcePolicy: NeverContactSource
---
apiVersion: config.openshift.io/v1
kind: Image
metadata:
  name: cluster
spec:
  registrySources:
    insecureRegistries:
    - registry.redhat.io/rhel9/private
    blockedRegistries:
    - docker.io
`

// summary writes each location as one line: the reference, then
// "source" or the pull-from-mirror value, "insecure", the origins as
// Kind/name[entry] (+mirror when extended), and "blocked by X".
func summary(ex *explain.Explanation) []string {
	var out []string
	line := func(prefix string, l explain.Location) string {
		s := prefix + l.Ref
		if l.IsSource {
			s += " source"
		} else {
			s += " " + l.PullFromMirror
		}
		if l.Insecure {
			s += " insecure"
		}
		for _, o := range l.Origins {
			s += fmt.Sprintf(" %s/%s[%d]", o.Kind, o.Name, o.Entry)
			if o.Mirror != l.Endpoint {
				s += "+" + o.Mirror
			}
		}
		if l.Blocked {
			s += " blocked by " + l.BlockedBy + " (" + strings.Join(l.Blocks, "; ") + ")"
		}
		return s
	}
	for _, l := range ex.Locations {
		out = append(out, line("", l))
	}
	for _, l := range ex.Skipped {
		out = append(out, line("skipped ", l))
	}
	return out
}

// renderedObjects is what the nodes get from objects, parsed as
// containers/image reads it, and the objects' origins.
func renderedObjects(t *testing.T) (*registriesconf.Parsed, explain.Origins) {
	t.Helper()
	nodes, err := manifests.Parse([]byte(objects), "objects.yaml")
	if err != nil {
		t.Fatal(err)
	}
	in, err := registriesconf.ReadInput(nodes)
	if err != nil {
		t.Fatal(err)
	}
	res, err := registriesconf.Render(in.Sets, registriesconf.Options{Image: in.Image})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := registriesconf.Parse(res.Conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { parsed.Close() })
	return parsed, explain.Origins{Sets: in.Sets, Image: in.Image}
}

func TestExplain(t *testing.T) {
	parsed, from := renderedObjects(t)
	never := func(set string, entry int) string {
		return fmt.Sprintf("mirrorSourcePolicy NeverContactSource in ImageDigestMirrorSet %q in objects.yaml, spec.imageDigestMirrors[%d]", set, entry)
	}

	tests := []struct {
		name      string
		ref       string
		registry  string
		want      []string
		contacted bool
		pullable  bool
	}{{
		name:     "release by digest: mirror only",
		ref:      "quay.io/openshift-release-dev/ocp-release" + digest,
		registry: "quay.io/openshift-release-dev/ocp-release",
		want: []string{
			"registry.example.com:5000/ocp4/openshift4" + digest + " digest-only ImageDigestMirrorSet/release[0]",
			"quay.io/openshift-release-dev/ocp-release" + digest + " source blocked by quay.io/openshift-release-dev/ocp-release (" + never("release", 0) + ")",
		},
		pullable: true,
	}, {
		name:     "release by tag: the digest mirror is not used and the source is blocked",
		ref:      "quay.io/openshift-release-dev/ocp-release:4.16.0-x86_64",
		registry: "quay.io/openshift-release-dev/ocp-release",
		want: []string{
			"quay.io/openshift-release-dev/ocp-release:4.16.0-x86_64 source blocked by quay.io/openshift-release-dev/ocp-release (" + never("release", 0) + ")",
			"skipped registry.example.com:5000/ocp4/openshift4:4.16.0-x86_64 digest-only ImageDigestMirrorSet/release[0]",
		},
	}, {
		name:     "operator index by tag",
		ref:      "registry.redhat.io/redhat/redhat-operator-index:v4.16",
		registry: "registry.redhat.io/redhat/redhat-operator-index",
		want: []string{
			"registry.example.com:5000/redhat/redhat-operator-index:v4.16 tag-only ImageTagMirrorSet/tags[0]",
			"registry.redhat.io/redhat/redhat-operator-index:v4.16 source",
		},
		contacted: true, pullable: true,
	}, {
		name:     "operator index by digest: the tag mirror is not used",
		ref:      "registry.redhat.io/redhat/redhat-operator-index" + digest,
		registry: "registry.redhat.io/redhat/redhat-operator-index",
		want: []string{
			"registry.redhat.io/redhat/redhat-operator-index" + digest + " source",
			"skipped registry.example.com:5000/redhat/redhat-operator-index" + digest + " tag-only ImageTagMirrorSet/tags[0]",
		},
		contacted: true, pullable: true,
	}, {
		name:     "tag-pool NeverContactSource blocks digest pulls too",
		ref:      "quay.io/tagonly/app" + digest,
		registry: "quay.io/tagonly/app",
		want: []string{
			"quay.io/tagonly/app" + digest + " source blocked by quay.io/tagonly/app (mirrorSourcePolicy NeverContactSource in ImageTagMirrorSet \"tags\" in objects.yaml, spec.imageTagMirrors[1])",
			"skipped registry.example.com:5000/tagonly/app" + digest + " tag-only ImageTagMirrorSet/tags[1]",
		},
	}, {
		name:     "wildcard source: the host is replaced by the mirror",
		ref:      "foo.example.net/team/app" + digest,
		registry: "*.example.net",
		want: []string{
			"registry.example.com:5000/example-net/team/app" + digest + " digest-only ImageDigestMirrorSet/release[2]",
			"foo.example.net/team/app" + digest + " source",
		},
		contacted: true, pullable: true,
	}, {
		name:     "nested insecure scope: mirrors extended, source not blocked",
		ref:      "registry.redhat.io/rhel9/private/tool" + digest,
		registry: "registry.redhat.io/rhel9/private",
		want: []string{
			"registry.example.com:5000/rhel9/private/tool" + digest + " digest-only ImageDigestMirrorSet/release[1]+registry.example.com:5000/rhel9",
			"registry.redhat.io/rhel9/private/tool" + digest + " source insecure",
		},
		contacted: true, pullable: true,
	}, {
		name:     "mirrors of one source from two objects merge as a, b, c",
		ref:      "quay.io/team/app" + digest,
		registry: "quay.io/team/app",
		want: []string{
			"a.example.com/team/app" + digest + " digest-only ImageDigestMirrorSet/second[0]",
			"b.example.com/team/app" + digest + " digest-only ImageDigestMirrorSet/release[3] ImageDigestMirrorSet/second[0]",
			"c.example.com/team/app" + digest + " digest-only ImageDigestMirrorSet/release[3]",
			"quay.io/team/app" + digest + " source",
		},
		contacted: true, pullable: true,
	}, {
		name:     "a mirror inside a blocked source is blocked too",
		ref:      "quay.io/team/cached/img" + digest,
		registry: "quay.io/team/cached",
		want: []string{
			"mirror.example.com/cached/img" + digest + " digest-only ImageDigestMirrorSet/release[4]",
			"quay.io/team/cached/copy/img" + digest + " digest-only ImageDigestMirrorSet/release[4] blocked by quay.io/team/cached (" + never("release", 4) + ")",
			"quay.io/team/cached/img" + digest + " source blocked by quay.io/team/cached (" + never("release", 4) + ")",
		},
		pullable: true,
	}, {
		name:     "blockedRegistries of the Image",
		ref:      "docker.io/library/busybox",
		registry: "docker.io",
		want: []string{
			"docker.io/library/busybox:latest source blocked by docker.io (blockedRegistries \"docker.io\" in Image \"cluster\" in objects.yaml)",
		},
	}, {
		name:      "no [[registry]] entry",
		ref:       "ghcr.io/org/tool:v1",
		want:      []string{"ghcr.io/org/tool:v1 source"},
		contacted: true, pullable: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex, err := explain.Parsed(parsed, tc.ref, from)
			if err != nil {
				t.Fatal(err)
			}
			if ex.Registry != tc.registry {
				t.Errorf("registry %q, want %q", ex.Registry, tc.registry)
			}
			got := summary(ex)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if ex.SourceContacted() != tc.contacted {
				t.Errorf("SourceContacted() = %v, want %v", ex.SourceContacted(), tc.contacted)
			}
			if ex.Pullable() != tc.pullable {
				t.Errorf("Pullable() = %v, want %v", ex.Pullable(), tc.pullable)
			}
		})
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		ref, want string
		short     bool
	}{
		{ref: "quay.io/a/b", want: "quay.io/a/b:latest"},
		{ref: "quay.io/a/b:v1" + digest, want: "quay.io/a/b:v1" + digest},
		{ref: "docker.io/busybox", want: "docker.io/library/busybox:latest"},
		{ref: "busybox", short: true},
		{ref: "library/busybox:1", short: true},
		{ref: "Quay.io/A/B"},
	}
	for _, tc := range tests {
		got, err := explain.ParseRef(tc.ref)
		switch {
		case tc.short:
			if !errors.Is(err, explain.ErrShortName) {
				t.Errorf("ParseRef(%q) error %v, want a short-name error", tc.ref, err)
			}
		case tc.want == "":
			if err == nil {
				t.Errorf("ParseRef(%q) = %v, want an error", tc.ref, got)
			}
		case err != nil:
			t.Errorf("ParseRef(%q): %v", tc.ref, err)
		case got.String() != tc.want:
			t.Errorf("ParseRef(%q) = %s, want %s", tc.ref, got, tc.want)
		}
	}
}

// TestExplainBadConf shows that containers/image's own errors come back.
func TestExplainBadConf(t *testing.T) {
	conf := "[[registry]]\nlocation = \"quay.io/a\"\nblocked = true\n[[registry]]\nlocation = \"quay.io/a\"\n"
	_, err := explain.Explain([]byte(conf), "quay.io/a/b:1", explain.Origins{})
	if err == nil || !strings.Contains(err.Error(), "conflicting 'blocked' setting") {
		t.Fatalf("error %v, want containers/image's conflicting 'blocked' setting", err)
	}
}

// TestIndexedSameAnswers: the index of Origins.Indexed gives the
// explanations that the pass over every entry gives, origins and reasons
// included, for images under each source, nested scope, wildcard and
// block of objects, and under none.
func TestIndexedSameAnswers(t *testing.T) {
	t.Parallel()
	parsed, from := renderedObjects(t)
	indexed := from.Indexed()
	names := []string{"quay.io/openshift-release-dev/ocp-release", "registry.redhat.io/rhel9/app", "registry.redhat.io/rhel9/private/tool",
		"registry.redhat.io/rhel9/private/a/b", "foo.example.net/team/app", "quay.io/team/app", "quay.io/team/app/sub", "quay.io/team/cached/img",
		"quay.io/team/cached/copy/img", "registry.redhat.io/redhat/redhat-operator-index", "quay.io/tagonly/app", "docker.io/library/busybox", "ghcr.io/org/tool"}
	checked := 0
	for _, name := range names {
		for _, ref := range []string{name, name + ":v1", name + digest} {
			want, wantErr := explain.Parsed(parsed, ref, from)
			got, err := explain.Parsed(parsed, ref, indexed)
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(err, wantErr) {
				t.Errorf("%s: indexed:\n%v %v\nscanned:\n%v %v", ref, summaryOf(got), err, summaryOf(want), wantErr)
			}
			if want != nil && len(want.Locations) > 1 {
				checked++
			}
		}
	}
	if checked < 12 {
		t.Errorf("only %d references have mirrors", checked)
	}
}

func summaryOf(ex *explain.Explanation) string {
	if ex == nil {
		return "nil"
	}
	return strings.Join(summary(ex), "\n")
}
