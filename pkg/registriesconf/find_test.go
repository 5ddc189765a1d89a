package registriesconf_test

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/pkg/sysregistriesv2"

	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

// confEntry is one [[registry]] of a test configuration.
type confEntry struct {
	Prefix   string `toml:"prefix,omitempty"`
	Location string `toml:"location,omitempty"`
	Blocked  bool   `toml:"blocked,omitempty"`
}

// confOf writes a registries.conf with one [[registry]] per prefix. An
// entry "=x" has no prefix and location x (the prefix defaults to it); the
// others have a location of their own.
func confOf(t testing.TB, prefixes []string) []byte {
	t.Helper()
	var entries []confEntry
	for i, p := range prefixes {
		e := confEntry{Prefix: p, Location: "mirror-" + strconv.Itoa(i) + ".example.net/m"}
		if loc, ok := strings.CutPrefix(p, "="); ok {
			e = confEntry{Location: loc}
		}
		// One blocked setting per location, which containers/image
		// requires of entries that share it.
		e.Blocked = len(e.Location)%2 == 0
		entries = append(entries, e)
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(struct {
		Registries []confEntry `toml:"registry"`
	}{entries}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sameAsContainersImage checks that Parsed.FindRegistry gives, for every
// ref, what containers/image's FindRegistry gives on the same file, and
// that RegistryAt gives the same entry, at its position in Registries.
func sameAsContainersImage(t *testing.T, p *registriesconf.Parsed, conf []byte, refs []string) {
	t.Helper()
	regs, err := p.Registries()
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range refs {
		want, wantErr := sysregistriesv2.FindRegistry(p.SystemContext(), ref)
		got, err := p.FindRegistry(ref)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(err, wantErr) {
			t.Errorf("FindRegistry(%q) = %s, %v; containers/image: %s, %v\nconf:\n%s", ref, prefixOf(got), err, prefixOf(want), wantErr, conf)
		}
		i, at, ok := p.RegistryAt(ref)
		switch {
		case !ok:
			t.Errorf("RegistryAt(%q): no index", ref)
		case (at == nil) != (i < 0) || at != nil && (i >= len(regs) || at != &regs[i]):
			t.Errorf("RegistryAt(%q) = %d, %s: not the entry at that position of %d", ref, i, prefixOf(at), len(regs))
		case !reflect.DeepEqual(at, want):
			t.Errorf("RegistryAt(%q) = %s; containers/image: %s\nconf:\n%s", ref, prefixOf(at), prefixOf(want), conf)
		}
	}
}

func prefixOf(r *sysregistriesv2.Registry) string {
	if r == nil {
		return "nil"
	}
	return strconv.Quote(r.Prefix) + " at " + strconv.Quote(r.Location)
}

func TestFindRegistrySameAsContainersImage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		prefixes []string
		refs     []string
	}{{
		name:     "nested prefixes, longest wins",
		prefixes: []string{"quay.io", "quay.io/ns", "quay.io/ns/repo", "quay.io/nsx"},
		refs: []string{"quay.io", "quay.io/ns", "quay.io/ns/repo", "quay.io/ns/repo:v1", "quay.io/ns/repo@sha256:" + strings.Repeat("a", 64),
			"quay.io/ns/repox", "quay.io/nsx/a", "quay.io/n", "quay.io:5000/ns/repo", "quay.iox/ns", "quay.io@x", "quay.io/ns/repo/sub/deeper:tag"},
	}, {
		name:     "ports",
		prefixes: []string{"example.com", "example.com:5000", "example.com:5000/ns", "=localhost:5000"},
		refs: []string{"example.com:5000/ns/r", "example.com:5000/other", "example.com:5001/ns", "example.com/ns", "example.com:5000",
			"localhost:5000/a:b", "localhost/a", "localhost:50000/a"},
	}, {
		name:     "wildcards",
		prefixes: []string{"*.example.com", "*.a.example.com", "b.a.example.com", "*.io"},
		refs: []string{"x.example.com/r", "x.a.example.com/r", "b.a.example.com/r", "b.a.example.com", "example.com/r", "xexample.com/r",
			"x.example.com:5000/r", "x.example.com@sha256:1", "a.example.com.example.com/r", "x.example.comx/r", "r/x.example.com",
			"quay.io/x", ".example.com", "x.io.example.com/y", "a:b.example.com/c", "a@b.a.example.com/c"},
	}, {
		// "*.b.com" and "a.b.com" have the same length: the first in
		// containers/image's order (sorted) wins.
		name:     "a wildcard and a host of the same length",
		prefixes: []string{"a.b.com", "*.b.com"},
		refs:     []string{"a.b.com/r", "a.b.com", "c.b.com/r", "a.b.com:1/r"},
	}, {
		name:     "odd prefixes",
		prefixes: []string{"*.", "*", "a:b", "a@b/c", "=noslash"},
		refs:     []string{"", "*", "*/x", "a:b", "a:b/c", "a@b/c:d", "x.y/z", "noslash", "noslash:1", ".", "a.", "a./b", "a.b.c"},
	}, {
		name:     "bad references",
		prefixes: []string{"quay.io", "*.quay.io"},
		refs:     []string{"", "/", ":", "@", "quay.io//", "QUAY.IO/x", "quay.io:/x", "a.quay.io::", "quay.io/UPPER", " quay.io/x", "quay.io/x y"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf := confOf(t, tt.prefixes)
			p, err := registriesconf.Parse(conf)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			// Each prefix, and the refs the rules treat differently after it.
			refs := append([]string(nil), tt.refs...)
			for _, pr := range tt.prefixes {
				pr = strings.TrimPrefix(strings.TrimPrefix(pr, "="), "*")
				refs = append(refs, pr, "a"+pr, pr+"/r", pr+":5000/r", pr+"@d", pr+"x/r", "x"+pr+"/r")
			}
			sameAsContainersImage(t, p, conf, refs)
		})
	}
}

// TestFindRegistryGenerated compares the two on configurations made of
// random prefixes: hosts with and without ports, nested paths, wildcards,
// prefixes that default to their location, and references built from the
// same pieces with tags, digests and noise.
func TestFindRegistryGenerated(t *testing.T) {
	t.Parallel()
	hosts := []string{"example.com", "a.example.com", "b.a.example.com", "example.com:5000", "a.example.com:5000",
		"localhost", "localhost:5000", "quay.io", "x.quay.io", "registry.redhat.io", "io"}
	paths := []string{"", "/ns", "/ns/repo", "/ns/repo/sub", "/nsx", "/ns/r-1"}
	wilds := []string{"*.example.com", "*.a.example.com", "*.quay.io", "*.io", "*.com", "*."}
	rng := rand.New(rand.NewPCG(14, 2026))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	for round := range 200 {
		var prefixes []string
		for range 1 + rng.IntN(12) {
			switch rng.IntN(4) {
			case 0:
				prefixes = append(prefixes, pick(wilds))
			case 1:
				prefixes = append(prefixes, "="+pick(hosts)+pick(paths))
			default:
				prefixes = append(prefixes, pick(hosts)+pick(paths))
			}
		}
		conf := confOf(t, prefixes)
		p, err := registriesconf.Parse(conf)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var refs []string
		for range 100 {
			ref := pick(hosts) + pick(paths) + pick([]string{"", "/app", "/app/x"})
			switch rng.IntN(5) {
			case 0:
				ref += ":v" + strconv.Itoa(rng.IntN(10))
			case 1:
				ref += "@sha256:" + strings.Repeat(strconv.Itoa(rng.IntN(10)), 64)
			case 2:
				ref = pick([]string{"w.", "", "x", "."}) + ref
			case 3:
				i := rng.IntN(len(ref) + 1)
				ref = ref[:i] + pick([]string{":", "/", "@", ".", "example.com", ""}) + ref[i:]
			}
			refs = append(refs, ref)
		}
		sameAsContainersImage(t, p, conf, refs)
		p.Close()
		if t.Failed() {
			return
		}
	}
}

// FuzzFindRegistry compares the two on a configuration of up to 8
// prefixes, one a line, and a reference.
func FuzzFindRegistry(f *testing.F) {
	f.Add("quay.io\nquay.io/ns\n*.quay.io", "a.quay.io/ns/r:v1")
	f.Add("*.example.com\na.example.com\n=example.com:5000/ns", "example.com:5000/ns/r@sha256:00")
	f.Add("*.b.com\na.b.com", "a.b.com/r")
	f.Add("*.x:1\n*.x/y\na@b", "a.x:1.x/y")
	f.Fuzz(func(t *testing.T, lines, ref string) {
		prefixes := strings.Split(lines, "\n")
		if len(prefixes) > 8 {
			prefixes = prefixes[:8]
		}
		conf := confOf(t, prefixes)
		p, err := registriesconf.Parse(conf)
		if err != nil {
			return // a configuration containers/image refuses
		}
		defer p.Close()
		refs := []string{ref}
		for _, pr := range prefixes {
			refs = append(refs, ref+pr, pr+ref)
		}
		sameAsContainersImage(t, p, conf, refs)
	})
}
