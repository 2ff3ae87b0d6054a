package sdk

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Sentinel errors that cross the plugin boundary. A plugin returns (or
// wraps) one of them; the SDK sends it as the matching gRPC status code, and
// the typed client returns an *RPCError that matches it with errors.Is.
var (
	// ErrPluginUnavailable means the plugin process is gone or unreachable
	// (gRPC Unavailable). Plugins cannot return it: the server reports it as
	// an ordinary error so that a host never restarts a healthy plugin.
	ErrPluginUnavailable = errors.New("plugin unavailable")
	// ErrNotFound means the request named something the plugin does not
	// know, e.g. an unknown task ID (gRPC NotFound).
	ErrNotFound = errors.New("not found")
	// ErrInvalidArgument means the request or configuration is invalid
	// (gRPC InvalidArgument).
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrFailedPrecondition means the request is valid but not in the
	// current state, e.g. destroying a running task without force (gRPC
	// FailedPrecondition).
	ErrFailedPrecondition = errors.New("failed precondition")
	// ErrUnimplemented means the plugin does not implement the call or does
	// not serve the kind (gRPC Unimplemented).
	ErrUnimplemented = errors.New("not implemented")
)

// RPCError is an error returned by a call to a plugin: an error from the
// plugin itself or from the transport. It carries the gRPC status, so
// status.Code(err) works, and it matches the sentinel of its code with
// errors.Is (ErrNotFound, ErrPluginUnavailable, context.DeadlineExceeded,
// ...).
type RPCError struct {
	// Method is the plugin call, e.g. "Filter".
	Method  string
	Code    codes.Code
	Message string
}

func (e *RPCError) Error() string {
	if e.Code == codes.Unknown {
		return fmt.Sprintf("plugin %s: %s", e.Method, e.Message)
	}
	return fmt.Sprintf("plugin %s: %s (%s)", e.Method, e.Message, e.Code)
}

// GRPCStatus returns the status the error was built from.
func (e *RPCError) GRPCStatus() *status.Status {
	return status.New(e.Code, e.Message)
}

// Unwrap returns the sentinel error of the status code, if there is one.
func (e *RPCError) Unwrap() error {
	switch e.Code {
	case codes.Unavailable:
		return ErrPluginUnavailable
	case codes.NotFound:
		return ErrNotFound
	case codes.InvalidArgument:
		return ErrInvalidArgument
	case codes.FailedPrecondition:
		return ErrFailedPrecondition
	case codes.Unimplemented:
		return ErrUnimplemented
	case codes.DeadlineExceeded:
		return context.DeadlineExceeded
	case codes.Canceled:
		return context.Canceled
	default:
		return nil
	}
}

// fromRPC converts an error from a gRPC call into an *RPCError.
func fromRPC(method string, err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return &RPCError{Method: method, Code: codes.Unknown, Message: err.Error()}
	}
	return &RPCError{Method: method, Code: st.Code(), Message: st.Message()}
}

// toStatus converts an error returned by a plugin implementation into a gRPC
// status error that keeps its message.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	code, msg := codes.Unknown, err.Error()
	if st, ok := status.FromError(err); ok {
		// A status error, possibly wrapped (then the message is the whole
		// error text).
		code, msg = st.Code(), st.Message()
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		code = codes.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		code = codes.Canceled
	case errors.Is(err, ErrNotFound):
		code = codes.NotFound
	case errors.Is(err, ErrInvalidArgument):
		code = codes.InvalidArgument
	case errors.Is(err, ErrFailedPrecondition):
		code = codes.FailedPrecondition
	case errors.Is(err, ErrUnimplemented):
		code = codes.Unimplemented
	}
	if code == codes.Unavailable || code == codes.OK {
		// Unavailable is reserved for the transport: a host restarts a
		// plugin that it believes is gone.
		code = codes.Unknown
	}
	return status.Error(code, msg)
}
