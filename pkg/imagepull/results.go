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
	MaxShown    = result.MaxWarningsOfAKind // no more than FoldWarnings lets through
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
	var rs result.Results
	err := fold(findings, layout{
		shown: func(im *foldedImage) error {
			v := im.first.Verdict
			if v.Status != Unparseable && v.Status != ShortName {
				var err error
				if v, err = explain(v.Image); err != nil {
					return err
				}
			}
			msg := im.first.Ref.Where() + ": " + message(im.first.Ref, v)
			if n := len(im.others); n > 0 {
				msg += fmt.Sprintf(" (also in %d more %s: %s)", n, plural(n, "field", "fields"), names(im.others, namedOthers))
			}
			rs = append(rs, im.first.Ref.Object.Result(severityOf(v.Status, sev), im.first.Ref.Field, msg))
			return nil
		},
		more: func(g *group, more []string) {
			msg := fmt.Sprintf("%d more %s under %s %s, for the same reason: %s", len(more), plural(len(more), "image", "images"), g.registry, summary(g.status), list(more, 5))
			rs = append(rs, &result.Result{Severity: severityOf(g.status, sev), Message: msg})
		},
		rest: func(s Status, imgs []string) {
			msg := fmt.Sprintf("%d more %s %s: %s; `mirrorset images` lists them all", len(imgs), plural(len(imgs), "image", "images"), summary(s), list(imgs, 5))
			rs = append(rs, &result.Result{Severity: severityOf(s, sev), Message: msg})
		},
	})
	if err != nil {
		return nil, err
	}
	return rs, nil
}

// Shown reports which of findings Results names by their object and field
// (Ref.Where): the first field of each image it shows, and the first of
// its other fields that the result names. Of the others Results reads only
// the image (Ref.Image), and whether the reference is a string.
func Shown(findings []Finding) []bool {
	shown := make([]bool, len(findings))
	fold(findings, layout{shown: func(im *foldedImage) error {
		shown[im.firstAt] = true
		for _, at := range im.othersAt[:min(len(im.othersAt), namedOthers)] {
			shown[at] = true
		}
		return nil
	}, more: func(*group, []string) {}, rest: func(Status, []string) {}})
	return shown
}

// namedOthers is how many of an image's other fields its result names.
const namedOthers = 3

// foldedImage is an image with every field that names it.
type foldedImage struct {
	first    Finding
	others   []Ref
	firstAt  int
	othersAt []int
}

// group is the images of one registry with one verdict.
type group struct {
	status   Status
	registry string
	images   []*foldedImage
}

// layout is what fold calls, in the order of the results: for an image
// shown, for the images of a group counted together, and for the images
// counted by verdict past MaxShown.
type layout struct {
	shown func(im *foldedImage) error
	more  func(g *group, more []string)
	rest  func(s Status, imgs []string)
}

// fold decides which images Results shows and which it counts.
func fold(findings []Finding, l layout) error {
	var groups []*group
	byGroup := map[string]*group{}
	byImage := map[string]*foldedImage{}
	for i, f := range findings {
		v := f.Verdict
		key := string(v.Status) + "\x00" + f.Ref.Image + "\x00" + f.Ref.NotString
		if im, ok := byImage[key]; ok {
			im.others = append(im.others, f.Ref)
			im.othersAt = append(im.othersAt, i)
			continue
		}
		im := &foldedImage{first: f, firstAt: i}
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
			if err := l.shown(im); err != nil {
				return err
			}
		}
		if len(more) > 0 {
			shown++
			l.more(g, more)
		}
	}
	for _, s := range restOrder {
		l.rest(s, rest[s])
	}
	return nil
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

// names names the first n of refs (the ones Shown marks) and counts the
// rest.
func names(refs []Ref, n int) string {
	var s []string
	for _, r := range refs[:min(len(refs), n)] {
		s = append(s, r.Where())
	}
	if len(refs) > n {
		return strings.Join(s, ", ") + fmt.Sprintf(", and %d more", len(refs)-n)
	}
	return strings.Join(s, ", ")
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
