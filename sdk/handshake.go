package sdk

import (
	"os"

	plugin "github.com/hashicorp/go-plugin"
)

// Plugin kinds, as dispensed from a go-plugin client and reported by Info.
const (
	KindConstraint = "constraint"
	KindExecutor   = "executor"
	KindDiscovery  = "discovery"
	KindQuota      = "quota"
)

// Kinds lists every plugin kind, in a stable order.
func Kinds() []string {
	return []string{KindConstraint, KindExecutor, KindDiscovery, KindQuota}
}

// KnownKind reports whether kind is one of Kinds.
func KnownKind(kind string) bool {
	switch kind {
	case KindConstraint, KindExecutor, KindDiscovery, KindQuota:
		return true
	}
	return false
}

// Capabilities: optional features within a kind's API major, listed in
// Info.Capabilities. Serve detects them by type assertion on the
// implementation and advertises them; a host checks them before use.
const (
	// CapabilityScore: the constraint plugin implements ConstraintScorer.
	CapabilityScore = "score"
)

// APIVersion is the major version of the plugin API that this SDK speaks.
// It is the go-plugin protocol version negotiated at the handshake; a
// breaking change to any kind's proto bumps it and adds a new proto package.
const APIVersion = 1

// MaxMessageSize bounds a single gRPC message in either direction, on both
// the plugin server and the host client. gRPC's default of 4 MiB is too
// small for a Filter request carrying thousands of hosts.
const MaxMessageSize = 256 << 20

// Handshake is the go-plugin handshake shared by hosts and plugins. The
// magic cookie is not a security measure: it stops a user from running a
// plugin binary by hand and tells a plugin it was started by an Aurora host.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  APIVersion,
	MagicCookieKey:   "AURORA_PLUGIN_MAGIC_COOKIE",
	MagicCookieValue: "5b0e7c1f8a3d4e69b2c7a1d0f4e3b8c6aurora",
}

// VersionedPlugins returns the plugin sets of every API version this SDK
// speaks, with a gRPC plugin per kind and no implementation. Hosts pass it
// as ClientConfig.VersionedPlugins and dispense kinds by name; Serve fills
// in the implementations a plugin provides.
func VersionedPlugins() map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{
		APIVersion: {
			KindConstraint: &GRPCConstraintPlugin{},
			KindExecutor:   &GRPCExecutorPlugin{},
			KindDiscovery:  &GRPCDiscoveryPlugin{},
			KindQuota:      &GRPCQuotaPlugin{},
		},
	}
}

// StartedByHost reports whether this process was started by an Aurora
// plugin host (the handshake's magic cookie is in the environment).
func StartedByHost() bool {
	return os.Getenv(Handshake.MagicCookieKey) == Handshake.MagicCookieValue
}
