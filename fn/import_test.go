package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportDestDirRendersTheSame imports the file the MCO wrote for the
// golden inputs into a folder, renders that folder with registries-conf and
// compares the two files: through the commands, the nodes get the same.
func TestImportDestDirRendersTheSame(t *testing.T) {
	t.Parallel()
	const conf = "testdata/subcommands/inputs/import/mco-rendered.conf"
	want, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	if code := run_([]string{"import", "--dest-dir", dest, "--name", "from-nodes", conf}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	files := readDir(t, dest)
	for _, name := range []string{"imagedigestmirrorset_from-nodes.yaml", "imagetagmirrorset_from-nodes.yaml"} {
		if files[name] == "" || !strings.Contains(stdout.String(), filepath.Join(dest, name)) {
			t.Errorf("%s not written or not printed: %v\n%s", name, files, stdout.String())
		}
	}
	stdout.Reset()
	stderr.Reset()
	if code := run_([]string{"registries-conf", dest}, &stdout, &stderr); code != 0 {
		t.Fatalf("registries-conf: exit %d: %s", code, stderr.String())
	}
	if stdout.String() != string(want) {
		t.Errorf("the imported objects render to\n%s\nthe file was\n%s", stdout.String(), want)
	}
}

// TestImportWritesNothingOnError shows that a run with an error anywhere
// writes nothing, and that two files with other rules are refused.
func TestImportWritesNothingOnError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"testdata/subcommands/inputs/import/mco-rendered.conf", "testdata/subcommands/inputs/import/lossy.conf"}, "lossy.conf: registry \"docker.io\""},
		{[]string{"testdata/subcommands/inputs/import/mco-rendered.conf", "testdata/subcommands/inputs/import/handwritten.conf"}, "handwritten.conf says other mirror rules than testdata/subcommands/inputs/import/mco-rendered.conf"},
		{[]string{"testdata/subcommands/inputs/block-quay.yaml"}, "no registries.conf found"},
	} {
		dest := filepath.Join(t.TempDir(), "out")
		var stdout, stderr bytes.Buffer
		code := run_(append([]string{"import", "--dest-dir", dest}, tc.args...), &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), tc.want) || stdout.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %q", tc.args, code, stdout.String(), stderr.String(), tc.want)
		}
		if _, err := os.Stat(dest); !os.IsNotExist(err) {
			t.Errorf("%v: the destination was created", tc.args)
		}
	}
}
