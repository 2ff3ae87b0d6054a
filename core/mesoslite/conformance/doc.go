// Package conformance is a test suite of the Mesos master and agent
// behaviours a scheduler relies on (reference mesos.md §§1–3): subscription
// and heartbeats, the offer format, filters, DECLINE, REVIVE and SUPPRESS,
// ACCEPT with a real executor process, reliable status updates and their
// acknowledgement, the reconciliation table, KILL, framework failover,
// TEARDOWN, executor loss and the HTTP error codes.
//
// By default every test starts an embedded cluster (mesoslite). Pointing the
// suite at another master is one environment variable:
//
//	MESOS_MASTER_URL=http://mesos-master:5050 go test ./core/mesoslite/conformance
//
// The URL is the leading master's base URL. The tests run this test binary
// as a custom executor (package testexec): by default the agents run it in
// place, which works when they share this machine's file system; for remote
// agents set MESOS_CONFORMANCE_SERVE_EXECUTOR=host:port (host as the agents
// reach this machine, port 0 for any) to have the suite serve the binary
// there for the agents to fetch. MESOS_CONFORMANCE_USER
// sets FrameworkInfo.user (default: the current user). Each test tears its
// frameworks down when it ends.
//
// Tests that need fault injection (agent loss, master failover, agent
// restart, dropped updates), a standby master or maintenance run only
// against the embedded cluster and are skipped, with a message, against an
// external master.
//
// The exported helpers (Target, Scheduler, Executor) are for this suite and
// for other packages' tests that drive a framework against either kind of
// master.
package conformance
