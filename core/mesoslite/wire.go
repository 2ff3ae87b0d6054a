package mesoslite

import (
	"sync/atomic"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// agentLink is how the master messages an agent. Every method only queues the
// message on the agent's mailbox.
type agentLink interface {
	// runTask hands the task over: the caller must not refer to it, or to
	// anything it points to, afterwards. (The master launches the TaskInfo
	// of the call it handles, which nothing else refers to, and keeps its
	// own copy of the executor.)
	runTask(fw mesos.FrameworkInfo, task mesos.TaskInfo)
	killTask(frameworkID, taskID string, policy *mesos.KillPolicy)
	shutdownExecutor(frameworkID, executorID string)
	shutdownFramework(frameworkID string)
	acknowledge(frameworkID, taskID string, uuid []byte)
	frameworkMessage(frameworkID, executorID string, data []byte)
	updateFramework(fw mesos.FrameworkInfo)
	ping(masterID string)
	// registered answers a (re-)registration: the agent resumes its status
	// updates and reconciles the tasks the master knows but it did not report.
	registered(masterID, agentID string, reconcile []taskReconciliation)
	// shutdownAgent is ShutdownMessage: the agent kills everything and stops.
	shutdownAgent(masterID, message string)
}

// masterLink is how an agent messages the leading master. Every method only
// queues the message on the master's mailbox.
type masterLink interface {
	statusUpdate(agentID string, u statusUpdateMsg)
	exitedExecutor(agentID, frameworkID, executorID string, status *int32)
	executorMessage(agentID, frameworkID, executorID string, data []byte)
	pong(agentID string)
	registerAgent(r agentReport)
}

// taskReconciliation asks an agent about tasks of a framework that the master
// knows and the agent did not report when it re-registered.
type taskReconciliation struct {
	framework mesos.FrameworkInfo
	taskIDs   []string
}

// wire is the network between the masters and one agent slot: messages go to
// whichever master leads and to the slot's current agent actor, and all of
// them are dropped while the wire is cut (a partition).
type wire struct {
	up     atomic.Bool
	agent  func() *Agent
	master func() *Master
}

func newWire(agent func() *Agent, master func() *Master) *wire {
	w := &wire{agent: agent, master: master}
	w.up.Store(true)
	return w
}

func (w *wire) toAgent() *Agent {
	if !w.up.Load() {
		return nil
	}
	return w.agent()
}

func (w *wire) toMaster() *Master {
	if !w.up.Load() {
		return nil
	}
	return w.master()
}

// agentSide is the wire seen from the master.
type agentSide struct{ w *wire }

func (l agentSide) runTask(fw mesos.FrameworkInfo, t mesos.TaskInfo) {
	if a := l.w.toAgent(); a != nil {
		a.runTask(fw, t)
	}
}

func (l agentSide) killTask(frameworkID, taskID string, policy *mesos.KillPolicy) {
	if a := l.w.toAgent(); a != nil {
		a.killTask(frameworkID, taskID, policy)
	}
}

func (l agentSide) shutdownExecutor(frameworkID, executorID string) {
	if a := l.w.toAgent(); a != nil {
		a.shutdownExecutor(frameworkID, executorID)
	}
}

func (l agentSide) shutdownFramework(frameworkID string) {
	if a := l.w.toAgent(); a != nil {
		a.shutdownFramework(frameworkID)
	}
}

func (l agentSide) acknowledge(frameworkID, taskID string, uuid []byte) {
	if a := l.w.toAgent(); a != nil {
		a.acknowledge(frameworkID, taskID, uuid)
	}
}

func (l agentSide) frameworkMessage(frameworkID, executorID string, data []byte) {
	if a := l.w.toAgent(); a != nil {
		a.frameworkMessage(frameworkID, executorID, data)
	}
}

func (l agentSide) updateFramework(fw mesos.FrameworkInfo) {
	if a := l.w.toAgent(); a != nil {
		a.updateFramework(fw)
	}
}

func (l agentSide) ping(masterID string) {
	if a := l.w.toAgent(); a != nil {
		a.ping(masterID)
	}
}

func (l agentSide) registered(masterID, agentID string, reconcile []taskReconciliation) {
	if a := l.w.toAgent(); a != nil {
		a.registered(masterID, agentID, reconcile)
	}
}

func (l agentSide) shutdownAgent(masterID, message string) {
	if a := l.w.toAgent(); a != nil {
		a.shutdownAgent(masterID, message)
	}
}

// masterSide is the wire seen from the agent.
type masterSide struct{ w *wire }

func (l masterSide) statusUpdate(agentID string, u statusUpdateMsg) {
	if m := l.w.toMaster(); m != nil {
		m.statusUpdate(agentID, u)
	}
}

func (l masterSide) exitedExecutor(agentID, frameworkID, executorID string, status *int32) {
	if m := l.w.toMaster(); m != nil {
		m.exitedExecutor(agentID, frameworkID, executorID, status)
	}
}

func (l masterSide) executorMessage(agentID, frameworkID, executorID string, data []byte) {
	if m := l.w.toMaster(); m != nil {
		m.executorMessage(agentID, frameworkID, executorID, data)
	}
}

func (l masterSide) pong(agentID string) {
	if m := l.w.toMaster(); m != nil {
		m.pong(agentID)
	}
}

func (l masterSide) registerAgent(r agentReport) {
	if m := l.w.toMaster(); m != nil {
		m.registerAgent(r, agentSide{l.w})
	}
}
