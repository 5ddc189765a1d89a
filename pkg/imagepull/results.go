package imagepull

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mirrorset/mirrorset/pkg/result"
)

// Severity is how the KRM function reports findings: the functionConfig's
// imagePullCheck.
type Severity = string

// The values of imagePullCheck.
const (
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
	SeverityOff     Severity = "off"
)

// MaxShown is how many images the results name one by one, and PerRegistry
// how many of one registry with one verdict (which share the reason and the
// fix); the rest are counted in one result per registry and verdict, or per
// verdict past MaxShown, so that stderr stays readable on a list of
// thousands of workloads.
const (
	MaxShown    = 20
	PerRegistry = 3
)

// Finding is a reference and its verdict.
type Finding struct {
	Ref     Ref
	Verdict *Verdict
}

// Results turns findings (the references whose verdict is a Finding, in
// the order of the list) into KRM results. A pull verdict takes severity
// sev; a short name or a reference that does not parse is a warning
// whatever sev says, since the node may still pull it. One image in many
// fields gives one result, on its first field, that counts the others.
// explain gives the verdict with its reasons, for the images named.
func Results(findings []Finding, sev Severity, explain func(image string) (*Verdict, error)) (result.Results, error) {
	if sev == SeverityOff {
		return nil, nil
	}
	// An image, with every field that names it.
	type image struct {
		first  Finding
		others []Ref
	}
	// The images of one registry with one verdict.
	type group struct {
		status   Status
		registry string
		images   []*image
	}
	var groups []*group
	byGroup := map[string]*group{}
	byImage := map[string]*image{}
	for _, f := range findings {
		v := f.Verdict
		key := string(v.Status) + "\x00" + f.Ref.Image + "\x00" + f.Ref.NotString
		if im, ok := byImage[key]; ok {
			im.others = append(im.others, f.Ref)
			continue
		}
		im := &image{first: f}
		byImage[key] = im
		gkey := string(v.Status) + "\x00" + v.Registry
		g, ok := byGroup[gkey]
		if !ok {
			g = &group{status: v.Status, registry: v.Registry}
			byGroup[gkey] = g
			groups = append(groups, g)
		}
		g.images = append(g.images, im)
	}
	var rs result.Results
	rest := map[Status][]string{}
	var restOrder []Status
	shown := 0
	for _, g := range groups {
		perRegistry := len(g.images)
		if g.registry != "" && perRegistry > PerRegistry+1 {
			perRegistry = PerRegistry
		}
		var more []string
		for _, im := range g.images {
			if shown >= MaxShown {
				if rest[g.status] == nil {
					restOrder = append(restOrder, g.status)
				}
				rest[g.status] = append(rest[g.status], display(im.first))
				continue
			}
			if perRegistry == 0 {
				more = append(more, display(im.first))
				continue
			}
			perRegistry--
			shown++
			v := im.first.Verdict
			if v.Status != Unparseable && v.Status != ShortName {
				var err error
				if v, err = explain(v.Image); err != nil {
					return nil, err
				}
			}
			msg := im.first.Ref.Where() + ": " + message(im.first.Ref, v)
			if n := len(im.others); n > 0 {
				msg += fmt.Sprintf(" (also in %d more %s: %s)", n, plural(n, "field", "fields"), names(im.others, 3))
			}
			rs = append(rs, im.first.Ref.Object.Result(severityOf(v.Status, sev), im.first.Ref.Field, msg))
		}
		if len(more) > 0 {
			shown++
			msg := fmt.Sprintf("%d more %s under %s %s, for the same reason: %s", len(more), plural(len(more), "image", "images"), g.registry, summary(g.status), list(more, 5))
			rs = append(rs, &result.Result{Severity: severityOf(g.status, sev), Message: msg})
		}
	}
	for _, s := range restOrder {
		imgs := rest[s]
		msg := fmt.Sprintf("%d more %s %s: %s; `mirrorset images` lists them all", len(imgs), plural(len(imgs), "image", "images"), summary(s), list(imgs, 5))
		rs = append(rs, &result.Result{Severity: severityOf(s, sev), Message: msg})
	}
	return rs, nil
}

func severityOf(s Status, sev Severity) result.Severity {
	if s == Unparseable || s == ShortName || sev != SeverityError {
		return result.Warning
	}
	return result.Error
}

func message(r Ref, v *Verdict) string {
	if r.NotString != "" {
		return "not an image reference: must be a string, got " + r.NotString
	}
	m := strconv.Quote(v.Image) + ": " + v.Why
	if v.Fix != "" {
		m += "; " + v.Fix
	}
	return m
}

// summary says what the images counted together have in common.
func summary(s Status) string {
	switch s {
	case Unpullable:
		return "that cannot be pulled"
	case SourceOnly:
		return "pulled by tag from a source with only digest mirrors"
	case ShortName:
		return "that are short names"
	}
	return "that are not image references"
}

func display(f Finding) string {
	if f.Ref.NotString != "" {
		return f.Ref.Where()
	}
	return f.Ref.Image
}

func names(refs []Ref, n int) string {
	var s []string
	for _, r := range refs {
		s = append(s, r.Where())
	}
	return list(s, n)
}

func list(s []string, n int) string {
	if len(s) <= n {
		return strings.Join(s, ", ")
	}
	return strings.Join(s[:n], ", ") + fmt.Sprintf(", and %d more", len(s)-n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
