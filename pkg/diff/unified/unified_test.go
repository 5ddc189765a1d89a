package unified

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// lcs is the length of a longest common subsequence, by the textbook table.
func lcs(a, b []string) int {
	t := make([][]int, len(a)+1)
	for i := range t {
		t[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	return t[0][0]
}

func randomLines(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = string(rune('a'+r.IntN(4))) + "\n"
	}
	return out
}

// TestLinesIsShortest checks on random texts that the script rebuilds both
// sides and keeps a longest common subsequence, which a shortest script does.
func TestLinesIsShortest(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a, b := randomLines(r, r.IntN(12)), randomLines(r, r.IntN(12))
		edits := Lines(a, b)
		var gotA, gotB []string
		equal := 0
		for _, e := range edits {
			if e.Op != Insert {
				gotA = append(gotA, e.Line)
			}
			if e.Op != Delete {
				gotB = append(gotB, e.Line)
			}
			if e.Op == Equal {
				equal++
			}
		}
		if strings.Join(gotA, "") != strings.Join(a, "") || strings.Join(gotB, "") != strings.Join(b, "") {
			t.Fatalf("script for %q -> %q does not rebuild them: %v", a, b, edits)
		}
		if want := lcs(a, b); equal != want {
			t.Fatalf("script for %q -> %q keeps %d lines, the longest common subsequence has %d", a, b, equal, want)
		}
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, a, b, want string
	}{
		{"equal", "x\n", "x\n", ""},
		{"from empty", "", "a\nb\n", "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n"},
		{"to empty", "a\n", "", "--- a\n+++ b\n@@ -1 +0,0 @@\n-a\n"},
		{"one line changed", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			"--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "one\n2\n3\n4\n5\n6\n7\n8\n9\nten\n",
			"--- a\n+++ b\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -7,4 +7,4 @@\n 7\n 8\n 9\n-10\n+ten\n"},
		{"gap of twice the context is one hunk", "1\n2\n3\n4\n5\n6\n7\n8\n", "one\n2\n3\n4\n5\n6\n7\neight\n",
			"--- a\n+++ b\n@@ -1,8 +1,8 @@\n-1\n+one\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+eight\n"},
		{"no newline", "a\nb", "a\nb\n", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Diff("a", "b", []byte(tc.a), []byte(tc.b), 3); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestDiffAppliesWithPatch gives random diffs to the real patch(1), which
// must turn a into b with them.
func TestDiffAppliesWithPatch(t *testing.T) {
	t.Parallel()
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Fatalf("patch(1) is needed: %v", err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	dir := t.TempDir()
	for i := range 100 {
		a := strings.Join(randomLines(r, r.IntN(40)), "")
		b := strings.Join(randomLines(r, r.IntN(40)), "")
		d := Diff("a", "b", []byte(a), []byte(b), r.IntN(4))
		if a == b {
			continue
		}
		file := filepath.Join(dir, "f")
		if err := os.WriteFile(file, []byte(a), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(patch, "--quiet", "--force", file)
		cmd.Stdin = strings.NewReader(d)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("case %d: patch: %v: %s\ndiff:\n%s", i, err, out, d)
		}
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != b {
			t.Fatalf("case %d: patch gave %q, want %q\ndiff:\n%s", i, got, b, d)
		}
	}
}

// TestLinesLarge diffs a registries.conf-like text of 5,000 tables with a
// line added to each: past maxD edits, the script is cut at the unique
// lines and still keeps every line of a, which the change only adds to.
func TestLinesLarge(t *testing.T) {
	t.Parallel()
	var a, b []string
	for i := range 5000 {
		block := []string{"[[registry]]\n", "  location = \"quay.io/team" + strconv.Itoa(i) + "\"\n", "\n"}
		a = append(a, block...)
		b = append(b, block[:2]...)
		b = append(b, "  blocked = true\n", "\n")
	}
	edits := Lines(a, b)
	var gotA, gotB []string
	equal := 0
	for _, e := range edits {
		if e.Op != Insert {
			gotA = append(gotA, e.Line)
		}
		if e.Op != Delete {
			gotB = append(gotB, e.Line)
		}
		if e.Op == Equal {
			equal++
		}
	}
	if strings.Join(gotA, "") != strings.Join(a, "") || strings.Join(gotB, "") != strings.Join(b, "") {
		t.Fatal("the script does not rebuild both texts")
	}
	if equal != len(a) {
		t.Errorf("kept %d lines of %d", equal, len(a))
	}
}
