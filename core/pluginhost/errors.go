package pluginhost

import "errors"

var (
	// ErrMismatch means a started plugin is not the one its Spec names: its
	// Info reports another kind, name or API version, or it does not serve
	// the kind at all.
	ErrMismatch = errors.New("plugin does not match its spec")
	// ErrShutdown means the host or the client was shut down.
	ErrShutdown = errors.New("plugin host shut down")
)
