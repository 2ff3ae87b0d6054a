package jobspec

import (
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/aurora-go/aurora/core/spec"
)

// sourceMap records where each field of one job was written, by the field
// paths spec's validation uses ("instances", "task.resources.cpu",
// "task.process[web].cmdline"), so a spec.FieldError can name a file, line
// and column.
type sourceMap struct {
	ranges map[string]hcl.Range
	job    hcl.Range // the job block's header: the range of last resort
}

func newSourceMap(job hcl.Range) *sourceMap {
	return &sourceMap{ranges: map[string]hcl.Range{}, job: job}
}

// set records the range of path; the first definition wins.
func (m *sourceMap) set(path string, r hcl.Range) {
	if _, ok := m.ranges[path]; !ok {
		m.ranges[path] = r
	}
}

// lookup returns the range of path or, when path was not written, of the
// nearest enclosing field or block that was: a missing
// "task.resources.cpu" is reported at the resources block.
func (m *sourceMap) lookup(path string) hcl.Range {
	for {
		if r, ok := m.ranges[path]; ok {
			return r
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return m.job
		}
		path = path[:i]
	}
}

// validationDiagnostics turns spec's validation failures into diagnostics
// at the source of each failing field.
func (m *sourceMap) validationDiagnostics(errs spec.FieldErrors) hcl.Diagnostics {
	diags := make(hcl.Diagnostics, 0, len(errs))
	for _, fe := range errs {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  summaryFor(fe),
			Detail:   fe.Message,
			Subject:  m.lookup(fe.Path).Ptr(),
			Extra:    fe,
		})
	}
	return diags
}

func summaryFor(fe *spec.FieldError) string {
	if fe.Path == "" {
		return "Invalid job"
	}
	return "Invalid " + fe.Path
}

// Source is where the fields of one parsed job were written. The API
// answers a refused job with field errors whose paths are spec's
// ("placement[zone-spread].max_skew"); FieldErrors places them in the file.
type Source struct {
	m     *sourceMap
	files map[string]*hcl.File
}

// Locate returns FILE:LINE:COL of the field path, or of the nearest
// enclosing field or block that was written.
func (s *Source) Locate(path string) string { return at(s.m.lookup(path)) }

// FieldErrors returns errs as an *Error whose diagnostics name the source
// of each failing field, like a validation failure found while parsing.
func (s *Source) FieldErrors(errs spec.FieldErrors) error {
	if len(errs) == 0 {
		return nil
	}
	return &Error{Diagnostics: s.m.validationDiagnostics(errs), Files: s.files}
}
