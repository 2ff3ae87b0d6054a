// Package mesoslite is an embedded, Mesos-compatible master and N agents that
// run inside one process and serve the real Mesos v1 HTTP APIs on loopback:
// the scheduler API (POST /api/v1/scheduler) on the master's port and the
// executor API (POST /api/v1/executor) on each agent's own port.
//
// An unmodified mesos-go v0.0.11 scheduler (httpsched) and executor (httpexec)
// work against it exactly as they do against a real Mesos 1.10 cluster; only the
// URL differs. That keeps `aurora dev` and the tests on the production code
// paths of the framework and the executor.
//
// Usage:
//
//	c, err := mesoslite.New(mesoslite.Config{
//		Agents:  []mesoslite.AgentConfig{mesoslite.DefaultAgent()},
//		WorkDir: dataDir,
//		Logger:  logger,
//	})
//	if err != nil { ... }
//	if err := c.Start(ctx); err != nil { ... }
//	defer c.Shutdown(context.Background())
//	schedulerURL := c.MasterURL() + "/api/v1/scheduler"
//
// Architecture. The master and every agent are actors: each owns its state and
// runs the closures posted to its mailbox on one goroutine, in order (the
// libprocess model). They talk to each other only by posting messages, never by
// calling into each other's state, so master→agent and agent→master messages
// keep their order as they do over a libprocess link. HTTP handlers post a
// closure and wait for it, so no state is shared under locks.
//
// What is implemented follows reference/mesos.md §7 phase 1: subscription and
// failover, heartbeats, failover_timeout, the offer cycle with one offer per
// agent and refusal filters, ACCEPT/LAUNCH with validation, DECLINE, REVIVE,
// SUPPRESS, KILL, SHUTDOWN, ACKNOWLEDGE with per-task reliable status-update
// streams, RECONCILE, TEARDOWN and MESSAGE on the master; executor launch as a
// real child process with the Mesos sandbox layout and environment, the v1
// executor API, the task status update manager, registration timeouts and
// shutdown grace periods on the agents. Phase 2 (maintenance and inverse
// offers, a standby master, agent checkpoint recovery, agent loss) is not here.
package mesoslite
