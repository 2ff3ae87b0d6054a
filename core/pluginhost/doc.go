// Package pluginhost starts plugins as subprocesses through go-plugin (gRPC
// only), verifies them and supervises them.
//
// A Host starts one process per Constraint or Executor call and returns a
// typed client (ConstraintClient, ExecutorClient) that implements the SDK's
// kind interface. Each call on a client first checks that the plugin process
// is alive; if the process died (crash, kill -9), the client logs it with
// the plugin's name and exit status, starts a fresh process after an
// exponential backoff with jitter (100ms doubling to 10s by default),
// replays the last successful Configure, and retries the call once. Every
// call has a deadline (5s for Filter and the base calls; none for Wait).
//
// Plugin processes get only the environment in their Spec (the host's is
// not inherited), run in their own process group (and, on Linux, die with
// the host), and are killed with their process group by Shutdown.
//
// Built-in plugins are served by the aurora binary itself: BuiltinSpec
// returns a Spec that runs `<this executable> plugin serve KIND/NAME`.
package pluginhost
