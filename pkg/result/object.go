package result

// Object names an object that results are about, for objects that are not
// mirror sets (see check.Result for those): its kind and name, and its
// file and index in it when known.
type Object struct {
	APIVersion, Kind, Name, Namespace string
	File                              string
	Index                             int
}

// Result is a result about o, at field when it is not "".
func (o Object) Result(sev Severity, field, msg string) *Result {
	r := &Result{Severity: sev, Message: msg,
		ResourceRef: &ResourceRef{APIVersion: o.APIVersion, Kind: o.Kind, Name: o.Name, Namespace: o.Namespace}}
	if field != "" {
		r.Field = &Field{Path: field}
	}
	if o.File != "" {
		r.File = &File{Path: o.File, Index: o.Index}
	}
	return r
}
