// Package plugintest is the plugin author's test harness.
//
//   - In-process: ConstraintClient, ExecutorClient, DiscoveryClient and
//     QuotaClient serve an implementation over a real gRPC connection
//     (go-plugin's TestPluginGRPCConn) and return the SDK's typed client, so
//     tests exercise the protobuf path under `go test -race`.
//
//   - Binary: BuildBinary compiles a plugin's main package and StartBinary
//     runs it with the production handshake (magic cookie, no inherited
//     environment, stdout guard), testing the real main().
//
//   - Conformance: RunConstraintConformance, RunExecutorConformance,
//     RunDiscoveryConformance and RunQuotaConformance run a kind's suite
//     (package sdk/conformance) against fresh in-process instances, in one
//     line; RunBinaryConformance runs the suite of the binary's kind against
//     the binary started with the production handshake, as `aurora plugin
//     verify ./binary` does.
//
//     func TestConformance(t *testing.T) {
//     plugintest.RunConstraintConformance(t, func() sdk.ConstraintPlugin { return zonespread.New(nil) },
//     plugintest.WithConfig(`{"attribute":"zone","max_skew":1}`))
//     }
package plugintest
