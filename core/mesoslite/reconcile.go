package mesoslite

import (
	"sort"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

// reconcile handles RECONCILE (Master::reconcile). Implicit (no tasks): the
// latest state of every task the master knows for the framework. Explicit,
// per task (mesos.md §1.9): its latest state if known; nothing while its agent
// (or, without an agent id, any agent) has not re-registered since a master
// failover; else TASK_GONE when its agent is registered, TASK_UNREACHABLE
// (with unreachable_time) when it is unreachable, TASK_GONE_BY_OPERATOR when
// it was marked gone, TASK_UNKNOWN otherwise — TASK_LOST for all four
// without PARTITION_AWARE. All answers are SOURCE_MASTER,
// REASON_RECONCILIATION and carry no uuid.
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
			state           mesos.TaskState
			message         string
			unreachableTime int64
		)
		aid := rt.GetAgentID().GetValue()
		_, recovering := m.recovered[aid]
		switch {
		case (aid != "" && recovering) || (aid == "" && len(m.recovered) > 0):
			m.log.Info("dropping reconciliation of a task while agents have not re-registered", "framework_id", fw.id,
				"task_id", rt.TaskID.Value, "agent_id", aid)
			continue
		case aid != "" && m.agents[aid] != nil:
			state, message = mesos.TASK_GONE, "Reconciliation: Task is unknown to the agent"
		case aid != "" && m.unreachable[aid] != 0:
			state, message, unreachableTime = mesos.TASK_UNREACHABLE, "Reconciliation: Task is unreachable", m.unreachable[aid]
		case aid != "" && m.gone[aid] != 0:
			state, message = mesos.TASK_GONE_BY_OPERATOR, "Reconciliation: Task is gone"
		default:
			state, message = mesos.TASK_UNKNOWN, "Reconciliation: Task is unknown"
		}
		if !fw.partitionAware() {
			state = mesos.TASK_LOST
		}
		st := m.masterStatus(rt.TaskID.Value, rt.AgentID, state, mesos.REASON_RECONCILIATION, message)
		if unreachableTime != 0 {
			st.UnreachableTime = &mesos.TimeInfo{Nanoseconds: unreachableTime}
		}
		fw.send(updateEvent(st))
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
