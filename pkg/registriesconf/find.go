package registriesconf

import (
	"strings"

	"github.com/containers/image/v5/pkg/sysregistriesv2"
)

// registryIndex finds the [[registry]] entry for a reference as
// containers/image's sysregistriesv2.FindRegistry does (v5.36,
// findRegistryWithParsedConfig), without its scan of every entry: it looks
// up only the prefixes that can match the reference, then checks each with
// the same rule, so its cost follows the reference's length, not the
// number of entries.
//
// The rules it follows (refMatchingPrefix, refMatchingSubdomainPrefix):
//   - a prefix "*.example.com" (a wildcard) matches when the first
//     occurrence of ".example.com" in the reference has no '/' before it
//     and is followed by the end, ':', '/' or '@';
//   - any other prefix matches the reference itself, or a reference that
//     starts with it followed by ':', '/' or '@';
//   - the longest prefix wins, counted in bytes with the "*"; of prefixes of
//     the same length, the first in the configuration's order; a prefix of
//     length 0 never wins.
type registryIndex struct {
	regs []sysregistriesv2.Registry
	// exact are the indexes of the prefixes that are not wildcards.
	exact map[string]int
	// wild are the indexes of the wildcards whose domain holds none of
	// ':', '/', '@', by the domain with its leading dot (".example.com").
	wild map[string]int
	// odd are the other wildcards, matched one by one: containers/image
	// refuses them when it loads the file (loadConfigFile), so that none
	// is expected; the index does not rely on it.
	odd []int
}

func newRegistryIndex(regs []sysregistriesv2.Registry) *registryIndex {
	x := &registryIndex{regs: regs, exact: map[string]int{}, wild: map[string]int{}}
	for i, r := range regs {
		p := r.Prefix
		switch {
		case p == "":
			// Matches with length 0, which never wins.
		case strings.HasPrefix(p, "*."):
			if strings.ContainsAny(p, ":/@") {
				x.odd = append(x.odd, i)
			} else if _, ok := x.wild[p[1:]]; !ok {
				x.wild[p[1:]] = i // the first of equal prefixes wins
			}
		default:
			if _, ok := x.exact[p]; !ok {
				x.exact[p] = i
			}
		}
	}
	return x
}

// find returns the registry for ref, a copy as FindRegistry returns, or
// nil when none matches.
func (x *registryIndex) find(ref string) *sysregistriesv2.Registry {
	best := x.at(ref)
	if best < 0 {
		return nil
	}
	r := x.regs[best]
	return &r
}

// at returns the position in regs of the registry for ref, -1 when none
// matches.
func (x *registryIndex) at(ref string) int {
	best := -1
	consider := func(i int) {
		p := x.regs[i].Prefix
		if matchingPrefix(ref, p) < 0 {
			return
		}
		if best < 0 || len(p) > len(x.regs[best].Prefix) || len(p) == len(x.regs[best].Prefix) && i < best {
			best = i
		}
	}
	// A prefix that is not a wildcard matches ref up to its end or up to a
	// ':', '/' or '@'.
	for k := 1; k <= len(ref); k++ {
		if k < len(ref) && !terminator(ref[k]) {
			continue
		}
		if i, ok := x.exact[ref[:k]]; ok {
			consider(i)
		}
	}
	// A wildcard's domain (without ':', '/', '@') ends where a run of
	// other bytes ends, before the first '/', and starts with a dot: try
	// each such tail of each run.
	slash := strings.IndexByte(ref, '/')
	if slash < 0 {
		slash = len(ref)
	}
	end := slash
	for j := slash - 1; j >= 0; j-- {
		switch ref[j] {
		case ':', '@':
			end = j
		case '.':
			if i, ok := x.wild[ref[j:end]]; ok {
				consider(i)
			}
		}
	}
	for _, i := range x.odd {
		consider(i)
	}
	return best
}

// Below returns where in ref the match of prefix ends, as
// containers/image's refMatchingPrefix finds it, and whether ref is what
// the prefix matches or lies below it: '/' follows the match, not a host's
// port. containers/image appends what follows the match to each location
// it pulls from (rewriteReference), so that below the match, which
// entries apply to those locations is the same for every name.
func Below(ref, prefix string) (end int, below bool) {
	end = matchingPrefix(ref, prefix)
	return end, end >= 0 && (end == len(ref) || ref[end] == '/')
}

func terminator(c byte) bool { return c == ':' || c == '/' || c == '@' }

// matchingPrefix is containers/image's refMatchingPrefix: the length of
// prefix when it matches ref, else -1.
func matchingPrefix(ref, prefix string) int {
	if strings.HasPrefix(prefix, "*.") {
		domain := prefix[1:]
		i := strings.Index(ref, domain) // the first occurrence only
		if i < 0 || strings.Contains(ref[:i], "/") {
			return -1
		}
		i += len(domain)
		if i == len(ref) || terminator(ref[i]) {
			return i
		}
		return -1
	}
	if !strings.HasPrefix(ref, prefix) {
		return -1
	}
	if len(ref) == len(prefix) || terminator(ref[len(prefix)]) {
		return len(prefix)
	}
	return -1
}
