package nodeimpact

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
)

// mcoIsSafe is the MCO's isSafeContainerRegistryConfChanges written out
// as it reads, early returns and all (pkg/daemon/drain.go: main for
// pullFromMirror, release-4.12 otherwise), as the oracle for Compare, which
// lists every change instead of stopping at the first. Only the parsed
// files are given; the MCO parses them with the same TOML decoder.
func mcoIsSafe(o, n sysregistriesv2.V2RegistriesConf, pullFromMirror bool) bool {
	if len(o.UnqualifiedSearchRegistries) > len(n.UnqualifiedSearchRegistries) {
		return false
	}
	for i, r := range o.UnqualifiedSearchRegistries {
		if n.UnqualifiedSearchRegistries[i] != r {
			return false
		}
	}
	scope := func(r sysregistriesv2.Registry) string {
		if r.Prefix != "" {
			return r.Prefix
		}
		return r.Location
	}
	om, nm := map[string]sysregistriesv2.Registry{}, map[string]sysregistriesv2.Registry{}
	for _, r := range o.Registries {
		om[scope(r)] = r
	}
	for _, r := range n.Registries {
		nm[scope(r)] = r
	}
	for s := range om {
		if _, ok := nm[s]; !ok {
			return false
		}
	}
	search := func(loc string, ms []sysregistriesv2.Endpoint) (bool, sysregistriesv2.Endpoint) {
		for _, m := range ms {
			if m.Location == loc {
				return true, m
			}
		}
		return false, sysregistriesv2.Endpoint{}
	}
	for s, nr := range nm {
		or, ok := om[s]
		if !ok {
			if pullFromMirror {
				if len(nr.Mirrors) == 0 {
					if !nr.MirrorByDigestOnly {
						return false
					}
					continue
				}
				for _, m := range nr.Mirrors {
					if m.PullFromMirror != sysregistriesv2.MirrorByDigestOnly {
						return false
					}
				}
			} else if !nr.MirrorByDigestOnly {
				return false
			}
			continue
		}
		if reflect.DeepEqual(or, nr) {
			continue
		}
		if or.Prefix != nr.Prefix || or.Location != nr.Location || or.Blocked != nr.Blocked || or.Insecure != nr.Insecure {
			return false
		}
		if pullFromMirror {
			for _, m := range or.Mirrors {
				if found, _ := search(m.Location, nr.Mirrors); !found {
					return false
				}
			}
			for _, m := range nr.Mirrors {
				if found, om := search(m.Location, or.Mirrors); found {
					if m.PullFromMirror != om.PullFromMirror && m.PullFromMirror != sysregistriesv2.MirrorByDigestOnly {
						return false
					}
				}
				if found, _ := search(m.Location, or.Mirrors); !found {
					if m.PullFromMirror != sysregistriesv2.MirrorByDigestOnly && !nr.MirrorByDigestOnly {
						return false
					}
				}
			}
			continue
		}
		if or.MirrorByDigestOnly != nr.MirrorByDigestOnly {
			return false
		}
		for _, m := range or.Mirrors {
			if found, _ := search(m.Location, nr.Mirrors); !found {
				return false
			}
		}
		for _, m := range nr.Mirrors {
			if found, _ := search(m.Location, or.Mirrors); !found && !nr.MirrorByDigestOnly {
				return false
			}
		}
	}
	return true
}

// confFromBytes builds a small registries.conf from fuzz bytes: few
// scopes, mirrors and values, so that the two sides share most of them.
func confFromBytes(b []byte) sysregistriesv2.V2RegistriesConf {
	var c sysregistriesv2.V2RegistriesConf
	next := func() byte {
		if len(b) == 0 {
			return 0
		}
		x := b[0]
		b = b[1:]
		return x
	}
	locs := []string{"a.io", "b.io", "c.io/x", "d.io"}
	pulls := []string{"", sysregistriesv2.MirrorByDigestOnly, sysregistriesv2.MirrorByTagOnly, sysregistriesv2.MirrorAll}
	for i := range int(next() % 4) {
		c.UnqualifiedSearchRegistries = append(c.UnqualifiedSearchRegistries, locs[(int(next())+i)%len(locs)])
	}
	for range int(next() % 4) {
		flags := next()
		r := sysregistriesv2.Registry{Endpoint: sysregistriesv2.Endpoint{Location: locs[int(next())%len(locs)]}}
		if flags&1 != 0 {
			r.Prefix = r.Location
			if flags&2 != 0 {
				r.Location = "elsewhere.io"
			}
		}
		r.Blocked = flags&4 != 0
		r.Insecure = flags&8 != 0
		r.MirrorByDigestOnly = flags&16 != 0
		for range int(next() % 4) {
			m := next()
			r.Mirrors = append(r.Mirrors, sysregistriesv2.Endpoint{
				Location:       []string{"m1", "m2", "m3"}[int(m)%3],
				PullFromMirror: pulls[int(m/3)%4],
				Insecure:       m&64 != 0,
			})
		}
		c.Registries = append(c.Registries, r)
	}
	return c
}

func encodeConf(t *testing.T, c sysregistriesv2.V2RegistriesConf) []byte {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// FuzzCompareAgreesWithMCO: for any two registries.conf, Compare drains
// exactly when the MCO's function (mcoIsSafe) says the change is unsafe,
// for the rules before and from 4.13, with the legacy actions and with the
// default node disruption policies; identical files are no rollout; the
// impact's action is its reasons' greatest.
func FuzzCompareAgreesWithMCO(f *testing.F) {
	f.Add([]byte{1, 0, 1, 0, 2, 0}, []byte{1, 0, 1, 0, 3, 0, 4})
	f.Add([]byte{2, 1, 2, 1, 16, 2, 3, 5, 9}, []byte{2, 1, 2, 1, 16, 2, 2, 9, 5})
	f.Add([]byte{0, 2, 1, 1, 1, 7}, []byte{0, 2, 5, 1, 2, 7, 8})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		base, head := confFromBytes(a), confFromBytes(b)
		bf, hf := Files{RegistriesConf: encodeConf(t, base)}, Files{RegistriesConf: encodeConf(t, head)}
		// Decoded again, as the MCO reads the files.
		var ob, nb sysregistriesv2.V2RegistriesConf
		if _, err := toml.Decode(string(bf[RegistriesConf]), &ob); err != nil {
			t.Fatal(err)
		}
		if _, err := toml.Decode(string(hf[RegistriesConf]), &nb); err != nil {
			t.Fatal(err)
		}
		for _, version := range []string{"4.12", "4.16", ""} {
			r, _ := rulesFor(version)
			imp, err := Compare(bf, hf, Options{Version: version})
			if err != nil {
				t.Fatal(err)
			}
			var most Action
			for _, reason := range imp.Reasons {
				most = max(most, reason.Action)
			}
			if most != imp.Action {
				t.Fatalf("action %v, reasons' greatest %v", imp.Action, most)
			}
			if bytes.Equal(bf[RegistriesConf], hf[RegistriesConf]) {
				if imp.Action != None {
					t.Fatalf("identical files: %v", imp.Reasons)
				}
				continue
			}
			if imp.Action == None {
				t.Fatal("files differ: no rollout")
			}
			safe := mcoIsSafe(ob, nb, r.pullFromMirror)
			if !r.pullFromMirror {
				// Compare reads today's files as the MCO before 4.13 wrote
				// them: a registry whose mirrors are all digest-only is
				// mirror-by-digest-only.
				safe = mcoIsSafe(as412(ob), as412(nb), false)
			}
			if (imp.Action == Drain) == safe {
				t.Fatalf("version %q: Compare %v, the MCO's isSafe %v\n--- base\n%s--- head\n%s--- reasons\n%v",
					version, imp.Action, safe, bf[RegistriesConf], hf[RegistriesConf], imp.Reasons)
			}
		}
	})
}

// as412 sets mirror-by-digest-only where Compare's rules before 4.13 read
// it (see digestOnly).
func as412(c sysregistriesv2.V2RegistriesConf) sysregistriesv2.V2RegistriesConf {
	out := c
	out.Registries = make([]sysregistriesv2.Registry, len(c.Registries))
	for i, r := range c.Registries {
		r.MirrorByDigestOnly = digestOnly(r)
		out.Registries[i] = r
	}
	return out
}
