package filewrite_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mirrorset/mirrorset/pkg/filewrite"
)

// New files in a destination folder, and an existing file rewritten in
// place, in one all-or-nothing write.
func ExampleAll() {
	dir, _ := os.MkdirTemp("", "filewrite-example-")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "install-config.yaml"), []byte("old\n"), 0o600)

	err := filewrite.All(map[string][]byte{
		filepath.Join(dir, "install-config.yaml"):                []byte("rewritten\n"),
		filepath.Join(dir, "out", "imagedigestmirrorset_a.yaml"): []byte("kind: ImageDigestMirrorSet\n"),
	}, 0o644)
	fmt.Println(err)
	b, _ := os.ReadFile(filepath.Join(dir, "install-config.yaml"))
	fi, _ := os.Stat(filepath.Join(dir, "install-config.yaml"))
	fmt.Printf("%s%v\n", b, fi.Mode()) // the existing file keeps its mode
	// Output:
	// <nil>
	// rewritten
	// -rw-------
}
