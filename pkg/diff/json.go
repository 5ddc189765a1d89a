package diff

import (
	"encoding/json"
	"io"
)

// SchemaVersion is the version of the JSON report. Fields may be added
// within a version; a field that changes meaning or goes away makes a new
// one.
const SchemaVersion = 1

// JSONReport is the JSON form of a Report (schemaVersion 1):
//
//	{
//	  "schemaVersion": 1,
//	  "openshiftVersion": "4.16",      // "" for the newest rules
//	  "refused": false,                // a side is refused: exit 1
//	  "base": {"objects": {"ImageContentSourcePolicy": 1}, "refused": null, "warnings": []},
//	  "head": {"objects": {"ImageDigestMirrorSet": 1}, "refused": {"by": "mco", "errors": ["..."]},
//	           "warnings": []},
//	  "action": "drain",               // none | rollout | drain | reboot; "" when refused
//	  "nodeDisruptionPolicyFrom": "",  // the MachineConfiguration applied, if any
//	  "reasons": [{"path": "/etc/containers/registries.conf", "registry": "quay.io/x",
//	               "text": "...", "action": "drain"}],
//	  "registries": [{"scope": "quay.io/x", "status": "changed", // added | removed | changed
//	                  "action": "drain",
//	                  "changes": [{"text": "...", "base": ["..."], "head": ["..."]}]}],
//	  "others": [{"path": "/etc/containers/policy.json", "text": "...", "action": "reload",
//	              "base": ["..."], "head": ["..."]}],         // changes outside [[registry]]
//	  "searchRegistries": {"base": ["..."], "head": ["..."]},     // null when unchanged
//	  "files": [{"path": "/etc/containers/registries.conf", "diff": "--- a/etc/..."}]
//	}
//
// "reasons" are every change found with the action it forces on its own;
// "action" is the greatest. In "changes", "base" and "head" name what makes
// the changed thing on each side (mirror-set entries as `explain` names
// them, the Image config's lists); the texts are for people.
type JSONReport struct {
	SchemaVersion    int            `json:"schemaVersion"`
	OpenShiftVersion string         `json:"openshiftVersion"`
	Refused          bool           `json:"refused"`
	Base             JSONSide       `json:"base"`
	Head             JSONSide       `json:"head"`
	Action           string         `json:"action"`
	PoliciesFrom     string         `json:"nodeDisruptionPolicyFrom"`
	Reasons          []JSONReason   `json:"reasons"`
	Registries       []JSONRegistry `json:"registries"`
	Others           []JSONOther    `json:"others"`
	SearchRegistries *JSONSearch    `json:"searchRegistries"`
	Files            []JSONFileDiff `json:"files"`
}

// JSONSide is one side's state.
type JSONSide struct {
	// Objects counts the side's objects that reach the nodes, by kind.
	Objects  map[string]int `json:"objects"`
	Refused  *JSONRefusal   `json:"refused"`
	Warnings []string       `json:"warnings"`
}

// JSONRefusal says who refuses a side ("api-server" or "mco") and why.
type JSONRefusal struct {
	By     string   `json:"by"`
	Errors []string `json:"errors"`
}

// JSONReason is one change and the action it forces.
type JSONReason struct {
	Path     string `json:"path"`
	Registry string `json:"registry"`
	Text     string `json:"text"`
	Action   string `json:"action"`
}

// JSONRegistry is one [[registry]] that changed.
type JSONRegistry struct {
	Scope   string       `json:"scope"`
	Status  string       `json:"status"`
	Action  string       `json:"action"`
	Changes []JSONChange `json:"changes"`
}

// JSONChange is one change of a registry and what makes it on each side.
type JSONChange struct {
	Text string   `json:"text"`
	Base []string `json:"base"`
	Head []string `json:"head"`
}

// JSONOther is a change outside the [[registry]] tables of registries.conf.
type JSONOther struct {
	Path   string   `json:"path"`
	Text   string   `json:"text"`
	Action string   `json:"action"`
	Base   []string `json:"base"`
	Head   []string `json:"head"`
}

// JSONSearch holds unqualified-search-registries on both sides.
type JSONSearch struct {
	Base []string `json:"base"`
	Head []string `json:"head"`
}

// JSONFileDiff is a node file's unified diff.
type JSONFileDiff struct {
	Path string `json:"path"`
	Diff string `json:"diff"`
}

// JSON returns the report in its JSON form. Lists are never null.
func (r *Report) JSON() JSONReport {
	out := JSONReport{
		SchemaVersion:    SchemaVersion,
		OpenShiftVersion: r.Version,
		Refused:          r.Refused(),
		Base:             jsonSide(r.Base),
		Head:             jsonSide(r.Head),
		PoliciesFrom:     r.PoliciesFrom,
		Reasons:          []JSONReason{},
		Registries:       []JSONRegistry{},
		Others:           []JSONOther{},
		Files:            []JSONFileDiff{},
	}
	if r.Impact == nil {
		return out
	}
	out.Action = ActionName(r.Impact.Action)
	for _, x := range r.Impact.Reasons {
		out.Reasons = append(out.Reasons, JSONReason{Path: x.Path, Registry: x.Registry, Text: x.Text, Action: ActionName(x.Action)})
	}
	for _, reg := range r.Registries {
		j := JSONRegistry{Scope: reg.Scope, Status: "changed", Action: ActionName(reg.Action), Changes: []JSONChange{}}
		switch {
		case reg.Added:
			j.Status = "added"
		case reg.Removed:
			j.Status = "removed"
		}
		for _, c := range reg.Changes {
			j.Changes = append(j.Changes, JSONChange{Text: c.Text, Base: nonNil(c.Base), Head: nonNil(c.Head)})
		}
		out.Registries = append(out.Registries, j)
	}
	for _, o := range r.Others {
		out.Others = append(out.Others, JSONOther{Path: o.Path, Text: o.Text, Action: ActionName(o.Action), Base: nonNil(o.Base), Head: nonNil(o.Head)})
	}
	if sr := r.Impact.SearchRegistries; sr != nil {
		out.SearchRegistries = &JSONSearch{Base: nonNil(sr[0]), Head: nonNil(sr[1])}
	}
	for _, f := range r.Files {
		out.Files = append(out.Files, JSONFileDiff{Path: f.Path, Diff: f.Unified})
	}
	return out
}

func jsonSide(s SideResult) JSONSide {
	j := JSONSide{Objects: s.Objects, Warnings: nonNil(s.Warnings)}
	if j.Objects == nil {
		j.Objects = map[string]int{}
	}
	if s.Refused != nil {
		j.Refused = &JSONRefusal{By: string(s.Refused.By), Errors: nonNil(s.Refused.Errors)}
	}
	return j
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WriteJSON writes the JSON form, indented, with a final newline.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r.JSON())
}
