// Package executor is Aurora's Mesos executor (`aurora executor`): an agent
// starts it once per task with the MESOS_* environment. It subscribes over
// the v1 executor HTTP API (mesos-go httpexec), starts the task's executor
// plugin out of process (the job's executor, thermos by default, docker for
// a job with a Docker container), binds the runtime templates, and reports
// TASK_STARTING, TASK_RUNNING and the terminal state. Updates are kept
// until the agent acknowledges them and re-sent after a reconnect.
//
// Health (reference aurora.md 2.6 and 4.4): with a health check (the job's,
// or Aurora's default HTTP check when the task has a "health" port) the task
// stays STARTING until it passes min_consecutive_successes checks in a row,
// by Aurora's counting rules (health.go); a task that cannot get there, or
// that later fails more than max_consecutive_failures checks in a row, is
// killed and reported TASK_FAILED "Failed health check! <reason>", so the
// scheduler replaces it. .healthchecksnooze in the sandbox pauses checks.
//
// Kill (reference aurora.md 4.2): the health checks stop, the announcement
// is withdrawn, the lifecycle endpoints are POSTed (/quitquitquit, wait,
// /abortabortabort, wait; early out when the task exits), then the plugin's
// Stop sends SIGTERM and SIGKILL after the grace period.
//
// Announcing (reference aurora.md 2.8 and 4.6): once healthy, a task whose
// job has an announce block is published through the Announcer, a
// ZooKeeper serverset registry configured by AURORA_ANNOUNCER_* variables
// that the scheduler sets in CommandInfo.environment. Members are
// ephemeral and go with the executor's session.
//
// Plugin crashes: the plugin runs under pluginhost's supervision. If its
// process dies (crash, kill -9), the next call (the interrupted Wait, or a
// status refresh) starts a new one and hands it the task with Recover
// before going on; thermos recovers the task from its checkpoint in the
// sandbox, its processes having outlived the plugin (see
// plugins/executor/thermos), so the task stays RUNNING in Mesos without a
// new launch. A task the new process cannot recover is reported TASK_LOST,
// with the reason in the message.
//
// Catalog plugins (catalog.go): when the job's executor is a plugin of the
// cluster's catalog, the scheduler puts the resolved entry in
// AssignedTask.ExecutorPlugin. The executor downloads its binary from the
// scheduler (GET /v1/plugins/blobs/{sha256}) into the agent's PluginCache,
// hashing while it writes and refusing other bytes, reuses a cached copy
// that still hashes to its name, and starts it with the entry's checksum
// (verified again by the host), version, args, env and config. An enabled
// catalog discovery plugin, passed in AURORA_DISCOVERY_PLUGIN, replaces the
// ZooKeeper announcer the same way (catalog_discovery.go).
//
// The executor keeps <sandbox>/.aurora/task.json up to date for the
// observer: the task's identity, state, health, and processes as the
// plugin reports them.
package executor
