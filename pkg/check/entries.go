package check

import (
	"fmt"
	"strings"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/result"
)

const (
	sourceForm = "a source is host[:port][/path] or *.domain, with a lower-case path and no tag or digest"
	mirrorForm = "a mirror is host[:port][/path], with a lower-case path and no tag or digest"
)

// Result builds a result about field of set. Its message names the object,
// its file and the field, so that it reads well on stderr too, where
// kustomize and Argo CD show nothing else.
func Result(sev result.Severity, s *mirror.Set, field, msg string) *result.Result {
	r := &result.Result{
		Severity:    sev,
		Message:     s.Ref() + ": " + fieldPrefix(field) + msg,
		ResourceRef: &result.ResourceRef{APIVersion: s.Kind.APIVersion(), Kind: string(s.Kind), Name: s.Name},
	}
	if field != "" {
		r.Field = &result.Field{Path: field}
	}
	if s.File != "" {
		r.File = &result.File{Path: s.File, Index: s.FileIndex}
	}
	return r
}

func fieldPrefix(field string) string {
	if field == "" {
		return ""
	}
	return field + ": "
}

// Entries checks each entry of s on its own: the patterns, the policy
// value, and what the node would ignore or refuse.
func Entries(s *mirror.Set) result.Results {
	var rs result.Results
	for i, e := range s.Entries {
		// The entry's path, made only for a result: most entries have none.
		var entryField string
		field := func() string {
			if entryField == "" {
				entryField = s.EntryField(i)
			}
			return entryField
		}
		if why := invalidSource(e.Source); why != "" {
			rs = append(rs, Result(result.Error, s, field()+".source", fmt.Sprintf("%q is not a valid source: %s; %s", e.Source, why, sourceForm)))
		}
		for j, m := range e.Mirrors {
			if why := invalidMirror(m); why != "" {
				rs = append(rs, Result(result.Error, s, fmt.Sprintf("%s.mirrors[%d]", field(), j), fmt.Sprintf("%q is not a valid mirror: %s; %s", m, why, mirrorForm)))
			}
		}
		switch e.Policy {
		case "", mirror.NeverContactSource, mirror.AllowContactingSource:
		default:
			msg := fmt.Sprintf("%q is not a mirrorSourcePolicy; use NeverContactSource or AllowContactingSource", e.Policy)
			if fix := policySpelling(string(e.Policy)); fix != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", fix)
			}
			rs = append(rs, Result(result.Error, s, field()+".mirrorSourcePolicy", msg))
		}
		if e.Policy == mirror.NeverContactSource && contains(e.Mirrors, e.Source) {
			rs = append(rs, Result(result.Error, s, field(), fmt.Sprintf("cannot set mirrorSourcePolicy: NeverContactSource if the source %q is one of the mirrors; remove it from mirrors", e.Source)))
		}
		if !e.HasRealMirror() {
			rs = append(rs, Result(result.Warning, s, field(), fmt.Sprintf("source %q has no mirror other than itself: the node ignores this entry%s; list a mirror other than the source, or remove the entry", e.Source, policyToo(e))))
		}
		if contains(e.Mirrors, e.Source) && e.HasRealMirror() && e.Policy != mirror.NeverContactSource {
			msg := fmt.Sprintf("the source %q is listed as its own last mirror: the node tries it last anyway; consolidate removes it", e.Source)
			if e.Mirrors[len(e.Mirrors)-1] != e.Source {
				msg = fmt.Sprintf("the source %q is listed as one of its own mirrors: the node contacts the source there, before the mirrors after it", e.Source)
			}
			rs = append(rs, Result(result.Warning, s, field()+".mirrors", msg))
		}
		if d := duplicates(e.Mirrors); len(d) > 0 {
			msg := "the API rejects duplicates in ImageDigestMirrorSet and ImageTagMirrorSet; consolidate removes them"
			if s.Kind == mirror.ICSP {
				msg = "ImageDigestMirrorSet and ImageTagMirrorSet reject duplicates; consolidate removes them"
			}
			rs = append(rs, Result(result.Warning, s, field()+".mirrors", fmt.Sprintf("duplicate mirrors %s: %s", quoteAll(d), msg)))
		}
	}
	return rs
}

func policyToo(e mirror.Entry) string {
	if e.Policy == "" {
		return ""
	}
	return ", and its mirrorSourcePolicy with it"
}

// policySpelling returns the policy value s means when only its case is off.
func policySpelling(s string) string {
	for _, p := range []mirror.Policy{mirror.NeverContactSource, mirror.AllowContactingSource} {
		if strings.EqualFold(s, string(p)) {
			return string(p)
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func duplicates(list []string) []string {
	seen := make(map[string]int, len(list))
	var d []string
	for _, x := range list {
		seen[x]++
		if seen[x] == 2 {
			d = append(d, x)
		}
	}
	return d
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// invalidSource says why s is not a valid source, or "" if it is one.
func invalidSource(s string) string {
	if ValidSource(s) {
		return ""
	}
	if strings.HasPrefix(s, "*") {
		switch {
		case s == "*" || s == "*.":
			return "a wildcard needs a domain after it, as *.example.com"
		case !strings.HasPrefix(s, "*."):
			return "a wildcard must be a whole leading label, as *.example.com"
		case strings.Contains(s, "/"):
			return "a wildcard source matches hosts only: no path after it"
		case strings.Contains(s, ":"):
			return "a wildcard source matches hosts only: no port after it"
		}
	}
	return invalidReference(s)
}

// invalidMirror says why s is not a valid mirror, or "" if it is one.
func invalidMirror(s string) string {
	if ValidMirror(s) {
		return ""
	}
	if strings.HasPrefix(s, "*") {
		return "a mirror cannot be a wildcard"
	}
	return invalidReference(s)
}

func invalidReference(s string) string {
	host, path, _ := strings.Cut(s, "/")
	last := s[strings.LastIndex(s, "/")+1:]
	switch {
	case s == "":
		return "it is empty"
	case strings.TrimSpace(s) != s || strings.ContainsAny(s, " \t\r\n"):
		return "it contains white space"
	case strings.Contains(s, "://"):
		return "it has a scheme; leave out the http(s)://"
	case strings.Contains(s, "@"):
		return "it has a digest; name the repository only"
	case strings.HasPrefix(s, "["):
		return "IPv6 addresses are not accepted; use a host name"
	case strings.HasSuffix(s, "/"):
		return "it ends with /"
	case strings.Contains(s, "//"):
		return "it has an empty path component"
	case path != "" && strings.Contains(last, ":"):
		return fmt.Sprintf("it has a tag (%q); name the repository only", last[strings.Index(last, ":"):])
	case strings.Contains(host, "_"):
		return "the host name contains _"
	case strings.ToLower(path) != path:
		return "the path has upper-case letters"
	case strings.Count(host, ":") > 1:
		return "the host has more than one port separator"
	}
	return "it does not match the API's pattern"
}
