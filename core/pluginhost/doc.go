// Package pluginhost starts plugins as subprocesses through go-plugin (gRPC
// only), verifies them, supervises them, and holds the pieces of the
// plugin catalog.
//
// Starting: a Host starts one process per Constraint, Executor, Discovery
// or Quota call (Start for any kind) and returns a typed client that
// implements the SDK's kind interface. Plugin processes get only the
// environment in their Spec (the host's is not inherited), run in their own
// process group (and, on Linux, die with the host), and are killed with
// their process group by Shutdown. A Spec with SHA256 is verified before
// every start (go-plugin SecureConfig); a mismatch is refused with
// ErrChecksumMismatch naming both hashes. A Spec with Version must match
// the version the plugin's Info reports; a Spec with Config is configured
// after every start.
//
// Supervision: each call first checks that the process is alive; if it
// died (crash, kill -9), the client logs it with the plugin's name and exit
// status, starts a fresh process after an exponential backoff with jitter
// (100ms doubling to 10s by default), replays the last successful
// Configure, hands an executor's tasks to the new process (Recover with the
// handles Start returned; see ExecutorClient), and retries the call once.
// Every call has a deadline (the Spec's Timeout, else Timeouts; none for
// executor Wait). A circuit breaker
// per plugin opens after consecutive failures and lets one probe through
// after a cooldown (WithCircuitBreaker). WithMetrics registers per-plugin
// Prometheus metrics: calls, errors, latency, restarts, circuit state.
//
// Failure policy: PolicyFilter (constraint) and PolicyQuota (quota) apply a
// catalog entry's fail_closed / fail_open policy, so a failed plugin never
// fails the scheduling loop; CombineFilters merges the vetoes of several
// constraint plugins per host, highest score first.
//
// Catalog: Entry is a catalog entry (kind, name, version, sha256, command,
// args, env, config, state, pinned, failure policy, timeout); Catalog is an
// in-memory set of entries with enable/disable/pin/resolve that the
// replicated log can drive; Store is the content-addressed store of
// binaries (<dir>/sha256/<hex>). Host.Register copies a binary into the
// Store while hashing it, checks the sha256, runs it to check its Info and
// validates the entry's config against its ConfigSchema. Host.Verify runs
// the conformance suite (sdk/conformance) against an unregistered binary.
//
// Built-in plugins are served by the aurora binary itself: BuiltinSpec and
// BuiltinEntry run `<this executable> plugin serve KIND/NAME`.
//
// BenchmarkFilter (bench_test.go) measures Filter through a plugin process
// against an in-process call.
package pluginhost
