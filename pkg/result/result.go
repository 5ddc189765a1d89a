// Package result holds what mirrorset reports: the results of a KRM
// function, in the form that kpt and kustomize read from a ResourceList's
// results field (config.kubernetes.io/v1). The types are the kpt functions
// SDK's own (github.com/kptdev/krm-functions-sdk/go/fn), named here so that
// the packages that make results need not import the SDK by name.
//
// The SDK's Results.Sort and ResourceList.ToYAML sort results and items:
// mirrorset writes its results in the order they were made, and its items in
// the input's order, so it uses the types and not those writers.
package result

import fn "github.com/kptdev/krm-functions-sdk/go/fn"

// Severity says how bad a result is.
type Severity = fn.Severity

// The severities.
const (
	Error   = fn.Error
	Warning = fn.Warning
	Info    = fn.Info
)

// Result is one result: a message, and where it points when it points at
// an object (its resourceRef, field and file).
type Result = fn.Result

// Results are a run's results, in the order they were made.
type Results = fn.Results

// ResourceRef names the object a result is about.
type ResourceRef = fn.ResourceRef

// Field is the path of the field in the object that a result is about.
type Field = fn.Field

// File is the file, and the object's index in it, that a result is about.
type File = fn.File

// Failed reports whether any result is an error.
func Failed(rs Results) bool { return rs.ExitCode() != 0 }
