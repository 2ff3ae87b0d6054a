package executor

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
	mexec "github.com/mesos/mesos-go/api/v1/lib/executor"
	"github.com/mesos/mesos-go/api/v1/lib/executor/calls"

	"github.com/aurora-go/aurora/sdk"

	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/spec"
)

// task is one task this executor runs.
type task struct {
	id string

	mu            sync.Mutex
	plugin        *pluginhost.ExecutorClient
	started       bool
	killRequested bool
	terminal      mesos.TaskState
	done          bool
	terminalAcked bool
	ended         chan struct{}
}

func (e *Executor) launch(info mesos.TaskInfo) {
	id := info.TaskID.Value
	e.mu.Lock()
	if _, dup := e.tasks[id]; dup {
		e.mu.Unlock()
		e.logger.Warn("ignoring a second launch of a task", "task_id", id)
		return
	}
	t := &task{id: id, ended: make(chan struct{})}
	e.tasks[id] = t
	e.unackedTasks[id] = info
	e.launched = true
	e.mu.Unlock()
	go e.runTask(t, info)
}

// statusData tells the scheduler where the sandbox is.
func (e *Executor) statusData() []byte {
	b, _ := json.Marshal(map[string]string{"sandbox": e.env.Sandbox})
	return b
}

func (e *Executor) runTask(t *task, info mesos.TaskInfo) {
	// The task outlives any one agent connection, so it has its own context.
	ctx := context.Background()
	logger := e.logger.With("task_id", t.id)
	defer close(t.ended)
	e.update(ctx, t, mesos.TASK_STARTING, "Initializing sandbox.")

	var assigned spec.AssignedTask
	if err := json.Unmarshal(info.Data, &assigned); err != nil || assigned.Job == nil {
		e.finish(ctx, t, mesos.TASK_FAILED, fmt.Sprintf("cannot read the task's configuration from TaskInfo.data: %v", err))
		return
	}
	plugin, err := e.cfg.Plugins.Executor(ctx, e.cfg.Plugin)
	if err != nil {
		e.finish(ctx, t, mesos.TASK_FAILED, fmt.Sprintf("cannot start executor plugin %s: %v", e.cfg.Plugin, err))
		return
	}
	defer plugin.Close()
	e.mu.Lock()
	hostname := e.hostname
	e.mu.Unlock()
	taskConfig, err := json.Marshal(bindTemplates(&assigned, hostname))
	if err != nil {
		e.finish(ctx, t, mesos.TASK_FAILED, "cannot encode the task configuration: "+err.Error())
		return
	}
	t.mu.Lock()
	if t.killRequested {
		t.mu.Unlock()
		e.finish(ctx, t, mesos.TASK_KILLED, "Task killed before it started.")
		return
	}
	t.plugin = plugin
	t.mu.Unlock()
	_, err = plugin.Start(ctx, &sdk.StartRequest{
		TaskID: t.id, SandboxDir: e.env.Sandbox, Env: taskEnv(&assigned, e.env.Sandbox), Config: taskConfig,
	})
	if err != nil {
		e.finish(ctx, t, mesos.TASK_FAILED, "cannot start the task: "+err.Error())
		return
	}
	t.mu.Lock()
	t.started = true
	killed := t.killRequested
	t.mu.Unlock()
	if killed {
		e.stop(t, e.cfg.KillGrace)
	} else {
		e.update(ctx, t, mesos.TASK_RUNNING, "Task running.")
	}
	logger.Info("task running", "sandbox", e.env.Sandbox)
	res, err := plugin.Wait(ctx, t.id)
	t.mu.Lock()
	killed = t.killRequested
	t.mu.Unlock()
	switch {
	case killed:
		e.finish(ctx, t, mesos.TASK_KILLED, "Task killed.")
	case err != nil:
		e.finish(ctx, t, mesos.TASK_LOST, "lost track of the task: "+err.Error())
	case res.Failed:
		e.finish(ctx, t, mesos.TASK_FAILED, res.Message)
	default:
		e.finish(ctx, t, mesos.TASK_FINISHED, "Task finished.")
	}
	if err := plugin.Destroy(ctx, t.id, true); err != nil {
		logger.Warn("destroying the task in the plugin failed", "error", err)
	}
}

// taskEnv is the environment of the task's processes: the executor's own
// (which the agent set up) plus Aurora's variables.
func taskEnv(a *spec.AssignedTask, sandbox string) map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	env["MESOS_SANDBOX"] = sandbox
	env["AURORA_TASK_ID"] = a.TaskID
	env["AURORA_INSTANCE"] = fmt.Sprint(a.Instance)
	env["AURORA_JOB"] = a.Job.Key.String()
	for name, port := range a.Ports {
		env["AURORA_PORT_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))] = fmt.Sprint(port)
	}
	return env
}

func (e *Executor) kill(taskID string, grace time.Duration) {
	e.mu.Lock()
	t := e.tasks[taskID]
	e.mu.Unlock()
	if t == nil {
		e.logger.Warn("kill for a task this executor does not run", "task_id", taskID)
		return
	}
	t.mu.Lock()
	t.killRequested = true
	started := t.started
	t.mu.Unlock()
	if started {
		go e.stop(t, grace)
	}
}

func (e *Executor) stop(t *task, grace time.Duration) {
	t.mu.Lock()
	plugin := t.plugin
	t.mu.Unlock()
	if plugin == nil {
		return
	}
	if err := plugin.Stop(context.Background(), t.id, grace); err != nil {
		e.logger.Error("stopping the task failed", "task_id", t.id, "error", err)
	}
}

// killAll kills every task and waits for each to end.
func (e *Executor) killAll(grace time.Duration) {
	e.mu.Lock()
	var all []*task
	for _, t := range e.tasks {
		all = append(all, t)
	}
	e.mu.Unlock()
	for _, t := range all {
		e.kill(t.id, grace)
	}
	for _, t := range all {
		select {
		case <-t.ended:
		case <-time.After(grace + 5*time.Second):
			e.logger.Error("task did not end after kill", "task_id", t.id)
		}
	}
}

// finish records a terminal state and sends it.
func (e *Executor) finish(ctx context.Context, t *task, state mesos.TaskState, msg string) {
	t.mu.Lock()
	t.terminal = state
	t.done = true
	t.mu.Unlock()
	e.update(ctx, t, state, msg)
}

// update sends a status update and keeps it until the agent acknowledges
// it; a failed send is retried on the next subscription.
func (e *Executor) update(ctx context.Context, t *task, state mesos.TaskState, msg string) {
	id := uuid.New() // version 4, as Mesos requires
	execID := mesos.ExecutorID{Value: e.env.ExecutorID}
	now := float64(time.Now().UnixNano()) / 1e9
	status := mesos.TaskStatus{
		TaskID:     mesos.TaskID{Value: t.id},
		State:      state.Enum(),
		Source:     mesos.SOURCE_EXECUTOR.Enum(),
		ExecutorID: &execID,
		UUID:       id[:],
		Message:    &msg,
		Data:       e.statusData(),
		Timestamp:  &now,
	}
	e.mu.Lock()
	e.unackedUpdates[string(id[:])] = mexec.Call_Update{Status: status}
	e.mu.Unlock()
	if err := calls.SendNoData(ctx, e.sender, calls.NonStreaming(calls.Update(status))); err != nil {
		e.logger.Warn("sending update failed; it will be resent", "task_id", t.id, "state", state.String(), "error", err)
		return
	}
	e.logger.Info("status update sent", "task_id", t.id, "state", state.String())
}
