package check

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// apiPatterns reads the source and mirror patterns from the CRDs that the
// openshift/api module ships, which is what the API server enforces, so that
// a drift of the copies in this package is caught.
func apiPatterns(tb testing.TB) (source, mirror *regexp.Regexp) {
	tb.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/openshift/api").Output()
	if err != nil {
		tb.Fatalf("locating the openshift/api module: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	var src, mir string
	for _, crd := range []struct{ file, field string }{
		{"0000_10_config-operator_01_imagedigestmirrorsets.crd.yaml", "imageDigestMirrors"},
		{"0000_10_config-operator_01_imagetagmirrorsets.crd.yaml", "imageTagMirrors"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, "config", "v1", "zz_generated.crd-manifests", crd.file))
		if err != nil {
			tb.Fatal(err)
		}
		n, err := yaml.Parse(string(data))
		if err != nil {
			tb.Fatalf("%s: %v", crd.file, err)
		}
		entry := []string{"spec", "versions", "[name=v1]", "schema", "openAPIV3Schema", "properties", "spec", "properties", crd.field, "items", "properties"}
		s := patternAt(tb, n, append(entry, "source", "pattern")...)
		m := patternAt(tb, n, append(entry, "mirrors", "items", "pattern")...)
		if src != "" && (s != src || m != mir) {
			tb.Fatalf("%s: the patterns differ from the ImageDigestMirrorSet's", crd.file)
		}
		src, mir = s, m
	}
	return regexp.MustCompile(src), regexp.MustCompile(mir)
}

func patternAt(tb testing.TB, n *yaml.RNode, path ...string) string {
	tb.Helper()
	v, err := n.Pipe(yaml.Lookup(path...))
	if err != nil || v == nil {
		tb.Fatalf("no pattern at %s: %v", strings.Join(path, "."), err)
	}
	return yaml.GetValue(v)
}

// diagnosisFacts maps each specific diagnosis to what must hold of a value
// that gets it: a diagnosis must never claim what is not there.
var diagnosisFacts = []struct {
	says string
	true func(s string) bool
}{
	{"it is empty", func(s string) bool { return s == "" }},
	{"white space", func(s string) bool { return strings.IndexFunc(s, unicode.IsSpace) >= 0 }},
	{"it has a scheme", func(s string) bool { return strings.Contains(s, "://") }},
	{"it has a digest", func(s string) bool { return strings.Contains(s, "@") }},
	{"IPv6", func(s string) bool { return strings.HasPrefix(s, "[") }},
	{"it ends with /", func(s string) bool { return strings.HasSuffix(s, "/") }},
	{"empty path component", func(s string) bool { return strings.Contains(s, "//") }},
	{"it has a tag", func(s string) bool {
		_, path, ok := strings.Cut(s, "/")
		return ok && strings.Contains(path[strings.LastIndex(path, "/")+1:], ":")
	}},
	{"host name contains _", func(s string) bool { host, _, _ := strings.Cut(s, "/"); return strings.Contains(host, "_") }},
	{"upper-case", func(s string) bool { _, path, _ := strings.Cut(s, "/"); return strings.ToLower(path) != path }},
	{"more than one port separator", func(s string) bool { host, _, _ := strings.Cut(s, "/"); return strings.Count(host, ":") > 1 }},
	{"a wildcard needs a domain", func(s string) bool { return s == "*" || s == "*." }},
	{"a wildcard must be a whole leading label", func(s string) bool { return strings.HasPrefix(s, "*") && !strings.HasPrefix(s, "*.") }},
	{"no path after it", func(s string) bool { return strings.HasPrefix(s, "*.") && strings.Contains(s, "/") }},
	{"no port after it", func(s string) bool { return strings.HasPrefix(s, "*.") && strings.Contains(s, ":") }},
	{"a mirror cannot be a wildcard", func(s string) bool { return strings.HasPrefix(s, "*") }},
	{"it does not match the API's pattern", func(string) bool { return true }},
}

// FuzzChecks: ValidSource and ValidMirror agree with the API's patterns; a
// diagnosis is given exactly when the pattern rejects, and says only what is
// true of the value; Entries reports an error for a field exactly then.
func FuzzChecks(f *testing.F) {
	apiSource, apiMirror := apiPatterns(f)
	if apiMirror.String() != mirrorPattern || apiSource.String() != wildcardPattern+"|"+mirrorPattern {
		f.Fatal("the API's patterns changed: update mirrorPattern and wildcardPattern, and pattern.go, which matches them by hand")
	}
	for _, s := range []string{
		"quay.io", "quay.io/a", "registry.example.com:5000/ns/repo", "localhost/a__b/c-d/e.f", "Registry.Example.com/lower",
		"*.example.com", "quay.io/a:latest", "quay.io/a@sha256:0123", "quay.io/Acme/app", "quay.io/a/", "*", "*.",
		"*.x/ns", "*.example.com:5000", "*x.io", "[::1]:5000/a", "", "https://quay.io/a", "my_registry.io/a",
		"quay.io/a b", " quay.io", "-bad.io/a", "a:1:2/b", "quay.io//a", "quay.io/a--b", "quay.io/a.-b", "1.2.3.4:5/x",
		"a-.b", "a-", "a--", "a.b-/c", "a:/b", "a:", "a/b__c", "a/b___c", "a/b_-c", "a/b..c", "a/b.", "a/-b", "*.a-", "*.a.",
		"*.a-b.c", "*..a", "A-1.b2-C:0/x_y.z--w/0", "a/b/", "a.b.c.", ".a", "a..b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidSource(s), apiSource.MatchString(s); got != want {
			t.Fatalf("ValidSource(%q) = %v, the API's pattern says %v", s, got, want)
		}
		if got, want := ValidMirror(s), apiMirror.MatchString(s); got != want {
			t.Fatalf("ValidMirror(%q) = %v, the API's pattern says %v", s, got, want)
		}
		for _, d := range []struct {
			what  string
			why   string
			valid bool
		}{
			{"source", invalidSource(s), ValidSource(s)},
			{"mirror", invalidMirror(s), ValidMirror(s)},
		} {
			if (d.why == "") != d.valid {
				t.Fatalf("%s %q: diagnosis %q, but valid = %v", d.what, s, d.why, d.valid)
			}
			if d.why == "" {
				continue
			}
			known := false
			for _, fact := range diagnosisFacts {
				if strings.Contains(d.why, fact.says) {
					known = true
					if !fact.true(s) {
						t.Fatalf("%s %q: the diagnosis %q is not true of it", d.what, s, d.why)
					}
				}
			}
			if !known {
				t.Fatalf("%s %q: diagnosis %q is not in the table of diagnoses", d.what, s, d.why)
			}
		}

		set := &mirror.Set{Kind: mirror.IDMS, Name: "x", Entries: []mirror.Entry{{Source: s, Mirrors: []string{s}}}}
		var sourceErr, mirrorErr bool
		for _, r := range Entries(set) {
			if r.Severity != result.Error || r.Field == nil {
				continue
			}
			switch r.Field.Path {
			case "spec.imageDigestMirrors[0].source":
				sourceErr = true
			case "spec.imageDigestMirrors[0].mirrors[0]":
				mirrorErr = true
			}
		}
		if sourceErr == ValidSource(s) || mirrorErr == ValidMirror(s) {
			t.Fatalf("Entries on %q: source error %v, mirror error %v; valid source %v, valid mirror %v", s, sourceErr, mirrorErr, ValidSource(s), ValidMirror(s))
		}
	})
}
