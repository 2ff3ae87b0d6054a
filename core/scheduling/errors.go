package scheduling

import (
	"errors"
	"fmt"
)

// ErrNoSuchJob is returned for a job key the scheduler does not know.
var ErrNoSuchJob = errors.New("no such job")

// RequestError is a request the scheduler refuses as it stands: the caller
// must change it (Aurora's INVALID_REQUEST). Nothing was changed.
type RequestError struct{ msg string }

func (e *RequestError) Error() string { return e.msg }

// BadRequest marks the error for the API, which answers it with 400.
func (e *RequestError) BadRequest() bool { return true }

func invalid(format string, args ...interface{}) error {
	return &RequestError{msg: fmt.Sprintf(format, args...)}
}
