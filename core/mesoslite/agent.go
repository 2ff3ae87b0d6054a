package mesoslite

import (
	"context"
	"net"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/gogo/protobuf/proto"
	hclog "github.com/hashicorp/go-hclog"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/executor"
)

// Agent is an embedded Mesos agent actor: it runs executors as child processes
// and serves the v1 executor API on its own port. All fields below mb are
// owned by its mailbox goroutine.
type Agent struct {
	id       string
	cfg      AgentConfig
	cluster  Config
	workDir  string
	metaDir  string // checkpointed state (see checkpoint.go)
	log      hclog.Logger
	clock    Clock
	master   masterLink
	info     mesos.AgentInfo
	endpoint string // ip:port of the executor API (MESOS_AGENT_ENDPOINT)

	mb         *mailbox
	frameworks map[string]*agentFramework
	tsum       *statusUpdateManager
	stopping   bool // Shutdown under way
	detaching  bool // Detach under way
	crashed    bool // the actor is gone (RestartAgent, Detach)
	down       bool // shut down by the master: marked gone, or its machine is DOWN

	// Registration with the leading master.
	masterID     string
	isRegistered bool
	regTimer     Timer
	regBackoff   time.Duration
	regGen       int
	// pingTimer fires when the master has not pinged for
	// AgentPingTimeout * MaxAgentPingTimeouts: the agent then assumes the
	// master lost it and registers again (Slave::pingTimeout).
	pingTimer Timer
	pingGen   int

	// recovering is set while executors recovered from the checkpoint may
	// still subscribe again; the agent registers when it ends.
	recovering   bool
	recoverTimer Timer

	// dirty executors have their checkpoint written after the current batch
	// of messages.
	dirty map[*agentExecutor]struct{}

	// ctx is cancelled when the agent is shut down; it aborts fetches.
	ctx    context.Context
	cancel context.CancelFunc
	// detached is closed when the actor crashes: the goroutines watching
	// executor processes stop without reporting.
	detached chan struct{}
	// wg tracks each executor's launch-and-watch goroutine.
	wg     sync.WaitGroup
	forker *forker
}

// agentFramework is the agent's record of a framework with executors here.
type agentFramework struct {
	id          string
	info        mesos.FrameworkInfo
	executors   map[string]*agentExecutor
	terminating bool
	// taskExecutor remembers which executor findTask found a task in; a
	// hint that findTask checks, so that it does not go through every
	// executor of the framework for each update and acknowledgement.
	taskExecutor map[string]*agentExecutor
}

func newAgent(id string, cfg AgentConfig, cluster Config, workDir string, master masterLink, f *forker) *Agent {
	ctx, cancel := context.WithCancel(context.Background())
	a := &Agent{
		id:         id,
		cfg:        cfg,
		cluster:    cluster,
		workDir:    workDir,
		metaDir:    filepath.Join(workDir, "meta"),
		clock:      cluster.Clock,
		master:     master,
		mb:         newMailbox(),
		frameworks: map[string]*agentFramework{},
		dirty:      map[*agentExecutor]struct{}{},
		ctx:        ctx,
		cancel:     cancel,
		detached:   make(chan struct{}),
		forker:     f,
	}
	a.setID(id)
	a.mb.idle = a.flushCheckpoints
	return a
}

// setID names the agent; a new id also means a new status update manager.
func (a *Agent) setID(id string) {
	a.id = id
	a.log = a.cluster.Logger.Named("agent").With("agent_id", id, "hostname", a.cfg.Hostname)
	a.tsum = newStatusUpdateManager(a.log.Named("status_updates"), a.clock, a.mb.post, a.forwardUpdate,
		a.cluster.StatusUpdateRetry, a.cluster.StatusUpdateRetryMax)
	if a.info.ID != nil {
		a.info.ID = &mesos.AgentID{Value: id}
	}
}

// setAddress fills AgentInfo once the listener is bound; before the actor starts.
func (a *Agent) setAddress(addr *net.TCPAddr) {
	ip := addr.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	a.endpoint = net.JoinHostPort(ip.String(), strconv.Itoa(addr.Port))
	port := int32(addr.Port)
	a.info = mesos.AgentInfo{
		Hostname:   a.cfg.Hostname,
		Port:       &port,
		Resources:  agentResources(a.cfg),
		Attributes: agentAttributes(a.cfg.Attributes),
		ID:         &mesos.AgentID{Value: a.id},
	}
}

// forwardUpdate sends the head of a status-update stream to the master with
// the task's newest state at the agent as latest_state.
func (a *Agent) forwardUpdate(u *pendingUpdate) {
	tid := u.status.TaskID.Value
	latest, ok := mesos.TaskState(0), false
	if _, t := a.findTask(u.frameworkID, tid); t != nil {
		latest, ok = t.state, true
	} else {
		latest, ok = a.tsum.latestState(u.frameworkID, tid)
	}
	msg := statusUpdateMsg{frameworkID: u.frameworkID, status: clone(&u.status)}
	if ok {
		msg.latestState = latest.Enum()
	}
	a.master.statusUpdate(a.id, msg)
}

// findTask finds a task that the agent still tracks (until its terminal update
// is acknowledged) and its executor.
func (a *Agent) findTask(frameworkID, taskID string) (*agentExecutor, *agentTask) {
	fw := a.frameworks[frameworkID]
	if fw == nil {
		return nil, nil
	}
	if ex := fw.taskExecutor[taskID]; ex != nil && fw.executors[ex.id] == ex {
		if t := ex.tasks[taskID]; t != nil {
			return ex, t
		}
	}
	for _, ex := range fw.executors {
		if t := ex.tasks[taskID]; t != nil {
			fw.indexTask(taskID, ex)
			return ex, t
		}
	}
	return nil, nil
}

// indexTask notes that the task is ex's (see taskExecutor).
func (fw *agentFramework) indexTask(taskID string, ex *agentExecutor) {
	if fw.taskExecutor == nil {
		fw.taskExecutor = map[string]*agentExecutor{}
	}
	fw.taskExecutor[taskID] = ex
}

// statusUpdate records a reliable update (executor or agent generated): the
// task's state changes (never away from a terminal one) and the update enters
// the task's stream. Duplicates are dropped.
func (a *Agent) statusUpdate(frameworkID string, ex *agentExecutor, status mesos.TaskStatus) {
	if fw := a.frameworks[frameworkID]; fw != nil && fw.terminating {
		a.log.Warn("ignoring status update for a terminating framework", "framework_id", frameworkID,
			"task_id", status.TaskID.Value, "state", status.GetState().String())
		return
	}
	if a.tsum.isDuplicate(frameworkID, &status) {
		return
	}
	if ex != nil {
		if t := ex.tasks[status.TaskID.Value]; t != nil && !isTerminal(t.state) {
			t.state = status.GetState()
			if t.queued && isTerminal(t.state) {
				ex.dequeue(t.info.TaskID.Value)
			}
		}
		a.markDirty(ex)
	}
	if err := a.tsum.update(&pendingUpdate{frameworkID: frameworkID, status: status}); err != nil {
		a.log.Warn("failed to handle status update", "framework_id", frameworkID, "task_id", status.TaskID.Value, "error", err)
	}
}

// agentUpdate generates a reliable update from the agent (SOURCE_AGENT, fresh
// version 4 uuid).
func (a *Agent) agentUpdate(fw *agentFramework, ex *agentExecutor, taskID string, state mesos.TaskState,
	reason mesos.TaskStatus_Reason, message string) {
	ts := nowSeconds(a.clock)
	status := mesos.TaskStatus{
		TaskID:    mesos.TaskID{Value: taskID},
		State:     state.Enum(),
		Source:    mesos.SOURCE_AGENT.Enum(),
		Reason:    reason.Enum(),
		Message:   &message,
		AgentID:   &mesos.AgentID{Value: a.id},
		Timestamp: &ts,
		UUID:      newUUID(),
	}
	if ex != nil {
		status.ExecutorID = &mesos.ExecutorID{Value: ex.id}
	}
	a.log.Info("sending agent status update", "framework_id", fw.id, "task_id", taskID, "state", state.String(),
		"reason", reason.String())
	a.statusUpdate(fw.id, ex, status)
}

func (a *Agent) lostState(fw *agentFramework) mesos.TaskState {
	if partitionAware(fw.info) {
		return mesos.TASK_DROPPED
	}
	return mesos.TASK_LOST
}

func partitionAware(fi mesos.FrameworkInfo) bool {
	for _, c := range fi.Capabilities {
		if c.Type == mesos.FrameworkInfo_Capability_PARTITION_AWARE {
			return true
		}
	}
	return false
}

// handleRunTask is Slave::run for a task with a custom executor.
func (a *Agent) handleRunTask(fwInfo mesos.FrameworkInfo, t mesos.TaskInfo) {
	fid := fwInfo.GetID().GetValue()
	tid := t.TaskID.Value
	switch {
	case a.stopping || a.down || a.detaching:
		a.log.Warn("ignoring task: the agent is shutting down", "framework_id", fid, "task_id", tid)
		return
	case t.AgentID.Value != a.id:
		a.log.Warn("ignoring task for another agent", "framework_id", fid, "task_id", tid, "task_agent_id", t.AgentID.Value)
		return
	}
	fw := a.frameworks[fid]
	if fw == nil {
		fw = &agentFramework{id: fid, executors: map[string]*agentExecutor{}}
		a.frameworks[fid] = fw
	}
	if fw.terminating {
		a.log.Warn("ignoring task of a terminating framework", "framework_id", fid, "task_id", tid)
		return
	}
	fw.info = fwInfo
	if a.cfg.SimulateExecutors {
		a.runSimulatedTask(fw, t)
		return
	}
	a.checkpointFramework(fw)
	ex := fw.executors[t.Executor.ExecutorID.Value]
	if ex == nil {
		ex = a.launchExecutor(fw, *t.Executor)
	}
	switch ex.state {
	case executorTerminating, executorTerminated:
		a.log.Warn("task for a terminating executor", "framework_id", fid, "task_id", tid, "executor_id", ex.id)
		a.agentUpdate(fw, nil, tid, a.lostState(fw), mesos.REASON_EXECUTOR_TERMINATED, "Executor terminating")
		if ex.state == executorTerminated {
			// The master forgot this executor when it exited and now counts
			// it again for this task; tell it again that it is gone.
			a.master.exitedExecutor(a.id, fid, ex.id, nil)
		}
	case executorRegistering:
		a.markDirty(ex)
		ex.tasks[tid] = &agentTask{info: t, state: mesos.TASK_STAGING, queued: true}
		fw.indexTask(tid, ex)
		ex.queue = append(ex.queue, tid)
		a.log.Info("queued task for an executor that has not subscribed yet", "framework_id", fid, "task_id", tid, "executor_id", ex.id)
	case executorRunning:
		a.markDirty(ex)
		ex.tasks[tid] = &agentTask{info: t, state: mesos.TASK_STAGING}
		fw.indexTask(tid, ex)
		a.log.Info("launching task", "framework_id", fid, "task_id", tid, "executor_id", ex.id)
		ex.send(&executor.Event{Type: executor.Event_LAUNCH, Launch: &executor.Event_Launch{Task: t}})
	}
}

// handleKillTask is Slave::killTask.
func (a *Agent) handleKillTask(frameworkID, taskID string, policy *mesos.KillPolicy) {
	fw := a.frameworks[frameworkID]
	if fw == nil {
		a.log.Warn("ignoring kill of a task of an unknown framework", "framework_id", frameworkID, "task_id", taskID)
		return
	}
	if fw.terminating {
		a.log.Warn("ignoring kill of a task of a terminating framework", "framework_id", frameworkID, "task_id", taskID)
		return
	}
	ex, t := a.findTask(frameworkID, taskID)
	if ex == nil {
		a.log.Warn("cannot kill task: no executor runs it", "framework_id", frameworkID, "task_id", taskID)
		a.agentUpdate(fw, nil, taskID, a.lostState(fw), mesos.REASON_EXECUTOR_TERMINATED, "Cannot find executor")
		return
	}
	switch {
	case ex.state == executorTerminating || ex.state == executorTerminated:
		a.log.Warn("ignoring kill of a task of a terminating executor", "framework_id", frameworkID, "task_id", taskID, "executor_id", ex.id)
	case ex.simulated:
		a.killSimulatedTask(fw, ex, t)
	case t.queued:
		a.agentUpdate(fw, ex, taskID, mesos.TASK_KILLED, mesos.REASON_TASK_KILLED_DURING_LAUNCH,
			"Killed before delivery to the executor")
		if ex.state == executorRegistering && !ex.hasLiveTasks() {
			a.log.Info("destroying executor that has no tasks left to run", "framework_id", frameworkID, "executor_id", ex.id)
			ex.state = executorTerminating
			a.destroy(ex)
		}
	case ex.stream == nil:
		a.log.Warn("cannot kill task: its executor is disconnected", "framework_id", frameworkID, "task_id", taskID, "executor_id", ex.id)
	default:
		a.log.Info("killing task", "framework_id", frameworkID, "task_id", taskID, "executor_id", ex.id)
		ex.send(&executor.Event{Type: executor.Event_KILL, Kill: &executor.Event_Kill{TaskID: t.info.TaskID, KillPolicy: policy}})
	}
}

func (a *Agent) handleShutdownExecutor(frameworkID, executorID string) {
	fw := a.frameworks[frameworkID]
	if fw == nil || fw.executors[executorID] == nil {
		a.log.Warn("cannot shut down an unknown executor", "framework_id", frameworkID, "executor_id", executorID)
		return
	}
	a.terminateExecutor(fw, fw.executors[executorID])
}

// handleShutdownFramework shuts down every executor of the framework and
// drops its status-update streams (the framework was removed).
func (a *Agent) handleShutdownFramework(frameworkID string) {
	fw := a.frameworks[frameworkID]
	a.tsum.cleanup(frameworkID)
	if fw == nil {
		return
	}
	a.log.Info("shutting down framework", "framework_id", frameworkID)
	fw.terminating = true
	for _, ex := range fw.sortedExecutors() {
		a.terminateExecutor(fw, ex)
		a.maybeRemoveExecutor(fw, ex)
	}
	a.maybeRemoveFramework(fw)
}

func (a *Agent) handleAcknowledge(frameworkID, taskID string, uuid []byte) {
	if ex, _ := a.findTask(frameworkID, taskID); ex != nil {
		a.markDirty(ex)
	}
	_, terminal, err := a.tsum.acknowledge(frameworkID, taskID, uuid)
	if err != nil {
		a.log.Warn("status update acknowledgement failed", "framework_id", frameworkID, "task_id", taskID,
			"uuid", uuidString(uuid), "error", err)
		return
	}
	if terminal {
		a.completeTask(frameworkID, taskID)
	}
}

// completeTask forgets a task whose terminal update was acknowledged.
func (a *Agent) completeTask(frameworkID, taskID string) {
	fw := a.frameworks[frameworkID]
	if fw == nil {
		return
	}
	if ex, _ := a.findTask(frameworkID, taskID); ex != nil {
		delete(ex.tasks, taskID)
		delete(fw.taskExecutor, taskID)
		ex.dequeue(taskID)
		a.maybeRemoveExecutor(fw, ex)
	}
	a.maybeRemoveFramework(fw)
}

func (a *Agent) handleFrameworkMessage(frameworkID, executorID string, data []byte) {
	fw := a.frameworks[frameworkID]
	var ex *agentExecutor
	if fw != nil {
		ex = fw.executors[executorID]
	}
	if ex == nil || ex.state != executorRunning || ex.stream == nil {
		a.log.Warn("dropping framework message for an executor that is not running", "framework_id", frameworkID, "executor_id", executorID)
		return
	}
	ex.send(&executor.Event{Type: executor.Event_MESSAGE, Message: &executor.Event_Message{Data: data}})
}

// handleUpdateFramework follows a framework failover: new FrameworkInfo, and
// every pending status update of the framework is resent at once.
func (a *Agent) handleUpdateFramework(info mesos.FrameworkInfo) {
	fid := info.GetID().GetValue()
	if fw := a.frameworks[fid]; fw != nil {
		fw.info = info
		a.checkpointFramework(fw)
	}
	a.tsum.resume(fid)
}

func (a *Agent) maybeRemoveExecutor(fw *agentFramework, ex *agentExecutor) {
	if ex.state != executorTerminated || (len(ex.tasks) > 0 && !fw.terminating) {
		return
	}
	if fw.executors[ex.id] == ex {
		delete(fw.executors, ex.id)
		for tid := range ex.tasks {
			if fw.taskExecutor[tid] == ex {
				delete(fw.taskExecutor, tid)
			}
		}
		children.release(ex.containerID)
		a.markDirty(ex)
	}
}

func (a *Agent) maybeRemoveFramework(fw *agentFramework) {
	if len(fw.executors) == 0 && !a.tsum.hasStreams(fw.id) && a.frameworks[fw.id] == fw {
		delete(a.frameworks, fw.id)
		a.removeFrameworkCheckpoint(fw)
	}
}

func (fw *agentFramework) sortedExecutors() []*agentExecutor {
	out := make([]*agentExecutor, 0, len(fw.executors))
	for _, ex := range fw.executors {
		out = append(out, ex)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// beginShutdown stops the agent taking work and shuts down every executor:
// SHUTDOWN now, SIGKILL of its process group after the grace period.
func (a *Agent) beginShutdown() {
	a.stopping = true
	for _, fw := range a.frameworks {
		fw.terminating = true
		for _, ex := range fw.sortedExecutors() {
			a.terminateExecutor(fw, ex)
		}
	}
}

// killAll SIGKILLs every executor now.
func (a *Agent) killAll() {
	for _, fw := range a.frameworks {
		for _, ex := range fw.executors {
			if ex.state != executorTerminated {
				ex.state = executorTerminating
				a.destroy(ex)
			}
		}
	}
}

// shutdown shuts every executor down and waits until all their processes have
// exited. If ctx ends first, the rest are killed at once; either way no
// executor process of this agent is alive when it returns.
func (a *Agent) shutdown(ctx context.Context) error {
	err := a.mb.call(ctx, a.beginShutdown)
	a.cancel() // abort fetches and launches in progress
	done := make(chan struct{})
	go func() {
		a.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		a.log.Warn("shutdown deadline reached; killing executors")
		a.cancel()
		a.mb.post(a.killAll)
		<-done
		if err == nil {
			err = ctx.Err()
		}
	}
	a.cancel()
	_ = a.mb.call(context.Background(), func() {
		stopTimer(a.pingTimer)
		stopTimer(a.regTimer)
		a.tsum.stop()
		for _, fw := range a.frameworks {
			for _, ex := range fw.executors {
				ex.closeStream()
			}
		}
	})
	return err
}

// Messages from the master. Each only queues work on the agent's mailbox; the
// protobufs are copied so that the two actors never share them.

// runTask takes t over: the master hands it a task it keeps no reference to
// (see agentLink), so only the framework is copied.
func (a *Agent) runTask(fw mesos.FrameworkInfo, t mesos.TaskInfo) {
	fw2 := clone(&fw)
	a.mb.post(func() { a.handleRunTask(fw2, t) })
}

func (a *Agent) killTask(frameworkID, taskID string, policy *mesos.KillPolicy) {
	if policy != nil {
		policy = proto.Clone(policy).(*mesos.KillPolicy)
	}
	a.mb.post(func() { a.handleKillTask(frameworkID, taskID, policy) })
}

func (a *Agent) shutdownExecutor(frameworkID, executorID string) {
	a.mb.post(func() { a.handleShutdownExecutor(frameworkID, executorID) })
}

func (a *Agent) shutdownFramework(frameworkID string) {
	a.mb.post(func() { a.handleShutdownFramework(frameworkID) })
}

func (a *Agent) acknowledge(frameworkID, taskID string, uuid []byte) {
	u := append([]byte(nil), uuid...)
	a.mb.post(func() { a.handleAcknowledge(frameworkID, taskID, u) })
}

func (a *Agent) frameworkMessage(frameworkID, executorID string, data []byte) {
	d := append([]byte(nil), data...)
	a.mb.post(func() { a.handleFrameworkMessage(frameworkID, executorID, d) })
}

func (a *Agent) updateFramework(fw mesos.FrameworkInfo) {
	fw2 := clone(&fw)
	a.mb.post(func() { a.handleUpdateFramework(fw2) })
}
