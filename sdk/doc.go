// Package sdk is the Aurora-Go plugin SDK: the Go interfaces of every plugin
// kind, the go-plugin handshake and versioned plugin sets, Serve for plugin
// binaries, and typed gRPC clients that the scheduler and the executor use
// to call plugins.
//
// A plugin author implements one or more kind interfaces (ConstraintPlugin,
// ExecutorPlugin, DiscoveryPlugin, QuotaPlugin) and calls Serve from main.
// Every kind has the Base calls (Info, ConfigSchema as a JSON Schema,
// Configure); the SDK validates a configuration against the schema before
// Configure sees it. Optional features are optional Go interfaces that
// Serve detects by type assertion and advertises in Info.Capabilities
// (ConstraintScorer: CapabilityScore).
//
//	func main() {
//		sdk.Serve(sdk.ServeOpts{Constraint: myplugin.New(logger)})
//	}
//
// A host starts the plugin binary with go-plugin using Handshake and
// VersionedPlugins, dispenses a kind by name (KindConstraint, KindExecutor,
// KindDiscovery, KindQuota) and type-asserts the result to the kind
// interface; the value is a gRPC client that implements the same interface
// as the plugin. The constraint client keeps a host cache session: hosts
// the plugin has seen at their generation travel as a reference, not in
// full, and a candidate list the plugin keeps (the same hosts as the last
// call, as when many task groups are filtered against the same offers)
// travels as one id (see proto/aurora/plugin/constraint/v1).
//
// Packages: conformance holds the conformance checks of each kind;
// plugintest is the author's harness (in-process and binary) and runs them
// in one line.
//
// This module imports nothing from the Aurora-Go product module, so plugin
// authors depend on the SDK alone. The wire protocol lives in
// sdk/proto/aurora/plugin/{base,constraint,executor,discovery,quota}/v1
// (regenerate with sdk/gen.sh, `make proto`); the integer major
// of each kind API is the go-plugin protocol version (APIVersion).
package sdk
