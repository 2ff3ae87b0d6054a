package mesoslite

import (
	"sort"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

// reconcile handles RECONCILE (Master::reconcile). Implicit (no tasks): the
// latest state of every task the master knows for the framework. Explicit:
// per task, its latest state if known, else TASK_GONE when its agent is
// registered, TASK_UNKNOWN when the agent is unknown or not given (TASK_LOST
// for frameworks without PARTITION_AWARE). All answers are SOURCE_MASTER,
// REASON_RECONCILIATION and carry no uuid.
//
// The "no reply while an agent is recovering" case of Mesos never arises here:
// agents are registered from the start and there is no master failover.
func (m *Master) reconcile(fw *framework, tasks []scheduler.Call_Reconcile_Task) {
	if len(tasks) == 0 {
		ids := make([]string, 0, len(fw.tasks))
		for id := range fw.tasks {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			fw.send(updateEvent(m.reconciledStatus(fw.tasks[id])))
		}
		return
	}
	for _, rt := range tasks {
		if t := fw.tasks[rt.TaskID.Value]; t != nil {
			fw.send(updateEvent(m.reconciledStatus(t)))
			continue
		}
		var (
			state   mesos.TaskState
			message string
		)
		switch {
		case rt.AgentID != nil && m.agents[rt.AgentID.Value] != nil:
			state, message = mesos.TASK_GONE, "Reconciliation: Task is unknown to the agent"
		default:
			state, message = mesos.TASK_UNKNOWN, "Reconciliation: Task is unknown"
		}
		if !fw.partitionAware() {
			state = mesos.TASK_LOST
		}
		fw.send(updateEvent(m.masterStatus(rt.TaskID.Value, rt.AgentID, state, mesos.REASON_RECONCILIATION, message)))
	}
}

// reconciledStatus is the latest state of a known task: the state of the head
// of its status-update stream if there is one, else its state.
func (m *Master) reconciledStatus(t *task) mesos.TaskStatus {
	state := t.state
	if t.statusUpdateState != nil {
		state = *t.statusUpdateState
	}
	s := m.masterStatus(t.id, &mesos.AgentID{Value: t.agentID}, state, mesos.REASON_RECONCILIATION,
		"Reconciliation: Latest task state")
	s.ExecutorID = &mesos.ExecutorID{Value: t.executorID}
	if t.latest != nil {
		s.Healthy = t.latest.Healthy
		s.CheckStatus = t.latest.CheckStatus
		s.ContainerStatus = t.latest.ContainerStatus
	}
	return s
}
