// Package sdk is the Aurora-Go plugin SDK: the Go interfaces of every plugin
// kind, the go-plugin handshake and versioned plugin sets, Serve for plugin
// binaries, and typed gRPC clients that the scheduler and the executor use
// to call plugins.
//
// A plugin author implements one or more kind interfaces (ConstraintPlugin,
// ExecutorPlugin) and calls Serve from main:
//
//	func main() {
//		sdk.Serve(sdk.ServeOpts{Constraint: myplugin.New(logger)})
//	}
//
// A host starts the plugin binary with go-plugin using Handshake and
// VersionedPlugins, dispenses a kind by name (KindConstraint, KindExecutor)
// and type-asserts the result to the kind interface; the value is a gRPC
// client that implements the same interface as the plugin.
//
// This module imports nothing from the Aurora-Go product module, so plugin
// authors depend on the SDK alone. The wire protocol lives in
// sdk/proto/aurora/plugin/{base,constraint,executor}/v1; the integer major
// of each kind API is the go-plugin protocol version (APIVersion).
package sdk
