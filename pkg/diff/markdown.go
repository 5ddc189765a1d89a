package diff

import (
	"fmt"
	"io"
	"strings"

	"github.com/mirrorset/mirrorset/pkg/nodeimpact"
)

// WriteMarkdown writes the report as a pull-request comment: one summary
// line, a table of the changes with their node action and causes, and the
// node files' unified diffs folded in a <details> block.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("**mirrorset diff**: ")
	if r.Refused() {
		var parts []string
		for _, s := range r.sides() {
			if s.res.Refused != nil {
				parts = append(parts, refusalWords(s.name, s.res.Refused))
			}
		}
		fmt.Fprintf(&b, "**refused**: %s.\n\n", strings.Join(parts, "; "))
		for _, s := range r.sides() {
			if s.res.Refused == nil {
				continue
			}
			fmt.Fprintf(&b, "%s:\n\n```\n%s\n```\n\n", s.name, strings.Join(s.res.Refused.Errors, "\n"))
		}
		fmt.Fprintf(&b, "<sub>by %s</sub>\n", r.rules())
		_, err := io.WriteString(w, b.String())
		return err
	}
	im := r.Impact
	fmt.Fprintf(&b, "**%s**: %s", shortAction(im.Action), actionWords(im.Action))
	if f := forcing(im); im.Action != nodeimpact.None && len(f) > 0 {
		fmt.Fprintf(&b, "; because %s", cell(reasonText(f[0])))
		if len(f) > 1 {
			fmt.Fprintf(&b, " (and %d more)", len(f)-1)
		}
	}
	b.WriteString(".\n\n")

	type row struct{ scope, change, action, base, head string }
	var rows []row
	for _, reg := range r.Registries {
		for i, c := range reg.Changes {
			action := ""
			if i == 0 {
				action = shortAction(reg.Action)
			}
			rows = append(rows, row{"`" + reg.Scope + "`", cell(c.Text), action, cells(c.Base), cells(c.Head)})
		}
	}
	for _, o := range r.Others {
		rows = append(rows, row{"`" + o.Path + "`", cell(o.Text), shortAction(o.Action), cells(o.Base), cells(o.Head)})
	}
	if len(rows) > 0 {
		b.WriteString("| Registry or file | Change | Nodes | Base | Head |\n|---|---|---|---|---|\n")
		for _, x := range rows {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", x.scope, x.change, x.action, x.base, x.head)
		}
		b.WriteString("\n")
	}
	if r.PoliciesFrom != "" {
		fmt.Fprintf(&b, "Node disruption policies: %s (the MCO applies them from OpenShift 4.17).\n\n", r.PoliciesFrom)
	}
	if len(r.Files) > 0 {
		b.WriteString("<details><summary>Node files diff</summary>\n\n```diff\n")
		for _, f := range r.Files {
			b.WriteString(f.Unified)
		}
		b.WriteString("```\n\n</details>\n\n")
	}
	fmt.Fprintf(&b, "<sub>by %s</sub>\n", r.rules())
	_, err := io.WriteString(w, b.String())
	return err
}

// cell makes s safe in a table cell: no pipes, no line breaks.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

func cells(list []string) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = cell(s)
	}
	return strings.Join(out, "<br>")
}
