// Package importconf turns a registries.conf back into the mirror entries
// that say the same to the Machine Config Operator (MCO): digest-only
// mirrors become ImageDigestMirrorSet entries, tag-only mirrors
// ImageTagMirrorSet entries, and a blocked registry with mirrors the
// NeverContactSource policy. What the objects cannot say is reported, never
// dropped: as an error when the nodes would pull differently without it, as
// a warning when it is a setting outside the mirror rules that the cluster
// keeps elsewhere. The file is read as CRI-O reads it: BurntSushi/toml into
// containers/image's sysregistriesv2 types, then containers/image's own
// loader for its checks.
package importconf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
	"github.com/containers/image/v5/types"

	"github.com/mirrorset/mirrorset/pkg/check"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// TemplateSearchRegistries is the unqualified-search-registries of the MCO's
// base template, which is what every node keeps whatever the objects say.
var TemplateSearchRegistries = []string{"registry.access.redhat.com", "docker.io"}

// Conf is a registries.conf turned into mirror entries.
type Conf struct {
	// Digest and Tag are the entries, one per source, in the file's order.
	Digest, Tag []mirror.Entry
	// Results are the findings; an error means the entries do not say what
	// the file says.
	Results result.Results
	// Refused is containers/image's loader's error: CRI-O would not load
	// the file (it is among Results too).
	Refused error
}

// Sets returns the objects that carry c's entries, named name: an
// ImageDigestMirrorSet and an ImageTagMirrorSet, each only when it has
// entries.
func (c *Conf) Sets(name string) []mirror.Set {
	var sets []mirror.Set
	if len(c.Digest) > 0 {
		sets = append(sets, mirror.Set{Kind: mirror.IDMS, Name: name, Entries: c.Digest})
	}
	if len(c.Tag) > 0 {
		sets = append(sets, mirror.Set{Kind: mirror.ITMS, Name: name, Entries: c.Tag, Item: 1})
	}
	return sets
}

// Pull-from-mirror values (containers-registries.conf(5)).
const (
	pullAll        = "all"
	pullDigestOnly = "digest-only"
	pullTagOnly    = "tag-only"
)

// Decode reads conf (from the file named file, for messages) and returns its
// entries and findings. A file that CRI-O would not load is an error that
// says why, with the line for a TOML syntax error.
func Decode(conf []byte, file string) (*Conf, error) {
	var raw sysregistriesv2.V2RegistriesConf
	md, err := toml.Decode(string(conf), &raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: line %d: %s", file, errorLine(conf, pe), pe.Message)
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	c := &Conf{}
	c.topLevel(&raw, md, file)
	// containers/image's loader refuses a v1 table beside v2 entries with a
	// dump of the whole file; topLevel has said so in fewer words.
	if !result.Failed(c.Results) {
		if err := load(conf); err != nil {
			c.Refused = err
			c.add(result.Error, file, "%v", err)
		}
	}
	for i := range raw.Registries {
		c.registry(&raw.Registries[i], file)
	}
	return c, nil
}

// errorLine is the line of a TOML syntax error: the line of the byte it
// points at, so that an error found at a line's end names that line, not
// the next.
func errorLine(conf []byte, pe toml.ParseError) int {
	if start := pe.Position.Start; start > 0 && start <= len(conf) {
		return 1 + strings.Count(string(conf[:start]), "\n")
	}
	return pe.Position.Line
}

func (c *Conf) add(sev result.Severity, file, format string, args ...any) {
	c.Results = append(c.Results, &result.Result{Severity: sev, Message: file + ": " + fmt.Sprintf(format, args...)})
}

// topLevel reports the settings outside [[registry]]: the MCO writes its
// template's, so the nodes lose them unless they come from elsewhere.
func (c *Conf) topLevel(raw *sysregistriesv2.V2RegistriesConf, md toml.MetaData, file string) {
	var said []string
	for _, k := range md.Undecoded() {
		// A table's keys come after it: name the table only.
		if slices.ContainsFunc(said, func(p string) bool { return strings.HasPrefix(k.String(), p+".") }) {
			continue
		}
		said = append(said, k.String())
		if len(k) > 0 && k[0] == "registries" {
			// The v1 format's [registries.search], .insecure and .block.
			c.add(result.Error, file, "%s: the v1 format's tables are not mirror rules and the MCO writes the v2 format; move them to [[registry]] entries or the Image config", k)
			continue
		}
		c.add(result.Warning, file, "%s: not a registries.conf setting; containers/image ignores it", k)
	}
	if raw.UnqualifiedSearchRegistries != nil && !slices.Equal(raw.UnqualifiedSearchRegistries, TemplateSearchRegistries) {
		c.add(result.Warning, file, "unqualified-search-registries %q: the MCO writes %q from its template; set spec.registrySources.containerRuntimeSearchRegistries in the Image config (a drop-in file) to keep yours", raw.UnqualifiedSearchRegistries, TemplateSearchRegistries)
	}
	if raw.ShortNameMode != "" {
		c.add(result.Warning, file, "short-name-mode %q: mirror objects cannot set it; keep it in a drop-in under /etc/containers/registries.conf.d", raw.ShortNameMode)
	}
	if len(raw.CredentialHelpers) > 0 {
		c.add(result.Warning, file, "credential-helpers %q: mirror objects cannot set credentials; the nodes use the cluster's pull secret", raw.CredentialHelpers)
	}
	if raw.AdditionalLayerStoreAuthHelper != "" {
		c.add(result.Warning, file, "additional-layer-store-auth-helper %q: mirror objects cannot set it", raw.AdditionalLayerStoreAuthHelper)
	}
	if len(raw.Aliases) > 0 {
		names := make([]string, 0, len(raw.Aliases))
		for n := range raw.Aliases {
			names = append(names, n)
		}
		sort.Strings(names)
		c.add(result.Warning, file, "[aliases] %s: mirror objects cannot define short-name aliases; keep them in a drop-in under /etc/containers/registries.conf.d", strings.Join(names, ", "))
	}
}

// registry turns one [[registry]] into entries.
func (c *Conf) registry(r *sysregistriesv2.Registry, file string) {
	source := r.Prefix
	if source == "" {
		source = r.Location
	}
	where := fmt.Sprintf("registry %q", source)
	failed := false
	fail := func(format string, args ...any) {
		failed = true
		c.add(result.Error, file, where+": "+format, args...)
	}
	if r.Prefix != "" && r.Location != "" && r.Prefix != r.Location {
		fail("location %q differs from the prefix: pulls of the prefix go to another place, and a mirror object's source is both", r.Location)
	}
	if !check.ValidSource(source) {
		fail("not a valid source for a mirror object (host[:port][/path] or *.domain, lower-case path)")
	}
	if r.Insecure {
		fail("insecure = true: mirror objects cannot say it; list the registry in the Image config's spec.registrySources.insecureRegistries")
	}
	if r.Blocked && len(r.Mirrors) == 0 {
		fail("blocked = true without mirrors: mirror objects cannot say it; list the registry in the Image config's spec.registrySources.blockedRegistries")
	}
	var digest, tag []string
	for j, m := range r.Mirrors {
		mw := fmt.Sprintf("mirror %q", m.Location)
		switch {
		case check.IsWildcard(m.Location) && m.Location == source:
			fail("%s: the wildcard source among its own mirrors: no object can say it (the MCO writes this from mirror lists in conflicting orders)", mw)
		case !check.ValidMirror(m.Location):
			fail("%s: not a valid mirror for a mirror object (host[:port][/path], lower-case path)", mw)
		case m.Location == source && r.Blocked:
			fail("%s: a blocked registry among its own mirrors: the MCO refuses NeverContactSource when the source is one of the mirrors (it writes this from mirror lists in conflicting orders)", mw)
		}
		if m.Insecure {
			fail("%s: insecure = true: mirror objects cannot say it; list the mirror in the Image config's spec.registrySources.insecureRegistries", mw)
		}
		switch usage(r, j) {
		case pullDigestOnly:
			digest = append(digest, m.Location)
		case pullTagOnly:
			tag = append(tag, m.Location)
		default:
			fail("%s: used for every pull (pull-from-mirror = \"all\", or unset without mirror-by-digest-only = true): mirror objects say digest-only (ImageDigestMirrorSet) or tag-only (ImageTagMirrorSet); mark it with one, or list it in both", mw)
		}
	}
	if !r.Blocked && !r.Insecure && len(r.Mirrors) == 0 && !failed {
		c.add(result.Warning, file, "%s: no mirrors and no setting: nothing to import", where)
	}
	if failed {
		return
	}
	var policy mirror.Policy
	if r.Blocked {
		policy = mirror.NeverContactSource
	}
	if len(digest) > 0 {
		c.Digest = append(c.Digest, mirror.Entry{Source: source, Mirrors: digest, Policy: policy})
	}
	if len(tag) > 0 {
		c.Tag = append(c.Tag, mirror.Entry{Source: source, Mirrors: tag, Policy: policy})
	}
}

// usage is how mirror j of r is used, as containers/image decides: its own
// pull-from-mirror, else digest-only when the registry says
// mirror-by-digest-only, else every pull.
func usage(r *sysregistriesv2.Registry, j int) string {
	if p := r.Mirrors[j].PullFromMirror; p != "" {
		return p
	}
	if r.MirrorByDigestOnly {
		return pullDigestOnly
	}
	return pullAll
}

// load runs containers/image's loader on conf, as CRI-O does, for the
// checks the TOML decoder does not make (for example mirror-by-digest-only
// beside pull-from-mirror, or a bad location). It reads files only, so conf
// goes into a private folder first.
func load(conf []byte) error {
	dir, err := os.MkdirTemp("", "mirrorset-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "registries.conf")
	if err := os.WriteFile(path, conf, 0o600); err != nil {
		return err
	}
	sys := &types.SystemContext{SystemRegistriesConfPath: path, SystemRegistriesConfDirPath: filepath.Join(dir, "d")}
	defer sysregistriesv2.InvalidateCache()
	if _, err := sysregistriesv2.TryUpdatingCache(sys); err != nil {
		// The private folder's name changes on every run: keep it out of
		// the message, which must be the same for the same input.
		msg := strings.ReplaceAll(err.Error(), "loading registries configuration "+strconv.Quote(path)+": ", "")
		return fmt.Errorf("containers/image refuses it: %s", strings.ReplaceAll(msg, path, "registries.conf"))
	}
	return nil
}
