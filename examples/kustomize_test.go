package examples_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestKustomize builds examples/kustomize/{exec,container} as they are, with
// the flags their README gives, and checks that the output holds the IDMS:
// kustomize without --enable-exec leaves the ICSP alone and still exits 0.
func TestKustomize(t *testing.T) {
	t.Parallel()
	kustomize := bin(t, "kustomize")
	bin(t, "mirrorset")
	for _, tc := range []struct {
		name  string
		flags []string
	}{
		{"exec", []string{"--enable-alpha-plugins", "--enable-exec"}},
		{"container", []string{"--enable-alpha-plugins"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.name == "container" {
				requireImage(t)
				bin(t, "docker")
			}
			dir := filepath.Join(root, "examples", "kustomize", tc.name)
			r := mustRun(t, dir, "", nil, kustomize, append([]string{"build"}, append(tc.flags, ".")...)...)
			nodes := objects(t, r.stdout)
			wantReleaseIDMS(t, nodes, "release", "NeverContactSource")
			// kustomize shows no results, only the function's stderr.
			wantCatalogWarning(t, "kustomize's stderr", r.stderr)
			if find(nodes, "CatalogSource", "redhat-operators") == nil || find(nodes, "ImageDigestMirrorSet", "operators") == nil {
				t.Errorf("the output lacks the CatalogSource or the operators IDMS:\n%s", r.stdout)
			}
		})
	}
}

// TestKustomizeWithoutEnableExec pins down the trap the README warns about:
// without --enable-exec kustomize skips an exec function, says nothing, and
// exits 0 with the ICSP unchanged.
func TestKustomizeWithoutEnableExec(t *testing.T) {
	t.Parallel()
	kustomize := bin(t, "kustomize")
	dir := filepath.Join(root, "examples", "kustomize", "exec")
	r := mustRun(t, dir, "", nil, kustomize, "build", "--enable-alpha-plugins", ".")
	nodes := objects(t, r.stdout)
	if find(nodes, "ImageContentSourcePolicy", "release") == nil || find(nodes, "ImageDigestMirrorSet", "release") != nil {
		t.Errorf("kustomize %s ran the exec function without --enable-exec; the README says it does not:\n%s",
			"v5.8.2", r.stdout)
	}
}

// TestKustomizeFunctionError feeds a source the cluster refuses through both
// variants: kustomize must fail and show the function's own message.
func TestKustomizeFunctionError(t *testing.T) {
	t.Parallel()
	kustomize := bin(t, "kustomize")
	mirrorset := bin(t, "mirrorset")
	for _, tc := range []struct {
		name     string
		flags    []string
		function string
	}{
		{"exec", []string{"--enable-alpha-plugins", "--enable-exec"}, "exec:\n        path: " + mirrorset},
		{"container", []string{"--enable-alpha-plugins"}, "container:\n        image: " + image},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.name == "container" {
				requireImage(t)
			}
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "kustomization.yaml"), "resources:\n- icsp.yaml\ntransformers:\n- mirrorset.yaml\n")
			writeFile(t, filepath.Join(dir, "icsp.yaml"), brokenICSP)
			writeFile(t, filepath.Join(dir, "mirrorset.yaml"), `apiVersion: fn.kpt.dev/v1alpha1
kind: MirrorSetConfig
metadata:
  name: mirrorset
  annotations:
    config.kubernetes.io/function: |
      `+tc.function+"\n")
			r := run(t, dir, "", nil, kustomize, append([]string{"build"}, append(tc.flags, ".")...)...)
			if r.code == 0 {
				t.Fatalf("kustomize build succeeded on a tagged source:\n%s", r.stdout)
			}
			wantBrokenMessage(t, r.stderr)
			if strings.Contains(r.stdout, "kind:") {
				t.Errorf("kustomize printed manifests although the function failed:\n%s", r.stdout)
			}
		})
	}
}
