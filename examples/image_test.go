package examples_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

// resourceList is the smallest input: one ICSP and a ConfigMap functionConfig.
func resourceList(icsp, config string) string {
	indent := func(s string) string {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		for i, l := range lines {
			if i == 0 {
				lines[i] = "- " + l
			} else {
				lines[i] = "  " + l
			}
		}
		return strings.Join(lines, "\n") + "\n"
	}
	return "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + indent(icsp) + config
}

const releaseICSP = `apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: release
spec:
  repositoryDigestMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - registry.example.com:5000/ocp/release
  - source: quay.io/openshift-release-dev/ocp-v4.0-art-dev
    mirrors:
    - registry.example.com:5000/ocp/release
`

const neverConfigMap = `functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: mirrorset
  data:
    defaultMirrorSourcePolicy: NeverContactSource
`

// TestImage runs the image the way a locked-down CI or kpt does: no network,
// read-only root, an unprivileged user, the ResourceList on stdin.
func TestImage(t *testing.T) {
	t.Parallel()
	requireImage(t)
	args := []string{"run", "--rm", "-i", "--network", "none", "--read-only", "--user", "65534",
		"--security-opt=no-new-privileges", image}

	t.Run("converts", func(t *testing.T) {
		t.Parallel()
		r := mustRun(t, root, resourceList(releaseICSP, neverConfigMap), nil, "podman", args...)
		wantReleaseIDMS(t, objects(t, r.stdout), "release", "NeverContactSource")
	})
	t.Run("refuses a tagged source", func(t *testing.T) {
		t.Parallel()
		r := run(t, root, resourceList(brokenICSP, ""), nil, "podman", args...)
		if r.code != 1 {
			t.Errorf("exit code %d, want 1", r.code)
		}
		wantBrokenMessage(t, r.stderr)
	})
	t.Run("runs as kpt runs it", func(t *testing.T) {
		t.Parallel()
		// kpt and kustomize pass --user nobody: the name must resolve in the image.
		r := mustRun(t, root, resourceList(releaseICSP, ""), nil, "podman",
			"run", "--rm", "-i", "--network", "none", "--user", "nobody", image)
		wantReleaseIDMS(t, objects(t, r.stdout), "release", "")
	})
	t.Run("spools a large list", func(t *testing.T) {
		t.Parallel()
		// 3,000 items, 2.4 MiB: past the first MiB the items' bytes go
		// to a spool in the image's /tmp when the root is writable, as
		// kpt and kustomize run the image; --read-only puts a tmpfs there,
		// where none is made. The output is the host binary's either way.
		var in strings.Builder
		if err := gen.ResourceList(&in, gen.Default(3000)); err != nil {
			t.Fatal(err)
		}
		want := mustRun(t, root, in.String(), nil, bin(t, "mirrorset")).stdout
		for _, c := range []struct {
			name  string
			flags []string
			spool bool
		}{
			{"as kpt runs it", []string{"--user", "nobody"}, true},
			{"read-only", []string{"--read-only", "--user", "65534"}, false},
		} {
			args := append([]string{"run", "--rm", "-i", "--network", "none", "--security-opt=no-new-privileges", "-e", "MIRRORSET_DEBUG=1"}, c.flags...)
			r := mustRun(t, root, in.String(), nil, "podman", append(args, image)...)
			if r.stdout != want {
				t.Errorf("%s: the output differs from the host binary's", c.name)
			}
			if got := strings.Contains(r.stderr, "MiB spool"); got != c.spool {
				t.Errorf("%s: spool %v, want %v; stderr:\n%s", c.name, got, c.spool, r.stderr)
			}
		}
	})
	t.Run("metadata", func(t *testing.T) {
		t.Parallel()
		r := mustRun(t, root, "", nil, "podman", "image", "inspect", image)
		var inspect []struct {
			Architecture string
			Config       struct {
				User       string
				Entrypoint []string
				Labels     map[string]string
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &inspect); err != nil || len(inspect) != 1 {
			t.Fatalf("podman image inspect: %v\n%s", err, r.stdout)
		}
		c := inspect[0].Config
		if c.User != "65534:65534" {
			t.Errorf("user %q, want 65534:65534", c.User)
		}
		if strings.Join(c.Entrypoint, " ") != "/mirrorset" {
			t.Errorf("entrypoint %q, want [/mirrorset]", c.Entrypoint)
		}
		if inspect[0].Architecture != hostArch {
			t.Errorf("architecture %q, want %q", inspect[0].Architecture, hostArch)
		}
		for _, l := range []string{"org.opencontainers.image.source", "org.opencontainers.image.version", "org.opencontainers.image.description"} {
			if c.Labels[l] == "" {
				t.Errorf("label %s is not set", l)
			}
		}
	})
}
