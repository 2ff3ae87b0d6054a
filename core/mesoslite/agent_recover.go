package mesoslite

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gogo/protobuf/proto"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// recover is agent recovery with --recover=reconnect (Slave::recover): the
// checkpointed frameworks, executors, tasks and unacknowledged status
// updates come back; executors whose process still runs have
// ExecutorReregistrationTimeout to subscribe again, after which they are
// destroyed; executors whose process is gone are terminated (their live tasks
// fail). Status updates are held until the agent has registered with the
// master, which it does once every recovered executor has subscribed again
// or the timeout has passed.
func (a *Agent) recover(masterID string) {
	a.masterID = masterID
	a.tsum.pause()
	a.writeAgentMeta()
	cps, err := a.readCheckpoint()
	if err != nil {
		a.log.Error("cannot recover the checkpointed state; starting empty", "error", err)
		cps = nil
		if err := os.RemoveAll(filepath.Join(a.metaDir, "frameworks")); err != nil {
			a.log.Warn("removing the checkpointed state failed", "error", err)
		}
	}
	var dead []*agentExecutor
	for _, fid := range sortedKeys(cps) {
		cf := cps[fid]
		fw := &agentFramework{id: fid, info: cf.info, executors: map[string]*agentExecutor{}}
		a.frameworks[fid] = fw
		for _, ec := range cf.executors {
			ex, err := a.recoverExecutor(fw, ec)
			if err != nil {
				a.log.Error("cannot recover an executor", "framework_id", fid, "error", err)
				continue
			}
			fw.executors[ex.id] = ex
			a.markDirty(ex)
			if ex.state == executorRunning && ex.proc == nil {
				dead = append(dead, ex)
			}
		}
	}
	for _, ex := range dead {
		a.log.Warn("recovered executor is gone", "framework_id", ex.frameworkID, "executor_id", ex.id, "pid", ex.pid)
		fw := a.frameworks[ex.frameworkID]
		a.executorExited(fw, ex, nil)
	}
	for _, fw := range a.frameworks {
		a.maybeRemoveFramework(fw)
	}
	for _, fw := range a.frameworks {
		for _, ex := range fw.executors {
			if ex.recovered {
				a.recovering = true
			}
		}
	}
	if !a.recovering {
		a.log.Info("agent recovered", "frameworks", len(a.frameworks))
		a.register()
		return
	}
	timeout := a.cluster.ExecutorReregistrationTimeout
	a.log.Info("agent recovered; waiting for executors to subscribe again", "frameworks", len(a.frameworks), "timeout", timeout)
	a.recoverTimer = a.clock.AfterFunc(timeout, func() { a.mb.post(a.reregistrationTimeout) })
}

// recoverExecutor rebuilds one executor from its checkpoint and re-attaches
// to its process. A dead process is reported by state RUNNING and no proc.
func (a *Agent) recoverExecutor(fw *agentFramework, ec executorCheckpoint) (*agentExecutor, error) {
	var info mesos.ExecutorInfo
	if err := proto.Unmarshal(ec.Info, &info); err != nil {
		return nil, fmt.Errorf("executor info: %w", err)
	}
	ex := &agentExecutor{
		id:          info.ExecutorID.Value,
		frameworkID: fw.id,
		info:        info,
		containerID: ec.ContainerID,
		directory:   ec.Directory,
		grace:       ec.Grace,
		pid:         ec.PID,
		start:       ec.StartTime,
		tasks:       map[string]*agentTask{},
	}
	for _, tc := range ec.Tasks {
		var ti mesos.TaskInfo
		if err := proto.Unmarshal(tc.Info, &ti); err != nil {
			return nil, fmt.Errorf("task info: %w", err)
		}
		// Queued tasks count as launched: if the executor does not know
		// them when it subscribes again they are dropped
		// (REASON_AGENT_RESTARTED).
		ex.tasks[ti.TaskID.Value] = &agentTask{info: ti, state: mesos.TaskState(tc.State)}
		var pending []mesos.TaskStatus
		for _, b := range tc.Pending {
			var st mesos.TaskStatus
			if err := proto.Unmarshal(b, &st); err != nil {
				return nil, fmt.Errorf("status update: %w", err)
			}
			pending = append(pending, st)
		}
		if len(pending) > 0 || len(tc.Acked) > 0 {
			a.tsum.restore(fw.id, ti.TaskID.Value, pending, tc.Acked)
		}
	}
	if ec.State == executorTerminated.String() {
		ex.state = executorTerminated
		return ex, nil
	}
	h := reattach(ec.ContainerID, ec.PID, ec.StartTime, a.clock, a.detached)
	if h == nil {
		ex.state = executorRunning
		return ex, nil
	}
	ex.proc = h
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.watch(fw, ex, h)
	}()
	if ec.State == executorTerminating.String() {
		a.log.Info("destroying a recovered executor that was terminating", "framework_id", fw.id, "executor_id", ex.id)
		ex.state = executorTerminating
		a.destroy(ex)
		return ex, nil
	}
	a.log.Info("re-attached to a running executor", "framework_id", fw.id, "executor_id", ex.id, "pid", ex.pid)
	ex.state = executorRegistering
	ex.recovered = true
	return ex, nil
}

// executorResubscribed ends the wait for a recovered executor.
func (a *Agent) executorResubscribed(ex *agentExecutor) {
	if !ex.recovered {
		return
	}
	ex.recovered = false
	if !a.recovering {
		return
	}
	for _, fw := range a.frameworks {
		for _, e := range fw.executors {
			if e.recovered {
				return
			}
		}
	}
	stopTimer(a.recoverTimer)
	a.recovering = false
	a.log.Info("every recovered executor subscribed again")
	a.register()
}

// reregistrationTimeout is Slave::reregisterExecutorTimeout: recovered
// executors that did not subscribe again are destroyed; their tasks become
// TASK_GONE (TASK_LOST without PARTITION_AWARE),
// REASON_EXECUTOR_REREGISTRATION_TIMEOUT. Then the agent registers.
func (a *Agent) reregistrationTimeout() {
	if !a.recovering || a.crashed {
		return
	}
	timeout := a.cluster.ExecutorReregistrationTimeout
	for _, fid := range sortedKeys(a.frameworks) {
		fw := a.frameworks[fid]
		for _, ex := range fw.sortedExecutors() {
			if !ex.recovered || ex.state != executorRegistering {
				continue
			}
			a.log.Warn("recovered executor did not subscribe again in time; destroying it", "framework_id", fid,
				"executor_id", ex.id, "timeout", timeout)
			state := mesos.TASK_LOST
			if partitionAware(fw.info) {
				state = mesos.TASK_GONE
			}
			ex.pending = &termination{state, mesos.REASON_EXECUTOR_REREGISTRATION_TIMEOUT,
				"Executor did not reregister within " + stoutDuration(timeout)}
			ex.recovered = false
			ex.state = executorTerminating
			a.markDirty(ex)
			a.destroy(ex)
		}
	}
	a.recovering = false
	a.register()
}
