package mesoslite

import (
	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// Simulated executors (AgentConfig.SimulateExecutors) start no process: the
// agent answers a task's LAUNCH itself with TASK_STARTING and TASK_RUNNING,
// and its KILL with TASK_KILLED, as an executor that always succeeds would.
// Everything else is as for a real executor: the updates carry the
// executor's id and a fresh uuid, go through the agent's status update
// manager (one stream per task, retried until acknowledged), and the
// executor "exits" (the master is told) once it has no live task. Nothing
// is checkpointed: there is no process to recover. Benchmarks use them to
// run tens of thousands of tasks on one machine.

// runSimulatedTask is handleRunTask for an agent with simulated executors.
func (a *Agent) runSimulatedTask(fw *agentFramework, t mesos.TaskInfo) {
	fid, tid := fw.id, t.TaskID.Value
	ex := fw.executors[t.Executor.ExecutorID.Value]
	if ex != nil && ex.state != executorRunning {
		a.log.Warn("task for a terminating executor", "framework_id", fid, "task_id", tid, "executor_id", ex.id)
		a.agentUpdate(fw, nil, tid, a.lostState(fw), mesos.REASON_EXECUTOR_TERMINATED, "Executor terminating")
		if ex.state == executorTerminated {
			a.master.exitedExecutor(a.id, fid, ex.id, nil)
		}
		return
	}
	if ex == nil {
		ex = &agentExecutor{
			id:          t.Executor.ExecutorID.Value,
			frameworkID: fid,
			info:        *t.Executor,
			containerID: uuidString(newUUID()),
			grace:       a.cluster.ExecutorShutdownGrace,
			state:       executorRunning,
			tasks:       map[string]*agentTask{},
			simulated:   true,
		}
		fw.executors[ex.id] = ex
	}
	ex.tasks[tid] = &agentTask{info: t, state: mesos.TASK_STAGING}
	fw.indexTask(tid, ex)
	a.simulatedUpdate(fw, ex, tid, mesos.TASK_STARTING)
	a.simulatedUpdate(fw, ex, tid, mesos.TASK_RUNNING)
}

// simulatedUpdate is an UPDATE call from a simulated executor.
func (a *Agent) simulatedUpdate(fw *agentFramework, ex *agentExecutor, taskID string, state mesos.TaskState) {
	a.executorUpdate(fw, ex, mesos.TaskStatus{
		TaskID: mesos.TaskID{Value: taskID},
		State:  state.Enum(),
		Source: mesos.SOURCE_EXECUTOR.Enum(),
		UUID:   newUUID(),
	})
}

// killSimulatedTask answers KILL: the task is KILLED, and an executor left
// without live tasks exits.
func (a *Agent) killSimulatedTask(fw *agentFramework, ex *agentExecutor, t *agentTask) {
	if !isTerminal(t.state) {
		a.simulatedUpdate(fw, ex, t.info.TaskID.Value, mesos.TASK_KILLED)
	}
	if !ex.hasLiveTasks() {
		a.simulatedExit(fw, ex)
	}
}

// terminateSimulated answers SHUTDOWN: every live task is KILLED and the
// executor exits.
func (a *Agent) terminateSimulated(fw *agentFramework, ex *agentExecutor) {
	if !fw.terminating && !a.stopping {
		for _, t := range ex.orderedTasks() {
			if !isTerminal(t.state) {
				a.simulatedUpdate(fw, ex, t.info.TaskID.Value, mesos.TASK_KILLED)
			}
		}
	}
	a.simulatedExit(fw, ex)
}

func (a *Agent) simulatedExit(fw *agentFramework, ex *agentExecutor) {
	var status int32
	a.executorExited(fw, ex, &status)
}
