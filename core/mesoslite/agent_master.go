package mesoslite

import (
	"context"
	"os"
	"time"

	"github.com/gogo/protobuf/proto"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// This file is the agent's side of its membership: registering with the
// leading master (and again after a master failover, a partition or a
// restart), answering pings, and being shut down by the master.

// maxRegistrationBackoff caps the retries of an unanswered registration
// (--registration_backoff_factor doubling up to one minute in Mesos).
const maxRegistrationBackoff = time.Minute

// report is what the agent tells the master when it (re-)registers.
func (a *Agent) report() agentReport {
	r := agentReport{info: *proto.Clone(&a.info).(*mesos.AgentInfo), endpoint: a.endpoint}
	for _, fid := range sortedKeys(a.frameworks) {
		fw := a.frameworks[fid]
		if fw.terminating {
			continue
		}
		r.frameworks = append(r.frameworks, *proto.Clone(&fw.info).(*mesos.FrameworkInfo))
		for _, ex := range fw.sortedExecutors() {
			if ex.state != executorTerminated {
				info := *proto.Clone(&ex.info).(*mesos.ExecutorInfo)
				info.FrameworkID = &mesos.FrameworkID{Value: fid}
				r.executors = append(r.executors, info)
			}
			for _, t := range ex.orderedTasks() {
				rt := reportedTask{
					frameworkID: fid,
					executorID:  ex.id,
					id:          t.info.TaskID.Value,
					resources:   sumResources(t.info.Resources),
					state:       t.state,
				}
				if head := a.tsum.head(fid, rt.id); head != nil {
					st := head.status.GetState()
					rt.statusUpdateState = &st
					rt.statusUpdateUUID = append([]byte(nil), head.status.UUID...)
					rt.latest = proto.Clone(&head.status).(*mesos.TaskStatus)
				}
				r.tasks = append(r.tasks, rt)
			}
		}
	}
	return r
}

// register sends the report to the leading master and retries with backoff
// until the master answers. Nothing is sent while the agent recovers, is
// down or stopping.
func (a *Agent) register() {
	if a.crashed || a.down || a.stopping || a.detaching || a.recovering || a.isRegistered {
		return
	}
	a.log.Debug("registering with the master", "master_id", a.masterID)
	a.master.registerAgent(a.report())
	backoff := a.regBackoff
	if backoff <= 0 {
		backoff = time.Second
		if a.cluster.AgentPingTimeout < backoff {
			backoff = a.cluster.AgentPingTimeout
		}
	}
	a.regBackoff = min(2*backoff, maxRegistrationBackoff)
	stopTimer(a.regTimer)
	a.regGen++
	gen := a.regGen
	a.regTimer = a.clock.AfterFunc(backoff, func() {
		a.mb.post(func() {
			if a.regGen == gen {
				a.register()
			}
		})
	})
}

// handleMasterDetected follows a new leading master, or a link that came
// back: the agent holds its status updates back and registers again.
func (a *Agent) handleMasterDetected(masterID string) {
	if a.crashed {
		return
	}
	a.masterID = masterID
	if a.down {
		return
	}
	a.log.Info("registering with the leading master", "master_id", masterID)
	a.isRegistered = false
	a.regBackoff = 0
	a.tsum.pause()
	a.register()
}

// handleRegistered is Slave::registered/reregistered: status updates flow
// again, and tasks the master knows but this agent does not get TASK_DROPPED
// (TASK_LOST without PARTITION_AWARE), REASON_RECONCILIATION.
func (a *Agent) handleRegistered(masterID, agentID string, rec []taskReconciliation) {
	if a.crashed || a.down || masterID != a.masterID || agentID != a.id {
		a.log.Debug("ignoring a registration answer", "from_master_id", masterID, "for_agent_id", agentID)
		return
	}
	stopTimer(a.regTimer)
	a.regGen++
	a.regBackoff = 0
	if !a.isRegistered {
		a.log.Info("registered with the master", "master_id", masterID)
		a.isRegistered = true
		a.tsum.resumeAll()
	}
	for _, r := range rec {
		fid := r.framework.GetID().GetValue()
		for _, tid := range r.taskIDs {
			if _, t := a.findTask(fid, tid); t != nil {
				continue
			}
			state := mesos.TASK_LOST
			if partitionAware(r.framework) {
				state = mesos.TASK_DROPPED
			}
			a.log.Warn("reconciling a task unknown to the agent", "framework_id", fid, "task_id", tid, "state", state.String())
			ts := nowSeconds(a.clock)
			msg := "Reconciliation: task unknown to the agent"
			status := mesos.TaskStatus{
				TaskID:    mesos.TaskID{Value: tid},
				State:     state.Enum(),
				Source:    mesos.SOURCE_AGENT.Enum(),
				Reason:    mesos.REASON_RECONCILIATION.Enum(),
				Message:   &msg,
				AgentID:   &mesos.AgentID{Value: a.id},
				Timestamp: &ts,
				UUID:      newUUID(),
			}
			if err := a.tsum.update(&pendingUpdate{frameworkID: fid, status: status}); err != nil {
				a.log.Warn("failed to reconcile task", "framework_id", fid, "task_id", tid, "error", err)
			}
		}
	}
}

// handleShutdownAgent is ShutdownMessage (its machine went DOWN, it was
// marked gone, or it was refused): every executor is shut down, pending
// status updates are dropped, and the agent stays down.
func (a *Agent) handleShutdownAgent(masterID, message string) {
	if a.crashed || a.down {
		return
	}
	a.log.Warn("the master asked the agent to shut down", "master_id", masterID, "message", message)
	a.down = true
	a.isRegistered = false
	stopTimer(a.regTimer)
	stopTimer(a.pingTimer)
	a.regGen++
	a.tsum.stop()
	for _, fid := range sortedKeys(a.frameworks) {
		fw := a.frameworks[fid]
		fw.terminating = true
		for _, ex := range fw.sortedExecutors() {
			a.terminateExecutor(fw, ex)
			a.maybeRemoveExecutor(fw, ex)
		}
		a.maybeRemoveFramework(fw)
	}
	a.dirty = map[*agentExecutor]struct{}{}
	if err := os.RemoveAll(a.metaDir); err != nil {
		a.log.Warn("removing the checkpointed state failed", "error", err)
	}
}

// handleRestartFresh brings a down agent back as a new agent with a new id,
// as an operator restarting it after maintenance would.
func (a *Agent) handleRestartFresh(id, masterID string) {
	if a.crashed {
		return
	}
	a.log.Info("agent starts again with a new id", "new_agent_id", id)
	// Executors still shutting down finish in the background (their
	// watchers hold them); the new agent starts empty.
	a.frameworks = map[string]*agentFramework{}
	a.dirty = map[*agentExecutor]struct{}{}
	a.setID(id)
	a.down = false
	a.masterID = masterID
	a.isRegistered = false
	a.regBackoff = 0
	a.writeAgentMeta()
	a.register()
}

// handlePing answers the master's health check and re-arms the watchdog
// that has the agent register again when the pings stop while it believes it
// is registered (e.g. the master marked it unreachable and forgot it).
func (a *Agent) handlePing() {
	if a.crashed || a.down {
		return
	}
	a.master.pong(a.id)
	stopTimer(a.pingTimer)
	a.pingGen++
	gen := a.pingGen
	timeout := a.cluster.AgentPingTimeout * time.Duration(a.cluster.MaxAgentPingTimeouts)
	a.pingTimer = a.clock.AfterFunc(timeout, func() {
		a.mb.post(func() {
			if a.pingGen == gen && a.isRegistered && !a.crashed && !a.down {
				a.log.Warn("no ping from the master; registering again", "timeout", timeout)
				a.handleMasterDetected(a.masterID)
			}
		})
	})
}

// crash is the agent process dying (RestartAgent, Detach): its checkpoints
// are written, every executor connection is cut, every timer stopped, and
// the actor stops at once. Executors of checkpointing frameworks keep running
// for a recovering agent to re-attach to; the others are killed, as nothing
// could recover them.
func (a *Agent) crash() {
	a.flushCheckpoints()
	a.crashed = true
	a.stopping = true
	close(a.detached)
	a.cancel()
	a.tsum.stop()
	stopTimer(a.regTimer)
	stopTimer(a.recoverTimer)
	stopTimer(a.pingTimer)
	for _, fw := range a.frameworks {
		for _, ex := range fw.executors {
			stopTimer(ex.regTimer)
			stopTimer(ex.graceTimer)
			if ex.stream != nil {
				ex.stream.cut()
				ex.stream = nil
			}
			if !fw.info.GetCheckpoint() && ex.state != executorTerminated {
				a.destroy(ex)
			}
		}
	}
	a.log.Info("agent stopped, leaving checkpointed executors running")
	a.mb.abort()
}

// detach shuts down the executors of frameworks that do not checkpoint and
// waits for them (killing them when ctx ends), then crashes the agent.
func (a *Agent) detach(ctx context.Context) error {
	var procs []procHandle
	err := a.mb.call(ctx, func() {
		a.detaching = true
		for _, fw := range a.frameworks {
			if fw.info.GetCheckpoint() {
				continue
			}
			fw.terminating = true
			for _, ex := range fw.sortedExecutors() {
				a.terminateExecutor(fw, ex)
				if ex.proc != nil {
					procs = append(procs, ex.proc)
				}
			}
		}
	})
	for _, p := range procs {
		select {
		case <-p.Done():
		case <-ctx.Done():
			p.Kill()
			<-p.Done()
		}
	}
	if cerr := a.mb.call(context.Background(), a.crash); err == nil {
		err = cerr
	}
	return err
}

// Messages from the master and the cluster.

func (a *Agent) ping(string) { a.mb.post(a.handlePing) }

func (a *Agent) registered(masterID, agentID string, rec []taskReconciliation) {
	a.mb.post(func() { a.handleRegistered(masterID, agentID, rec) })
}

func (a *Agent) shutdownAgent(masterID, message string) {
	a.mb.post(func() { a.handleShutdownAgent(masterID, message) })
}

func (a *Agent) masterDetected(masterID string) {
	a.mb.post(func() { a.handleMasterDetected(masterID) })
}
