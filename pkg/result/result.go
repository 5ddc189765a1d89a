// Package result holds what mirrorset reports: the results of a KRM
// function, in the form that kpt and kustomize read from a ResourceList's
// results field (config.kubernetes.io/v1). The same form as the kpt SDK's
// and kyaml framework's result types, without the packages they bring: the
// function's cold start pays for every package it links.
package result

// Severity says how bad a result is.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Result is one result: a message, and where it points when it points at
// an object.
type Result struct {
	Message     string       `yaml:"message,omitempty" json:"message,omitempty"`
	Severity    Severity     `yaml:"severity,omitempty" json:"severity,omitempty"`
	ResourceRef *ResourceRef `yaml:"resourceRef,omitempty" json:"resourceRef,omitempty"`
	Field       *Field       `yaml:"field,omitempty" json:"field,omitempty"`
	File        *File        `yaml:"file,omitempty" json:"file,omitempty"`
}

// Results are a run's results, in the order they were made.
type Results []*Result

// Failed reports whether any result is an error.
func (rs Results) Failed() bool {
	for _, r := range rs {
		if r.Severity == Error {
			return true
		}
	}
	return false
}

// ResourceRef names the object a result is about.
type ResourceRef struct {
	APIVersion string `yaml:"apiVersion,omitempty" json:"apiVersion,omitempty"`
	Kind       string `yaml:"kind,omitempty" json:"kind,omitempty"`
	Name       string `yaml:"name,omitempty" json:"name,omitempty"`
	Namespace  string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
}

// Field is the path of the field in the object that a result is about.
type Field struct {
	Path string `yaml:"path,omitempty" json:"path,omitempty"`
}

// File is the file, and the object's index in it, that a result is about.
type File struct {
	Path  string `yaml:"path,omitempty" json:"path,omitempty"`
	Index int    `yaml:"index,omitempty" json:"index,omitempty"`
}
