package pluginhost

import "errors"

var (
	// ErrMismatch means a started plugin is not the one its Spec names: its
	// Info reports another kind, name, version or API version, or it does
	// not serve the kind at all.
	ErrMismatch = errors.New("plugin does not match its spec")
	// ErrShutdown means the host or the client was shut down.
	ErrShutdown = errors.New("plugin host shut down")
	// ErrChecksumMismatch means a plugin binary's sha256 is not the one its
	// entry or spec names; the error says both.
	ErrChecksumMismatch = errors.New("plugin checksum mismatch")
	// ErrCircuitOpen means the plugin failed too often: calls fail fast
	// until a probe call succeeds.
	ErrCircuitOpen = errors.New("plugin circuit breaker open")
	// ErrNoStore means Register was called on a host without WithStore.
	ErrNoStore = errors.New("plugin host has no binary store")
)
