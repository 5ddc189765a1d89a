package examples_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// kptPackage is the example package: a Kptfile whose pipeline runs the image.
var kptPackage = filepath.Join(root, "examples", "kpt", "package")

// TestKptRender renders a copy of the example package with the image and, its
// Kptfile pointed at bin/mirrorset, as an exec function. The ICSP file must be
// rewritten in place into an IDMS; every other file stays byte for byte.
func TestKptRender(t *testing.T) {
	t.Parallel()
	kpt := bin(t, "kpt")
	mirrorset := bin(t, "mirrorset")
	for _, tc := range []struct {
		name  string
		flags []string
	}{
		{"image", nil},
		{"exec", []string{"--allow-exec"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := copyDir(t, kptPackage)
			if tc.name == "image" {
				requireImage(t)
			} else {
				// kpt resolves an exec path against its working folder, not
				// the Kptfile's: only an absolute path is safe.
				before := readFiles(t, dir)["Kptfile"]
				after := strings.Replace(before, "- image: "+image, "- exec: "+mirrorset, 1)
				if after == before {
					t.Fatalf("the example Kptfile does not run %s:\n%s", image, before)
				}
				writeFile(t, filepath.Join(dir, "Kptfile"), after)
			}
			before := readFiles(t, dir)
			results := t.TempDir()
			r := mustRun(t, t.TempDir(), "", nil, kpt, append([]string{"fn", "render", dir, "--results-dir", results}, tc.flags...)...)
			after := readFiles(t, dir)

			for name, content := range before {
				if name == "icsp-release.yaml" || name == "operators.yaml" {
					continue
				}
				if after[name] != content {
					t.Errorf("%s changed:\n--- before\n%s--- after\n%s", name, content, after[name])
				}
			}
			if len(after) != len(before) {
				t.Errorf("render changed the set of files: %d before, %d after", len(before), len(after))
			}
			converted := after["icsp-release.yaml"]
			wantReleaseIDMS(t, objects(t, converted), "release", "NeverContactSource")
			if !strings.HasPrefix(converted, "# Mirrors for the OpenShift release payload.\n") {
				t.Errorf("the file's leading comment was lost:\n%s", converted)
			}
			if strings.Contains(converted, "config.kubernetes.io/") {
				t.Errorf("kpt's bookkeeping annotations leaked into the file:\n%s", converted)
			}
			if !strings.Contains(r.stderr, "Successfully executed 1 function(s)") {
				t.Errorf("kpt did not report the function's run:\n%s", r.stderr)
			}
			if find(objects(t, after["operators.yaml"]), "ImageDigestMirrorSet", "operators") == nil {
				t.Errorf("operators.yaml was not converted:\n%s", after["operators.yaml"])
			}
			// The image check's warning, in kpt's output and in the results.
			wantCatalogWarning(t, "kpt's output", r.stderr)
			wantCatalogWarning(t, "the results", readFiles(t, results)["results.yaml"])
		})
	}
}

// TestKptRenderExecNeedsAllowExec: kpt refuses an exec pipeline step unless
// --allow-exec is given, and says so.
func TestKptRenderExecNeedsAllowExec(t *testing.T) {
	t.Parallel()
	kpt := bin(t, "kpt")
	dir := copyDir(t, kptPackage)
	kptfile := readFiles(t, dir)["Kptfile"]
	writeFile(t, filepath.Join(dir, "Kptfile"), strings.Replace(kptfile, "- image: "+image, "- exec: "+bin(t, "mirrorset"), 1))
	before := readFiles(t, dir)
	r := run(t, t.TempDir(), "", nil, kpt, "fn", "render", dir)
	if r.code == 0 || !strings.Contains(r.stderr, "--allow-exec") {
		t.Errorf("kpt fn render of an exec step without --allow-exec: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if after := readFiles(t, dir); after["icsp-release.yaml"] != before["icsp-release.yaml"] {
		t.Errorf("the refused render changed icsp-release.yaml")
	}
}

// TestKptEval runs the function imperatively, configured by `-- key=value`
// arguments, which kpt hands over as a ConfigMap.
func TestKptEval(t *testing.T) {
	t.Parallel()
	kpt := bin(t, "kpt")
	mirrorset := bin(t, "mirrorset")
	for _, tc := range []struct {
		name string
		fn   []string
	}{
		{"image", []string{"--image", image}},
		{"exec", []string{"--exec", mirrorset}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.name == "image" {
				requireImage(t)
			}
			dir := copyDir(t, kptPackage)
			before := readFiles(t, dir)
			args := append(append([]string{"fn", "eval", dir}, tc.fn...), "--", "defaultMirrorSourcePolicy=AllowContactingSource")
			mustRun(t, t.TempDir(), "", nil, kpt, args...)
			after := readFiles(t, dir)
			wantReleaseIDMS(t, objects(t, after["icsp-release.yaml"]), "release", "AllowContactingSource")
			for _, name := range []string{"Kptfile", "mirrorset-config.yaml", "image-config.yaml"} {
				if after[name] != before[name] {
					t.Errorf("%s changed:\n--- before\n%s--- after\n%s", name, before[name], after[name])
				}
			}
		})
	}
}

// TestKptEvalNewObjects: tagMirrors makes an ImageTagMirrorSet beside each
// IDMS, keepICSP keeps the ICSP beside it. Each new object needs a place of its
// own in the package: kpt refuses two objects with the same path and index.
func TestKptEvalNewObjects(t *testing.T) {
	t.Parallel()
	kpt := bin(t, "kpt")
	mirrorset := bin(t, "mirrorset")
	for _, tc := range []struct {
		arg, kind, field string
	}{
		{"tagMirrors=true", "ImageTagMirrorSet", "imageTagMirrors"},
		{"keepICSP=true", "ImageContentSourcePolicy", "repositoryDigestMirrors"},
	} {
		t.Run(tc.arg, func(t *testing.T) {
			t.Parallel()
			dir := copyDir(t, kptPackage)
			mustRun(t, t.TempDir(), "", nil, kpt, "fn", "eval", dir, "--exec", mirrorset, "--", tc.arg)
			var all []string
			for _, content := range readFiles(t, dir) {
				all = append(all, content)
			}
			nodes := objects(t, strings.Join(all, "\n---\n"))
			idms := find(nodes, "ImageDigestMirrorSet", "release")
			if idms == nil {
				t.Fatalf("no ImageDigestMirrorSet in the package")
			}
			if got := entries(t, idms, "imageDigestMirrors"); len(got) != 2 {
				t.Errorf("IDMS entries = %+v, want 2", got)
			}
			other := find(nodes, tc.kind, "release")
			if other == nil {
				t.Fatalf("no %s in the package", tc.kind)
			}
			if got := entries(t, other, tc.field); len(got) != 2 || got[0].Source != releaseSource || got[1].Source != artSource {
				t.Errorf("%s entries = %+v", tc.kind, got)
			}
		})
	}
}

// TestKptEvalFunctionError: kpt fails and shows the function's message.
func TestKptEvalFunctionError(t *testing.T) {
	t.Parallel()
	kpt := bin(t, "kpt")
	for _, tc := range []struct {
		name string
		fn   []string
	}{
		{"image", []string{"--image", image}},
		{"exec", []string{"--exec", bin(t, "mirrorset")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.name == "image" {
				requireImage(t)
			}
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "icsp.yaml"), brokenICSP)
			r := run(t, t.TempDir(), "", nil, kpt, append(append([]string{"fn", "eval", dir}, tc.fn...), "--truncate-output=false")...)
			if r.code == 0 {
				t.Fatalf("kpt fn eval succeeded on a tagged source")
			}
			wantBrokenMessage(t, r.stderr)
			if after := readFiles(t, dir)["icsp.yaml"]; after != brokenICSP {
				t.Errorf("the failed eval changed icsp.yaml:\n%s", after)
			}
		})
	}
}
