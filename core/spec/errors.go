package spec

import "strings"

// FieldError is a validation failure of one field, named by its path in the
// job spec (for example "task.process[hello].cmdline").
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// FieldErrors collects every validation failure of a job, so a user sees all
// of them at once.
type FieldErrors []*FieldError

// Add appends a failure for path.
func (es *FieldErrors) Add(path, msg string) {
	*es = append(*es, &FieldError{Path: path, Message: msg})
}

// Prefixed appends each of other with prefix in front of its path.
func (es *FieldErrors) Prefixed(prefix string, other FieldErrors) {
	for _, e := range other {
		p := prefix
		if e.Path != "" {
			p = prefix + "." + e.Path
		}
		es.Add(p, e.Message)
	}
}

// Err returns nil when there are no failures, so callers can return it directly.
func (es FieldErrors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

func (es FieldErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}
