package importconf

import (
	"fmt"
	"slices"
	"sort"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
)

// rule is what a node does with one [[registry]]: where its pulls by digest
// and by tag go, whether the registry itself is blocked or insecure.
type rule struct {
	blocked, insecure bool
	digest, tag       []string // mirror locations, in the order tried
	other             []string // mirrors used otherwise (all, insecure)
}

// Differences returns, per registry, where the pulls the two files describe
// differ, as the node would make them; nil when they agree. It looks at the
// [[registry]] entries only (the top-level settings are Decode's warnings).
func Differences(want, got []byte) ([]string, error) {
	w, err := rules(want)
	if err != nil {
		return nil, err
	}
	g, err := rules(got)
	if err != nil {
		return nil, err
	}
	scopes := map[string]bool{}
	for s := range w {
		scopes[s] = true
	}
	for s := range g {
		scopes[s] = true
	}
	names := make([]string, 0, len(scopes))
	for s := range scopes {
		names = append(names, s)
	}
	sort.Strings(names)
	var diffs []string
	for _, s := range names {
		a, b := w[s], g[s]
		if a == nil {
			a = &rule{}
		}
		if b == nil {
			b = &rule{}
		}
		if d := a.diff(b); d != "" {
			diffs = append(diffs, fmt.Sprintf("registry %q: %s", s, d))
		}
	}
	return diffs, nil
}

func (a *rule) diff(b *rule) string {
	switch {
	case a.blocked != b.blocked:
		return fmt.Sprintf("blocked is %v, would be %v", a.blocked, b.blocked)
	case a.insecure != b.insecure:
		return fmt.Sprintf("insecure is %v, would be %v", a.insecure, b.insecure)
	case !slices.Equal(a.digest, b.digest):
		return fmt.Sprintf("pulls by digest try %q, would try %q", a.digest, b.digest)
	case !slices.Equal(a.tag, b.tag):
		return fmt.Sprintf("pulls by tag try %q, would try %q", a.tag, b.tag)
	case !slices.Equal(a.other, b.other):
		return fmt.Sprintf("other mirrors %q, would be %q", a.other, b.other)
	}
	return ""
}

func rules(conf []byte) (map[string]*rule, error) {
	var raw sysregistriesv2.V2RegistriesConf
	if _, err := toml.Decode(string(conf), &raw); err != nil {
		return nil, err
	}
	out := map[string]*rule{}
	for i := range raw.Registries {
		r := &raw.Registries[i]
		scope := r.Prefix
		if scope == "" {
			scope = r.Location
		}
		ru := &rule{blocked: r.Blocked, insecure: r.Insecure}
		for j, m := range r.Mirrors {
			u := usage(r, j)
			switch {
			case m.Insecure:
				ru.other = append(ru.other, "insecure "+u+" "+m.Location)
			case u == pullDigestOnly:
				ru.digest = append(ru.digest, m.Location)
			case u == pullTagOnly:
				ru.tag = append(ru.tag, m.Location)
			default:
				ru.other = append(ru.other, u+" "+m.Location)
			}
		}
		if r.Prefix != "" && r.Location != "" && r.Prefix != r.Location {
			ru.other = append(ru.other, "location "+r.Location)
		}
		// A registry with nothing to say is the default the node has anyway.
		if !ru.blocked && !ru.insecure && len(r.Mirrors) == 0 && len(ru.other) == 0 {
			continue
		}
		out[scope] = ru
	}
	return out, nil
}
