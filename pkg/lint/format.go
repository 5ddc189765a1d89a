package lint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mirrorset/mirrorset/pkg/manifests"
)

// Text is the finding in the form compilers and linters use, which editors and
// pre-commit show as a link to the place.
func (f Finding) Text() string {
	msg := oneLine.Replace(f.Message)
	switch {
	case f.File == "":
		return fmt.Sprintf("%s: %s\n", f.Severity, msg)
	case f.Line == 0:
		return fmt.Sprintf("%s: %s: %s\n", f.File, f.Severity, msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s\n", f.File, f.Line, f.Column, f.Severity, msg)
}

// oneLine keeps each finding on one line: names and values from the input
// can bring line breaks into a message.
var oneLine = strings.NewReplacer("\r\n", `\r\n`, "\n", `\n`, "\r", `\r`)

// GitHub is the finding as a GitHub Actions workflow command, which the run's page
// shows as an annotation on the file's line
// (docs.github.com: "Workflow commands for GitHub Actions", setting an error
// or warning message). Standard input has no file in the repository: its
// findings have no file property.
func (f Finding) GitHub() string {
	var props []string
	if f.File != "" && f.File != manifests.StdinName {
		props = append(props, "file="+githubProperty(f.File))
		if f.Line > 0 {
			props = append(props, "line="+strconv.Itoa(f.Line), "col="+strconv.Itoa(f.Column))
		}
	}
	msg := f.Message
	if f.File == manifests.StdinName && f.Line > 0 {
		msg = fmt.Sprintf("%s:%d:%d: %s", f.File, f.Line, f.Column, msg)
	}
	cmd := "::" + string(f.Severity)
	if len(props) > 0 {
		cmd += " " + strings.Join(props, ",")
	}
	return cmd + "::" + githubData(msg) + "\n"
}

// githubData and githubProperty escape as the Actions runner's own toolkit
// does (@actions/core command.ts escapeData and escapeProperty).
var (
	githubDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func githubData(s string) string     { return githubDataEscaper.Replace(s) }
func githubProperty(s string) string { return githubPropertyEscaper.Replace(s) }
