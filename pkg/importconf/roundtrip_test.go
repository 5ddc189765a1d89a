package importconf_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mirrorset/mirrorset/pkg/importconf"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/result"
)

var (
	sources = []string{"quay.io/a", "quay.io/a/b", "registry.example.com", "reg.io:5000/x/y", "*.example.org", "docker.io"}
	mirrors = []string{"m1.example.com/a", "m2.example.com:5000/b", "m3.example.com/c", "m4.example.com", "cache.example.net/x/y"}
)

// genSets makes mirror objects the MCO accepts: one policy per source
// across the objects, no mirror equal to its source, no duplicates.
func genSets(r *rand.Rand) []mirror.Set {
	policy := map[string]mirror.Policy{}
	for _, s := range sources {
		policy[s] = []mirror.Policy{"", mirror.NeverContactSource, mirror.AllowContactingSource}[r.IntN(3)]
	}
	var sets []mirror.Set
	for i, n := 0, 1+r.IntN(3); i < n; i++ {
		kind := mirror.IDMS
		if r.IntN(3) == 0 {
			kind = mirror.ITMS
		}
		s := mirror.Set{Kind: kind, Name: string(rune('a' + i)), Item: i}
		for j, m := 0, 1+r.IntN(4); j < m; j++ {
			src := sources[r.IntN(len(sources))]
			perm := r.Perm(len(mirrors))[:1+r.IntN(3)]
			var ms []string
			for _, p := range perm {
				ms = append(ms, mirrors[p])
			}
			s.Entries = append(s.Entries, mirror.Entry{Source: src, Mirrors: ms, Policy: policy[src]})
		}
		sets = append(sets, s)
	}
	return sets
}

// TestImportRendersTheSame renders generated mirror objects, imports the
// file, renders the imported objects and compares the two files byte for
// byte: the nodes would get the same registries.conf.
func TestImportRendersTheSame(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(12, 1))
	checked := 0
	for i := 0; i < 300; i++ {
		sets := genSets(r)
		first, err := registriesconf.Render(sets, registriesconf.Options{})
		if err != nil {
			continue // the MCO refuses these; there is no file to import
		}
		c, err := importconf.Decode(first.Conf, "gen.conf")
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, first.Conf)
		}
		if len(c.Results) > 0 && fromConflictingOrders(c.Results) {
			// Mirror lists in conflicting orders can make the MCO list a
			// source among its own mirrors, which no object can say when
			// the source is a wildcard or blocked: import refuses.
			continue
		}
		if len(c.Results) > 0 {
			t.Fatalf("case %d: findings on a file the MCO wrote: %v\n%s", i, messages(c.Results), first.Conf)
		}
		again, err := registriesconf.Render(c.Sets("imported"), registriesconf.Options{})
		if err != nil {
			t.Fatalf("case %d: the imported objects do not render: %v", i, err)
		}
		if string(again.Conf) != string(first.Conf) {
			t.Fatalf("case %d: renders differently\n--- from %v\n%s--- imported %v\n%s", i, sets, first.Conf, c.Sets("imported"), again.Conf)
		}
		if d, err := importconf.Differences(first.Conf, again.Conf); err != nil || len(d) > 0 {
			t.Fatalf("case %d: Differences says %v, %v on equal files", i, d, err)
		}
		checked++
	}
	t.Logf("%d cases compared byte for byte", checked)
	if checked < 200 {
		t.Fatalf("only %d of 300 generated cases rendered", checked)
	}
}

func fromConflictingOrders(rs result.Results) bool {
	for _, r := range rs {
		if !strings.Contains(r.Message, "conflicting orders") {
			return false
		}
	}
	return true
}

func messages(rs result.Results) []string {
	var m []string
	for _, r := range rs {
		m = append(m, r.Message)
	}
	return m
}
