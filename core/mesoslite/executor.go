package mesoslite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/encoding"
	"github.com/mesos/mesos-go/api/v1/lib/executor"
)

type executorState int

const (
	executorRegistering executorState = iota // launched, not subscribed yet
	executorRunning                          // subscribed
	executorTerminating                      // shut down or destroyed, process still alive
	executorTerminated                       // process exited
)

func (s executorState) String() string {
	switch s {
	case executorRegistering:
		return "REGISTERING"
	case executorRunning:
		return "RUNNING"
	case executorTerminating:
		return "TERMINATING"
	default:
		return "TERMINATED"
	}
}

// termination is why an executor was destroyed: the state, reason and message
// its unfinished tasks get.
type termination struct {
	state   mesos.TaskState
	reason  mesos.TaskStatus_Reason
	message string
}

// agentExecutor is the agent's record of one executor (one container).
type agentExecutor struct {
	id          string
	frameworkID string
	info        mesos.ExecutorInfo
	containerID string
	directory   string
	grace       time.Duration
	state       executorState
	stream      *eventStream
	proc        procHandle
	pid         int
	start       uint64 // the process' start time (procStartTime)
	launching   bool
	// recovered is set for an executor recovered from the checkpoint until
	// it subscribes again or the re-registration timeout destroys it.
	recovered bool
	// killOnStart asks for the process to be killed as soon as it starts.
	killOnStart bool
	tasks       map[string]*agentTask // until their terminal update is acknowledged
	queue       []string              // tasks waiting for the executor to subscribe
	pending     *termination
	regTimer    Timer
	graceTimer  Timer
	// simulated executors have no process (AgentConfig.SimulateExecutors).
	simulated bool
}

type agentTask struct {
	info   mesos.TaskInfo
	state  mesos.TaskState
	queued bool
}

func (ex *agentExecutor) send(e *executor.Event) {
	if ex.stream != nil {
		ex.stream.send(e)
	}
}

func (ex *agentExecutor) closeStream() {
	if ex.stream != nil {
		ex.stream.close()
		ex.stream = nil
	}
}

func (ex *agentExecutor) dequeue(taskID string) {
	for i, id := range ex.queue {
		if id == taskID {
			ex.queue = append(ex.queue[:i:i], ex.queue[i+1:]...)
			if t := ex.tasks[taskID]; t != nil {
				t.queued = false
			}
			return
		}
	}
}

func (ex *agentExecutor) hasLiveTasks() bool {
	for _, t := range ex.tasks {
		if !isTerminal(t.state) {
			return true
		}
	}
	return false
}

// orderedTasks lists queued tasks in arrival order, then the others by id.
func (ex *agentExecutor) orderedTasks() []*agentTask {
	var out []*agentTask
	seen := map[string]bool{}
	for _, id := range ex.queue {
		if t := ex.tasks[id]; t != nil {
			out = append(out, t)
			seen[id] = true
		}
	}
	var rest []*agentTask
	for id, t := range ex.tasks {
		if !seen[id] {
			rest = append(rest, t)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].info.TaskID.Value < rest[j].info.TaskID.Value })
	return append(out, rest...)
}

// launchExecutor creates the executor's container: the sandbox, the fetched
// URIs and the process, started on a goroutine that then waits for it. The
// executor must subscribe within ExecutorRegistrationTimeout.
func (a *Agent) launchExecutor(fw *agentFramework, info mesos.ExecutorInfo) *agentExecutor {
	containerID := uuidString(newUUID())
	runs := sandboxRunsDir(a.workDir, a.id, fw.id, info.ExecutorID.Value)
	grace := a.cluster.ExecutorShutdownGrace
	if g := info.ShutdownGracePeriod; g != nil && g.Nanoseconds > 0 {
		grace = time.Duration(g.Nanoseconds)
	}
	ex := &agentExecutor{
		id:          info.ExecutorID.Value,
		frameworkID: fw.id,
		info:        info,
		containerID: containerID,
		directory:   filepath.Join(runs, containerID),
		grace:       grace,
		state:       executorRegistering,
		launching:   true,
		tasks:       map[string]*agentTask{},
	}
	fw.executors[ex.id] = ex
	a.markDirty(ex)
	spec := &launchSpec{
		runsDir:     runs,
		containerID: containerID,
		directory:   ex.directory,
		command:     *info.Command,
		env:         executorEnv(a.cluster.ExecutorEnv, a.mesosEnv(fw, ex), info.Command),
	}
	timeout := a.cluster.ExecutorRegistrationTimeout
	ex.regTimer = a.clock.AfterFunc(timeout, func() {
		a.mb.post(func() { a.registrationTimeout(fw, ex, timeout) })
	})
	a.log.Info("launching executor", "framework_id", fw.id, "executor_id", ex.id, "container_id", containerID,
		"directory", ex.directory)
	// Executors that a restarted agent can recover must survive the death of
	// this process; the others die with it.
	pdeathsig := !(a.cluster.Recover && fw.info.GetCheckpoint())
	a.wg.Add(1)
	go a.runExecutor(fw, ex, spec, info.Command.URIs, pdeathsig)
	return ex
}

// runExecutor is the goroutine that owns an executor's launch: it starts the
// process, reports it to the agent's mailbox, then watches it.
func (a *Agent) runExecutor(fw *agentFramework, ex *agentExecutor, spec *launchSpec, uris []mesos.CommandInfo_URI, pdeathsig bool) {
	defer a.wg.Done()
	proc, err := a.startContainer(a.ctx, spec, uris, pdeathsig)
	if err == nil {
		select {
		case <-a.detached:
			// The agent crashed while launching; nothing would know this
			// process.
			proc.Kill()
			return
		default:
		}
	}
	a.mb.post(func() { a.executorStarted(fw, ex, proc, err) })
	if err != nil {
		return
	}
	a.watch(fw, ex, proc)
}

// watch reports the exit of an executor's process to the agent's mailbox. It
// returns early, reporting nothing, when the agent crashes.
func (a *Agent) watch(fw *agentFramework, ex *agentExecutor, h procHandle) {
	select {
	case <-h.Done():
		status := h.Status()
		a.mb.post(func() { a.executorExited(fw, ex, status) })
	case <-a.detached:
	}
}

func (a *Agent) startContainer(ctx context.Context, spec *launchSpec, uris []mesos.CommandInfo_URI, pdeathsig bool) (*process, error) {
	if err := prepareSandbox(spec); err != nil {
		return nil, err
	}
	if len(uris) > 0 {
		logf, err := os.OpenFile(filepath.Join(spec.directory, "stderr"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, fmt.Errorf("opening stderr: %w", err)
		}
		err = fetchURIs(ctx, spec.directory, uris, logf)
		logf.Close()
		if err != nil {
			return nil, err
		}
	}
	return startProcess(ctx, a.forker, spec, pdeathsig)
}

// mesosEnv is the MESOS_* part of an executor's environment (mesos.md §3.3).
// Durations are in stout format, which mesos-go's config.FromEnv requires.
func (a *Agent) mesosEnv(fw *agentFramework, ex *agentExecutor) map[string]string {
	env := map[string]string{
		"MESOS_FRAMEWORK_ID":                   fw.id,
		"MESOS_EXECUTOR_ID":                    ex.id,
		"MESOS_DIRECTORY":                      ex.directory,
		"MESOS_SANDBOX":                        ex.directory,
		"MESOS_AGENT_ENDPOINT":                 a.endpoint,
		"MESOS_SLAVE_ID":                       a.id,
		"MESOS_SLAVE_PID":                      "slave(1)@" + a.endpoint,
		"MESOS_HTTP_COMMAND_EXECUTOR":          "0",
		"MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD": stoutDuration(ex.grace),
		"MESOS_CHECKPOINT":                     "0",
		"LIBPROCESS_PORT":                      "0",
	}
	if fw.info.GetCheckpoint() {
		env["MESOS_CHECKPOINT"] = "1"
		env["MESOS_RECOVERY_TIMEOUT"] = stoutDuration(a.cluster.ExecutorRecoveryTimeout)
		env["MESOS_SUBSCRIPTION_BACKOFF_MAX"] = stoutDuration(a.cluster.ExecutorReregistrationBackoff)
	}
	return env
}

func (a *Agent) executorStarted(fw *agentFramework, ex *agentExecutor, proc *process, err error) {
	ex.launching = false
	if err != nil {
		a.log.Error("failed to launch executor", "framework_id", fw.id, "executor_id", ex.id, "error", err)
		if ex.pending == nil {
			ex.pending = &termination{mesos.TASK_FAILED, mesos.REASON_CONTAINER_LAUNCH_FAILED,
				"Failed to launch container: " + err.Error()}
		}
		a.executorExited(fw, ex, nil)
		return
	}
	ex.proc, ex.pid, ex.start = proc, proc.pid, proc.start
	a.markDirty(ex)
	a.log.Info("executor started", "framework_id", fw.id, "executor_id", ex.id, "pid", proc.pid)
	if ex.killOnStart || a.stopping {
		proc.killGroup()
	}
}

// destroy kills the executor's process group now (containerizer->destroy).
func (a *Agent) destroy(ex *agentExecutor) {
	switch {
	case ex.proc != nil:
		a.log.Info("killing executor", "framework_id", ex.frameworkID, "executor_id", ex.id, "pid", ex.proc.Pid())
		ex.proc.Kill()
	case ex.launching:
		ex.killOnStart = true
	}
}

// registrationTimeout destroys an executor that did not subscribe in time;
// its tasks fail with REASON_EXECUTOR_REGISTRATION_TIMEOUT.
func (a *Agent) registrationTimeout(fw *agentFramework, ex *agentExecutor, timeout time.Duration) {
	if ex.state != executorRegistering || fw.executors[ex.id] != ex {
		return
	}
	a.log.Warn("executor did not subscribe in time; destroying it", "framework_id", fw.id, "executor_id", ex.id, "timeout", timeout)
	ex.pending = &termination{mesos.TASK_FAILED, mesos.REASON_EXECUTOR_REGISTRATION_TIMEOUT,
		"Executor did not register within " + stoutDuration(timeout)}
	ex.state = executorTerminating
	a.markDirty(ex)
	a.destroy(ex)
}

// terminateExecutor is Slave::shutdownExecutor: SHUTDOWN to the executor, then
// SIGKILL of its process group if it is still alive after the grace period.
func (a *Agent) terminateExecutor(fw *agentFramework, ex *agentExecutor) {
	if ex.state == executorTerminating || ex.state == executorTerminated {
		return
	}
	if ex.simulated {
		a.terminateSimulated(fw, ex)
		return
	}
	a.log.Info("shutting down executor", "framework_id", fw.id, "executor_id", ex.id, "grace_period", ex.grace)
	ex.state = executorTerminating
	a.markDirty(ex)
	stopTimer(ex.regTimer)
	ex.send(&executor.Event{Type: executor.Event_SHUTDOWN})
	ex.graceTimer = a.clock.AfterFunc(ex.grace, func() {
		a.mb.post(func() {
			if ex.state == executorTerminating {
				a.log.Warn("executor did not exit within its grace period", "framework_id", fw.id, "executor_id", ex.id)
				a.destroy(ex)
			}
		})
	})
}

// executorExited is Slave::executorTerminated: every task that is not terminal
// fails (reliably, from the agent) with the termination's reason, and the
// master is told, which sends FAILURE to the scheduler.
func (a *Agent) executorExited(fw *agentFramework, ex *agentExecutor, status *int32) {
	if ex.state == executorTerminated {
		return
	}
	ex.state = executorTerminated
	ex.proc = nil
	ex.launching = false
	ex.recovered = false
	a.markDirty(ex)
	stopTimer(ex.regTimer)
	stopTimer(ex.graceTimer)
	ex.closeStream()
	a.log.Info("executor exited", "framework_id", fw.id, "executor_id", ex.id, "status", waitStatusString(status))
	term := termination{mesos.TASK_FAILED, mesos.REASON_EXECUTOR_TERMINATED, "Executor terminated"}
	if ex.pending != nil {
		term = *ex.pending
	}
	if !fw.terminating && !a.stopping {
		for _, t := range ex.orderedTasks() {
			if !isTerminal(t.state) {
				a.agentUpdate(fw, ex, t.info.TaskID.Value, term.state, term.reason, term.message)
			}
		}
	}
	ex.queue = nil
	a.master.exitedExecutor(a.id, fw.id, ex.id, status)
	a.maybeRemoveExecutor(fw, ex)
	a.maybeRemoveFramework(fw)
}

func executorHeartbeats(c Clock) *heartbeats {
	return &heartbeats{clock: c, interval: executorHeartbeatInterval,
		event: func() encoding.Marshaler { return &executor.Event{Type: executor.Event_HEARTBEAT} }}
}
