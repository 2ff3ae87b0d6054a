package jobspec

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/aurora-go/aurora/core/spec"
)

// Error is every problem found in a job file and its variables. Each
// diagnostic names the source range it is about; a problem that has no
// place in a file (a -var flag, say) has no Subject.
type Error struct {
	// Diagnostics holds the errors in the order they were found.
	Diagnostics hcl.Diagnostics
	// Files are the parsed sources by file name, for callers that want to
	// print diagnostics with source snippets (hcl.NewDiagnosticTextWriter).
	Files map[string]*hcl.File
}

// Error renders one problem a line, as "FILE:LINE:COL: summary: detail".
func (e *Error) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = formatDiagnostic(d)
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the spec.FieldErrors behind the semantic problems, so
// errors.As(err, &fieldErr) finds the path that spec's validation named.
func (e *Error) Unwrap() []error {
	var errs []error
	for _, d := range e.Diagnostics {
		if fe, ok := d.Extra.(*spec.FieldError); ok {
			errs = append(errs, fe)
		}
	}
	return errs
}

// formatDiagnostic renders d on one line.
func formatDiagnostic(d *hcl.Diagnostic) string {
	var b strings.Builder
	if d.Subject != nil {
		fmt.Fprintf(&b, "%s:%d:%d: ", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
	}
	b.WriteString(d.Summary)
	if d.Detail != "" {
		b.WriteString(": ")
		b.WriteString(strings.ReplaceAll(strings.TrimSpace(d.Detail), "\n", " "))
	}
	return b.String()
}

// asError returns diags as an *Error when they hold an error, and nil
// otherwise (warnings alone are not a failure).
func asError(diags hcl.Diagnostics, files map[string]*hcl.File) error {
	var errs hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs = append(errs, d)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &Error{Diagnostics: errs, Files: files}
}

// at renders the start of r as FILE:LINE:COL, the form every problem is
// reported in.
func at(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

// errorf builds an error diagnostic about subject.
func errorf(subject hcl.Range, summary, format string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  subject.Ptr(),
	}
}
