package main

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateMigrate = flag.Bool("update-migrate", false, "rewrite fn/testdata/migrate/*/expected (read every diff)")

// TestMigrateGolden runs migrate on each testdata/migrate case (input.yaml,
// args) and compares the folder it writes with expected/, twice, to show
// that the file names and contents are the same on every run.
func TestMigrateGolden(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/migrate/*")
	if len(dirs) == 0 {
		t.Fatal("no cases")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			args, err := os.ReadFile(filepath.Join(dir, "args"))
			if err != nil {
				t.Fatal(err)
			}
			var first map[string]string
			for run := 0; run < 2; run++ {
				dest := t.TempDir()
				var stdout, stderr bytes.Buffer
				argv := append([]string{"migrate", "--dest-dir", dest}, strings.Fields(string(args))...)
				argv = append(argv, filepath.Join(dir, "input.yaml"))
				if code := run_(argv, &stdout, &stderr); code != 0 {
					t.Fatalf("exit %d: %s", code, stderr.String())
				}
				got := readDir(t, dest)
				if run == 0 {
					first = got
					continue
				}
				if !equalMaps(first, got) {
					t.Fatalf("second run wrote something else:\n%v\n%v", first, got)
				}
			}
			want := filepath.Join(dir, "expected")
			if *updateMigrate {
				os.RemoveAll(want)
				os.MkdirAll(want, 0o755)
				for name, content := range first {
					os.WriteFile(filepath.Join(want, name), []byte(content), 0o644)
				}
				return
			}
			if exp := readDir(t, want); !equalMaps(first, exp) {
				t.Errorf("written files differ:\n--- got\n%v\n--- want\n%v", first, exp)
			}
		})
	}
}

func TestMigrateListsEveryErrorAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(`apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: bad
spec:
  repositoryDigestMirrors:
  - source: quay.io/a:latest
    mirrors: [m.example.com/a]
  - source: quay.io/b
    mirrors: [M.example.com/B]
`), 0o644)
	dest := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	code := run_([]string{"migrate", "--dest-dir", dest, bad, filepath.Join(dir, "missing.yaml")}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{
		`ImageContentSourcePolicy "bad" in ` + bad + `: spec.repositoryDigestMirrors[0].source: "quay.io/a:latest" is not a valid source`,
		`spec.repositoryDigestMirrors[1].mirrors[0]: "M.example.com/B" is not a valid mirror: the path has upper-case letters`,
		"missing.yaml: no such file or directory",
		"3 errors; nothing written",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Errorf("the destination was created: %v", err)
	}
}

func TestMigrateNeedsDestDir(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run_([]string{"migrate", "x.yaml"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "--dest-dir is required") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

func run_(args []string, stdout, stderr *bytes.Buffer) int {
	return run(args, strings.NewReader(""), stdout, stderr)
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestMigrateFullDisk runs migrate into a 64 KiB tmpfs that fills part way
// through the files (what a user hit: 3 files written whole, one empty):
// exit 1, and the destination exactly as it was. It needs root and a kernel
// that lets it mount; elsewhere it is skipped (pkg/filewrite's tests inject
// the same failure without a mount).
func TestMigrateFullDisk(t *testing.T) {
	t.Parallel()
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v: %s", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	dest := filepath.Join(mnt, "out")
	os.Mkdir(dest, 0o755)
	old := []byte("kind: ImageDigestMirrorSet # from an earlier run\n")
	if err := os.WriteFile(filepath.Join(dest, "imagedigestmirrorset_icsp-03.yaml"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	// 12 ICSPs, each about 9 KiB once converted: about 5 fit.
	var in strings.Builder
	for i := range 12 {
		fmt.Fprintf(&in, "---\napiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata:\n  name: icsp-%02d\nspec:\n  repositoryDigestMirrors:\n", i)
		for j := range 100 {
			fmt.Fprintf(&in, "  - source: quay.io/team-%02d/repository-%03d\n    mirrors: [mirror.example.com/team-%02d/repository-%03d]\n", i, j, i, j)
		}
	}
	input := filepath.Join(t.TempDir(), "icsp.yaml")
	if err := os.WriteFile(input, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run_([]string{"migrate", "--dest-dir", dest, input}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "no space left on device") || !strings.Contains(stderr.String(), "nothing written") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	if stdout.Len() > 0 {
		t.Errorf("stdout lists files although none was written:\n%s", stdout.String())
	}
	got := readDir(t, dest)
	if len(got) != 1 || got["imagedigestmirrorset_icsp-03.yaml"] != string(old) {
		t.Errorf("the destination changed: %d files: %v", len(got), slices.Sorted(maps.Keys(got)))
	}
	if entries, _ := os.ReadDir(mnt); len(entries) != 1 {
		t.Errorf("%s holds %d entries, want only out/", mnt, len(entries))
	}
}

// TestMigrateInstallConfigInPlace rewrites a copy of the golden case's
// install-config where it is, compares it with the case's expected file,
// and runs again to show that the output is left as it is.
func TestMigrateInstallConfigInPlace(t *testing.T) {
	t.Parallel()
	in, err := os.ReadFile("testdata/migrate/install-config/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/migrate/install-config/expected/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "install-config.yaml")
	if err := os.WriteFile(path, in, 0o600); err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 2; run++ {
		var stdout, stderr bytes.Buffer
		if code := run_([]string{"migrate", "--in-place", "--default-mirror-source-policy", "NeverContactSource", path}, &stdout, &stderr); code != 0 {
			t.Fatalf("run %d: exit %d: %s", run, code, stderr.String())
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("run %d wrote:\n%s\nwant:\n%s", run, got, want)
		}
		if wrote := stdout.String(); (run == 0) != (wrote == path+"\n") {
			t.Errorf("run %d printed %q", run, wrote)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want the file's own 0600", st.Mode().Perm())
		}
	}
}

// TestMigrateInstallConfigAllOrNothing shows that an install-config is not
// rewritten when anything else in the run fails.
func TestMigrateInstallConfigAllOrNothing(t *testing.T) {
	t.Parallel()
	in, err := os.ReadFile("testdata/migrate/install-config/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ic := filepath.Join(dir, "install-config.yaml")
	icsp := filepath.Join(dir, "icsp.yaml")
	os.WriteFile(ic, in, 0o644)
	os.WriteFile(icsp, []byte("apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata:\n  name: x\nspec:\n  repositoryDigestMirrors:\n  - source: quay.io/a\n    mirrors: [m.example.com/a]\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "--in-place", ic, icsp}, "--dest-dir is required for the new objects"},
		{[]string{"migrate", "--in-place", ic, filepath.Join(dir, "missing.yaml")}, "missing.yaml: no such file or directory"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run_(tc.args, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, stderr.String())
		}
		if got, _ := os.ReadFile(ic); string(got) != string(in) {
			t.Errorf("%v: the install-config was rewritten", tc.args)
		}
	}
}
