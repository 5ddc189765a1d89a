package explain

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes e for people to read.
func (e *Explanation) WriteText(w io.Writer) error {
	var b strings.Builder
	kind := "tag"
	if e.ByDigest {
		kind = "digest"
	}
	fmt.Fprintf(&b, "image:    %s (pull by %s)\n", e.Ref, kind)
	if e.Registry == "" {
		b.WriteString("registry: no [[registry]] entry matches: no mirrors, not blocked\n")
	} else {
		fmt.Fprintf(&b, "registry: [[registry]] %s\n", e.Registry)
	}
	b.WriteString("\ntries, in order:\n")
	for i, l := range e.Locations {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, l.Ref)
		what := "mirror"
		if l.IsSource {
			what = "source"
		} else if l.PullFromMirror != "" {
			what += " (" + l.PullFromMirror + ")"
		}
		if l.Insecure {
			what += ", insecure (no TLS verification)"
		}
		fmt.Fprintf(&b, "     %s\n", what)
		for _, o := range l.Origins {
			fmt.Fprintf(&b, "     from %s%s\n", o, nestedNote(o, l.Endpoint))
		}
		if l.Blocked {
			fmt.Fprintf(&b, "     NOT CONTACTED: blocked by [[registry]] %s\n", l.BlockedBy)
			for _, r := range l.Blocks {
				fmt.Fprintf(&b, "       %s\n", r)
			}
		}
	}
	if len(e.Skipped) > 0 {
		fmt.Fprintf(&b, "\nnot used for a pull by %s:\n", kind)
		for _, l := range e.Skipped {
			why := "mirror"
			switch {
			case l.PullFromMirror != "":
				why = l.PullFromMirror + " mirror"
			case e.MirrorByDigestOnly:
				why = "the registry has mirror-by-digest-only"
			}
			fmt.Fprintf(&b, "  - %s (%s)\n", l.Ref, why)
			for _, o := range l.Origins {
				fmt.Fprintf(&b, "      from %s%s\n", o, nestedNote(o, l.Endpoint))
			}
		}
	}
	b.WriteString("\n")
	switch {
	case !e.Pullable():
		b.WriteString("result: every location is blocked: the pull fails\n")
	case len(e.Locations) == 1:
		b.WriteString("result: pulled from the source only\n")
	case e.SourceContacted():
		b.WriteString("result: the source is contacted if no mirror serves the image\n")
	default:
		b.WriteString("result: the source is never contacted\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// nestedNote says when a mirror location extends the entry's mirror, for a
// registry nested under its source.
func nestedNote(o Origin, endpoint string) string {
	if o.Mirror == endpoint {
		return ""
	}
	return fmt.Sprintf(", mirror %s extended for the nested registry", o.Mirror)
}
