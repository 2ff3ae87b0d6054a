// Package executor is Aurora's Mesos executor (`aurora executor`): an agent
// starts it once per task with the MESOS_* environment. It subscribes over
// the v1 executor HTTP API (mesos-go httpexec), starts the task's executor
// plugin out of process, binds the runtime templates, and reports
// TASK_STARTING, TASK_RUNNING and the terminal state. Updates are kept
// until the agent acknowledges them and re-sent after a reconnect.
package executor
