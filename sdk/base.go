package sdk

import (
	"context"
	"encoding/json"
)

// Info describes a plugin. The host checks Name and Kind against the catalog
// entry (or spec) that started the plugin, and APIVersion against the
// negotiated protocol version.
type Info struct {
	// Name is unique within the kind, e.g. "limit" or "thermos".
	Name string
	// Kind is KindConstraint, KindExecutor, ...
	Kind string
	// Version is the semantic version of the plugin release.
	Version string
	// APIVersion is the major of the kind API implemented. Zero means the
	// SDK's APIVersion; Serve fills it in.
	APIVersion int32
	// Capabilities lists optional features implemented within the major.
	Capabilities []string
}

// Schema is the JSON Schema of a plugin's configuration.
type Schema struct {
	JSON json.RawMessage
}

// Base is implemented by every plugin kind.
type Base interface {
	// Info reports the plugin's identity. It must not depend on Configure.
	Info(ctx context.Context) (*Info, error)
	// ConfigSchema returns the JSON Schema of the configuration that
	// Configure accepts.
	ConfigSchema(ctx context.Context) (*Schema, error)
	// Configure applies the plugin configuration (JSON; empty or null means
	// none). It may be called again with a new configuration.
	Configure(ctx context.Context, config json.RawMessage) error
}
