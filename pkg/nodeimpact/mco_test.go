package nodeimpact

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mcoTables are the MCO's pkg/daemon/drain_test.go TestIsDrainRequired
// tables (their registries.conf contents and expected drain), copied as
// data from three branches, and the versions whose rules they hold.
var mcoTables = []struct {
	file     string
	versions []string
}{
	{"drain_test-release-4.12.txt", []string{"4.12", "4.11"}},
	{"drain_test-release-4.13.txt", []string{"4.13", "4.16"}},
	{"drain_test-main.txt", []string{"", "4.17", "4.16"}},
}

// readSections splits a file of "-- name --" sections.
func readSections(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	name := ""
	for line := range strings.Lines(string(data)) {
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(line, " --\n") {
			name = strings.TrimSuffix(strings.TrimPrefix(line, "-- "), " --\n")
			continue
		}
		if name != "" {
			out[name] += line
		}
	}
	return out
}

// TestMCODrainTables runs the MCO's own cases through Compare: a change
// drains exactly when the MCO's isDrainRequired says so.
func TestMCODrainTables(t *testing.T) {
	t.Parallel()
	for _, table := range mcoTables {
		sections := readSections(t, filepath.Join("testdata", "mco", table.file))
		cases := strings.Split(strings.TrimSpace(sections["cases"]), "\n")
		if len(cases) < 10 {
			t.Fatalf("%s: %d cases, want the whole table", table.file, len(cases))
		}
		for _, version := range table.versions {
			for i, line := range cases {
				f := strings.SplitN(line, " | ", 5)
				actions, oldName, newName, want, comment := f[0], f[1], f[2], f[3], f[4]
				if actions != "ReloadCrio" && actions != "None" {
					// The case gives isDrainRequired a reboot with the same
					// files: it tests the action, not the files.
					continue
				}
				base := Files{RegistriesConf: []byte(sections[oldName+".toml"])}
				head := Files{RegistriesConf: []byte(sections[newName+".toml"])}
				imp, err := Compare(base, head, Options{Version: version})
				if err != nil {
					t.Errorf("%s case %d (version %q): %v", table.file, i, version, err)
					continue
				}
				if got := map[bool]string{true: "drain", false: "no-drain"}[imp.Action >= Drain]; got != want {
					t.Errorf("%s case %d (version %q, %s → %s, %s): got %s (%v), want %s",
						table.file, i, version, oldName, newName, comment, got, imp.Reasons, want)
				}
			}
		}
	}
}
