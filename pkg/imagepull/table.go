package imagepull

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/result"
)

// Row is one image reference and what a node does with it.
type Row struct {
	Ref     Ref
	Verdict *Verdict
}

// Table finds the image references of nodes (objects as package manifests
// reads them) and decides each with c, with its reasons, in the order of
// the objects. Local-config objects are skipped: they are never applied.
func Table(nodes []*yaml.RNode, c *Checker) ([]Row, error) {
	var rows []Row
	for _, n := range nodes {
		apiVersion, kind := n.GetApiVersion(), n.GetKind()
		if !Holds(apiVersion, kind) || n.GetAnnotations()["config.kubernetes.io/local-config"] == "true" {
			continue
		}
		a := n.GetAnnotations()
		obj := result.Object{APIVersion: apiVersion, Kind: kind, Name: n.GetName(), Namespace: n.GetNamespace(), File: first(a, kioutil.PathAnnotation, kioutil.LegacyPathAnnotation)}
		obj.Index, _ = strconv.Atoi(first(a, kioutil.IndexAnnotation, kioutil.LegacyIndexAnnotation))
		for _, r := range Find(n.YNode(), obj) {
			v := &Verdict{Status: Unparseable, Why: "not an image reference: must be a string, got " + r.NotString}
			if r.NotString == "" {
				var err error
				if v, err = c.Explain(r.Image); err != nil {
					return nil, fmt.Errorf("%s: %w", r.Where(), err)
				}
			}
			rows = append(rows, Row{Ref: r, Verdict: v})
		}
	}
	return rows, nil
}

func first(a map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := a[k]; v != "" {
			return v
		}
	}
	return ""
}

// Pullable says whether the node can pull the image: "yes", "no",
// "source" (only from its source, by tag past digest-only mirrors),
// "search" (a short name) or "invalid".
func (v *Verdict) Pullable() string {
	switch v.Status {
	case Unpullable:
		return "no"
	case SourceOnly:
		return "source"
	case ShortName:
		return "search"
	case Unparseable:
		return "invalid"
	}
	return "yes"
}

// WriteText writes rows as a table, one line per reference.
func WriteText(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "IMAGE\tBY\tPULLABLE\tFIRST TRIED\tIN\tWHY")
	for _, r := range rows {
		v := r.Verdict
		image := r.Ref.Image
		if r.Ref.NotString != "" {
			image = "(" + r.Ref.NotString + ")"
		}
		why := v.Why
		if v.Fix != "" {
			why += "; " + v.Fix
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", image, dash(v.Pulled()), v.Pullable(), dash(v.First), r.Ref.Where(), why)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// jsonRow is a Row as --output json writes it.
type jsonRow struct {
	Image     string `json:"image"`
	Ref       string `json:"ref,omitempty"`
	PulledBy  string `json:"pulledBy,omitempty"`
	Registry  string `json:"registry,omitempty"`
	First     string `json:"firstTried,omitempty"`
	Pullable  string `json:"pullable"`
	Status    Status `json:"status"`
	Why       string `json:"why"`
	Fix       string `json:"fix,omitempty"`
	Kind      string `json:"kind"`
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	File      string `json:"file,omitempty"`
	Field     string `json:"field"`
}

// WriteJSON writes rows as a JSON array.
func WriteJSON(w io.Writer, rows []Row) error {
	out := make([]jsonRow, len(rows))
	for i, r := range rows {
		v := r.Verdict
		out[i] = jsonRow{
			Image: r.Ref.Image, Ref: v.Ref, PulledBy: v.Pulled(), Registry: v.Registry, First: v.First,
			Pullable: v.Pullable(), Status: v.Status, Why: v.Why, Fix: v.Fix,
			Kind: r.Ref.Object.Kind, Name: r.Ref.Object.Name, Namespace: r.Ref.Object.Namespace, File: r.Ref.Object.File,
			Field: r.Ref.Field,
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// The values of `mirrorset images --fail-on`.
const (
	FailOnUnpullable = "unpullable" // exit 1 when an image cannot be pulled
	FailOnAny        = "any"        // also for every other finding
	FailOnNone       = "none"       // always 0
)

// Fails reports whether rows fail the command under failOn.
func Fails(rows []Row, failOn string) bool {
	for _, r := range rows {
		switch {
		case failOn == FailOnNone:
		case r.Verdict.Status == Unpullable:
			return true
		case failOn == FailOnAny && r.Verdict.Status.Finding():
			return true
		}
	}
	return false
}

// Summary is a line that counts rows by what the node can do.
func Summary(rows []Row) string {
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Verdict.Pullable()]++
	}
	var parts []string
	for _, k := range []string{"yes", "source", "no", "search", "invalid"} {
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
		}
	}
	return fmt.Sprintf("%d image %s: %s", len(rows), plural(len(rows), "reference", "references"), strings.Join(parts, ", "))
}
