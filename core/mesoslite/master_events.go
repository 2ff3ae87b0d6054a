package mesoslite

import (
	"bytes"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

// This file holds the master's handling of scheduler calls that go to agents
// and of messages that come back from them.

// kill handles KILL: an unknown task is answered by explicit reconciliation;
// a known one is killed by its agent (repeated KILLs are sent again).
func (m *Master) kill(fw *framework, k *scheduler.Call_Kill) {
	t := fw.tasks[k.TaskID.Value]
	if t == nil {
		m.log.Warn("cannot kill an unknown task; reconciling it", "framework_id", fw.id, "task_id", k.TaskID.Value)
		m.reconcile(fw, []scheduler.Call_Reconcile_Task{{TaskID: k.TaskID, AgentID: k.AgentID}})
		return
	}
	a := m.agents[t.agentID]
	if a == nil {
		return
	}
	m.log.Info("killing task", "framework_id", fw.id, "task_id", t.id, "agent_id", a.id)
	if a.killed[fw.id] == nil {
		a.killed[fw.id] = map[string]bool{}
	}
	a.killed[fw.id][t.id] = true
	a.link.killTask(fw.id, t.id, k.KillPolicy)
}

// shutdownExecutor handles SHUTDOWN. The executor stays on the master's books
// until the agent reports that it exited.
func (m *Master) shutdownExecutor(fw *framework, s *scheduler.Call_Shutdown) {
	a := m.agents[s.AgentID.Value]
	if a == nil {
		m.log.Warn("cannot shut down an executor on an unknown agent", "framework_id", fw.id, "agent_id", s.AgentID.Value)
		return
	}
	m.log.Info("shutting down executor", "framework_id", fw.id, "executor_id", s.ExecutorID.Value, "agent_id", a.id)
	a.link.shutdownExecutor(fw.id, s.ExecutorID.Value)
}

// acknowledge handles ACKNOWLEDGE: forwarded to the agent's status-update
// stream. An ACK of a terminal update removes the task. Unknown agents and
// tasks are only logged (the call is still 202).
func (m *Master) acknowledge(fw *framework, ack *scheduler.Call_Acknowledge) {
	if take(&m.faults.dropAcks) {
		m.log.Warn("fault injection: dropping an acknowledgement", "framework_id", fw.id, "task_id", ack.TaskID.Value)
		return
	}
	a := m.agents[ack.AgentID.Value]
	if a == nil {
		m.log.Warn("cannot send an acknowledgement to an unknown agent", "framework_id", fw.id,
			"agent_id", ack.AgentID.Value, "task_id", ack.TaskID.Value)
		return
	}
	if t := a.tasks[fw.id][ack.TaskID.Value]; t != nil {
		if t.statusUpdateState != nil && isTerminal(*t.statusUpdateState) && bytes.Equal(t.statusUpdateUUID, ack.UUID) {
			m.removeTask(t)
		}
	} else {
		m.log.Debug("acknowledgement for an unknown task", "framework_id", fw.id, "task_id", ack.TaskID.Value)
	}
	a.link.acknowledge(fw.id, ack.TaskID.Value, ack.UUID)
}

// message handles MESSAGE: best-effort delivery to the executor.
func (m *Master) message(fw *framework, msg *scheduler.Call_Message) {
	a := m.agents[msg.AgentID.Value]
	if a == nil {
		m.log.Warn("cannot send a framework message to an unknown agent", "framework_id", fw.id, "agent_id", msg.AgentID.Value)
		return
	}
	a.link.frameworkMessage(fw.id, msg.ExecutorID.Value, msg.Data)
}

// statusUpdateMsg is a StatusUpdateMessage from an agent: the status (with its
// uuid if it is reliable) and the newest state of the task at the agent.
type statusUpdateMsg struct {
	frameworkID string
	status      mesos.TaskStatus
	latestState *mesos.TaskState
}

// handleStatusUpdate is Master::statusUpdate: forward to a connected
// framework (dropped otherwise; the agent retries), then update the task.
func (m *Master) handleStatusUpdate(agentID string, u statusUpdateMsg) {
	a := m.agents[agentID]
	if a == nil {
		m.log.Warn("ignoring status update from an unknown agent", "agent_id", agentID)
		return
	}
	taskID := u.status.TaskID.Value
	fw := m.frameworks[u.frameworkID]
	switch {
	case fw != nil && fw.connected() && take(&m.faults.dropUpdates):
		m.log.Warn("fault injection: dropping a status update", "framework_id", u.frameworkID, "task_id", taskID,
			"state", u.status.GetState().String())
	case fw != nil && fw.connected():
		fw.send(updateEvent(u.status))
		if take(&m.faults.duplicateUpdates) {
			m.log.Warn("fault injection: duplicating a status update", "framework_id", u.frameworkID, "task_id", taskID,
				"state", u.status.GetState().String())
			fw.send(updateEvent(clone(&u.status)))
		}
	default:
		m.log.Warn("dropping status update for a disconnected or unknown framework", "framework_id", u.frameworkID,
			"task_id", taskID, "state", u.status.GetState().String())
	}
	t := a.tasks[u.frameworkID][taskID]
	if t == nil {
		m.log.Debug("status update for an unknown task", "framework_id", u.frameworkID, "task_id", taskID)
		return
	}
	latest := u.status.GetState()
	if u.latestState != nil {
		latest = *u.latestState
	}
	// A terminal task never changes state again; its resources were
	// recovered when it became terminal (see available).
	if !isTerminal(t.state) {
		t.state = latest
	}
	if len(u.status.UUID) > 0 {
		st := u.status.GetState()
		t.statusUpdateState = &st
		t.statusUpdateUUID = append([]byte(nil), u.status.UUID...)
	}
	status := u.status
	t.latest = &status
}

// handleExitedExecutor is Master::exitedExecutor: the executor's resources
// return and the framework gets FAILURE{executor_id, agent_id, status}.
func (m *Master) handleExitedExecutor(agentID, frameworkID, executorID string, status *int32) {
	a := m.agents[agentID]
	if a == nil {
		return
	}
	if _, ok := a.executors[frameworkID][executorID]; !ok {
		m.log.Debug("ignoring an unknown exited executor", "framework_id", frameworkID, "executor_id", executorID)
		return
	}
	delete(a.executors[frameworkID], executorID)
	if len(a.executors[frameworkID]) == 0 {
		delete(a.executors, frameworkID)
	}
	m.log.Info("executor exited", "framework_id", frameworkID, "executor_id", executorID, "agent_id", agentID,
		"status", waitStatusString(status))
	if fw := m.frameworks[frameworkID]; fw != nil {
		fw.send(&scheduler.Event{Type: scheduler.Event_FAILURE, Failure: &scheduler.Event_Failure{
			AgentID:    &mesos.AgentID{Value: agentID},
			ExecutorID: &mesos.ExecutorID{Value: executorID},
			Status:     status,
		}})
	}
}

// handleExecutorMessage forwards an executor's MESSAGE to its framework.
func (m *Master) handleExecutorMessage(agentID, frameworkID, executorID string, data []byte) {
	fw := m.frameworks[frameworkID]
	if fw == nil || !fw.connected() {
		m.log.Warn("dropping executor message for a disconnected or unknown framework", "framework_id", frameworkID)
		return
	}
	fw.send(&scheduler.Event{Type: scheduler.Event_MESSAGE, Message: &scheduler.Event_Message{
		AgentID:    mesos.AgentID{Value: agentID},
		ExecutorID: mesos.ExecutorID{Value: executorID},
		Data:       data,
	}})
}

// Messages from agents. Each only queues work on the master's mailbox.

func (m *Master) statusUpdate(agentID string, u statusUpdateMsg) {
	m.mb.post(func() { m.handleStatusUpdate(agentID, u) })
}

func (m *Master) exitedExecutor(agentID, frameworkID, executorID string, status *int32) {
	m.mb.post(func() { m.handleExitedExecutor(agentID, frameworkID, executorID, status) })
}

func (m *Master) executorMessage(agentID, frameworkID, executorID string, data []byte) {
	m.mb.post(func() { m.handleExecutorMessage(agentID, frameworkID, executorID, data) })
}
