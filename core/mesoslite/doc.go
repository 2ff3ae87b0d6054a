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
// What is implemented follows reference/mesos.md §7 phases 1 and 2.
//
// Phase 1: subscription and failover, heartbeats, failover_timeout, the offer
// cycle with one offer per agent and refusal filters, ACCEPT/LAUNCH with
// validation, DECLINE, REVIVE, SUPPRESS, KILL, SHUTDOWN, ACKNOWLEDGE with
// per-task reliable status-update streams, RECONCILE, TEARDOWN and MESSAGE on
// the master; executor launch as a real child process with the Mesos sandbox
// layout and environment, the v1 executor API, the task status update
// manager, registration timeouts and shutdown grace periods on the agents.
//
// Phase 2, each with the PARTITION_AWARE variants of Mesos:
//   - Agent membership: agents register and re-register with everything they
//     run; the master health-checks them (AgentPingTimeout ×
//     MaxAgentPingTimeouts on the Clock) and marks them unreachable, and a
//     returning agent brings its tasks back (master_agents.go).
//   - Fault injection for tests (cluster_agents.go, cluster_masters.go,
//     faults.go): DisconnectAgent, MarkAgentUnreachable, ReconnectAgent,
//     MarkAgentGone, RestartAgent, CutSchedulerStream, FailoverMaster,
//     DropStatusUpdates, DuplicateStatusUpdates, DropAcknowledgements.
//   - Master failover: a new leading master with a new id recovers the
//     registry (registry.go); agents re-register; reconciliation stays silent
//     for tasks of agents that have not (mesos.md §1.9 case 2).
//   - Agent checkpointing and recovery (checkpoint.go, agent_recover.go):
//     executors of checkpointing frameworks survive an agent restart, or with
//     Config.Recover the restart of the whole process (Detach, then a new
//     Cluster on the same WorkDir), and subscribe again
//     (--recover=reconnect).
//   - Maintenance: schedules, unavailability in offers, inverse offers and
//     their answers, START/STOP_MAINTENANCE (maintenance.go).
//   - Standby masters (Config.Masters) answering 307 to the leader, and the
//     leader election published in ZooKeeper as Mesos masters do (zk.go).
//
// Package testexec is a mesos-go custom executor for tests, and package
// conformance checks these behaviours against mesoslite or any master.
package mesoslite
