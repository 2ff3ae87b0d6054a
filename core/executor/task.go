package executor

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-hclog"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
	mexec "github.com/mesos/mesos-go/api/v1/lib/executor"
	"github.com/mesos/mesos-go/api/v1/lib/executor/calls"

	"github.com/aurora-go/aurora/sdk"

	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/spec"
)

// statusRefresh is how often a running task's status file is refreshed
// from the plugin's Inspect.
const statusRefresh = 2 * time.Second

// task is one task this executor runs.
type task struct {
	id     string
	logger hclog.Logger
	ended  chan struct{} // closed when runTask returns
	exited chan struct{} // closed when the plugin's Wait returned

	mu            sync.Mutex
	plugin        *pluginhost.ExecutorClient
	assigned      *spec.AssignedTask
	started       bool
	killRequested bool
	stopping      bool
	stopGrace     time.Duration
	failMessage   string // why the executor killed it (health)
	stopHealth    context.CancelFunc
	announced     []sdk.Endpoint
	terminal      mesos.TaskState
	done          bool
	terminalAcked bool
	status        TaskStatusFile
}

func (e *Executor) launch(info mesos.TaskInfo) {
	id := info.TaskID.Value
	e.mu.Lock()
	if _, dup := e.tasks[id]; dup {
		e.mu.Unlock()
		e.logger.Warn("ignoring a second launch of a task", "task_id", id)
		return
	}
	t := &task{id: id, logger: e.logger.With("task_id", id), ended: make(chan struct{}), exited: make(chan struct{}),
		status: TaskStatusFile{TaskID: id, Started: time.Now().UTC()}}
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

// pluginName is the executor plugin a job runs under: the job's executor,
// except that a job with a Docker container and the default executor runs
// under the docker plugin.
func pluginName(j *spec.Job) string {
	name := j.Executor
	if name == "" {
		name = spec.DefaultExecutor
	}
	if name == spec.DefaultExecutor && j.Container != nil && j.Container.Docker != nil {
		return "docker"
	}
	return name
}

// pluginSpec is how to start the plugin named name: the configured one, or
// the built-in of that name.
func (e *Executor) pluginSpec(name string) (pluginhost.Spec, error) {
	if name == e.cfg.Plugin.Name {
		return e.cfg.Plugin, nil
	}
	return pluginhost.BuiltinSpec(sdk.KindExecutor, name)
}

// pluginConfig is StartRequest.Config: the task with its templates bound
// (what executor/thermos reads), plus what other plugins need: the
// container, the assigned ports, the job's identity and executor
// configuration.
func pluginConfig(a *spec.AssignedTask, hostname string) (json.RawMessage, error) {
	b, err := json.Marshal(bindTemplates(a, hostname))
	if err != nil {
		return nil, err
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, err
	}
	if a.Job.Container != nil {
		cfg["container"] = a.Job.Container
	}
	if len(a.Ports) > 0 {
		cfg["ports"] = a.Ports
	}
	if len(a.Job.ExecutorConfig) > 0 {
		cfg["executor_config"] = a.Job.ExecutorConfig
	}
	cfg["job"] = map[string]any{
		"cluster": a.Job.Cluster, "role": a.Job.Key.Role, "environment": a.Job.Key.Environment,
		"name": a.Job.Key.Name, "instance": a.Instance,
	}
	return json.Marshal(cfg)
}

func (e *Executor) runTask(t *task, info mesos.TaskInfo) {
	// The task outlives any one agent connection, so it has its own context.
	ctx := context.Background()
	defer close(t.ended)
	e.update(ctx, t, mesos.TASK_STARTING, "Initializing sandbox.")

	var assigned spec.AssignedTask
	if err := json.Unmarshal(info.Data, &assigned); err != nil || assigned.Job == nil {
		close(t.exited)
		e.finish(ctx, t, mesos.TASK_FAILED, fmt.Sprintf("cannot read the task's configuration from TaskInfo.data: %v", err))
		return
	}
	e.mu.Lock()
	hostname := e.hostname
	e.mu.Unlock()
	name := pluginName(assigned.Job)
	t.mu.Lock()
	t.assigned = &assigned
	t.status.Job = assigned.Job.Key.String()
	if assigned.Job.Cluster != "" {
		t.status.Job = assigned.Job.Cluster + "/" + t.status.Job
	}
	t.status.Instance, t.status.Host, t.status.Plugin, t.status.Ports = assigned.Instance, hostname, name, assigned.Ports
	t.mu.Unlock()

	pspec, err := e.taskPluginSpec(ctx, &assigned, name)
	if err != nil {
		close(t.exited)
		e.finish(ctx, t, mesos.TASK_FAILED, fmt.Sprintf("executor plugin %q: %v", name, err))
		return
	}
	plugin, err := e.cfg.Plugins.Executor(ctx, pspec)
	if err != nil {
		close(t.exited)
		e.finish(ctx, t, mesos.TASK_FAILED, fmt.Sprintf("cannot start executor plugin %s: %v", pspec, err))
		return
	}
	defer plugin.Close()
	config, err := pluginConfig(&assigned, hostname)
	if err != nil {
		close(t.exited)
		e.finish(ctx, t, mesos.TASK_FAILED, "cannot encode the task configuration: "+err.Error())
		return
	}
	t.mu.Lock()
	if t.killRequested {
		t.mu.Unlock()
		close(t.exited)
		e.finish(ctx, t, mesos.TASK_KILLED, "Task killed before it started.")
		return
	}
	t.plugin = plugin
	t.mu.Unlock()
	env := taskEnv(&assigned, e.env.Sandbox)
	if _, err := plugin.Start(ctx, &sdk.StartRequest{TaskID: t.id, SandboxDir: e.env.Sandbox, Env: env, Config: config}); err != nil {
		close(t.exited)
		e.finish(ctx, t, mesos.TASK_FAILED, "cannot start the task: "+err.Error())
		return
	}
	t.logger.Info("task started", "plugin", name, "sandbox", e.env.Sandbox)

	type waitResult struct {
		res *sdk.ExitResult
		err error
	}
	waited := make(chan waitResult, 1)
	go func() {
		res, err := plugin.Wait(ctx, t.id)
		waited <- waitResult{res, err}
	}()

	healthCtx, stopHealth := context.WithCancel(ctx)
	defer stopHealth()
	health := make(chan healthEvent, 1)
	check, hc := e.healthCheck(&assigned, hostname, env)
	t.mu.Lock()
	t.started = true
	t.stopHealth = stopHealth
	killed := t.killRequested
	grace := t.stopGrace
	if check != nil {
		t.status.Health = "starting"
	}
	t.mu.Unlock()
	switch {
	case killed:
		go e.stop(t, grace)
	case check == nil:
		e.becameHealthy(ctx, t, "Task running.")
	default:
		go runHealthChecks(healthCtx, hc, check, e.env.Sandbox, health)
	}

	refresh := time.NewTicker(statusRefresh)
	defer refresh.Stop()
	var result waitResult
	for done := false; !done; {
		select {
		case result = <-waited:
			done = true
		case ev := <-health:
			e.onHealth(ctx, t, ev)
		case <-refresh.C:
			e.refreshStatus(ctx, t)
		}
	}
	close(t.exited)
	stopHealth()
	e.withdraw(ctx, t)
	e.refreshStatus(ctx, t)

	t.mu.Lock()
	killed, failMessage := t.killRequested, t.failMessage
	t.mu.Unlock()
	var state mesos.TaskState
	var msg string
	switch {
	case failMessage != "":
		state, msg = mesos.TASK_FAILED, failMessage
	case killed:
		state, msg = mesos.TASK_KILLED, "Task killed."
	case result.err != nil:
		state, msg = mesos.TASK_LOST, "lost track of the task: "+result.err.Error()
	case result.res.Failed:
		state, msg = mesos.TASK_FAILED, result.res.Message
	default:
		state, msg = mesos.TASK_FINISHED, "Task finished."
	}
	// Clean up before the terminal update: once it is acknowledged the
	// executor may exit.
	if err := plugin.Destroy(ctx, t.id, true); err != nil {
		t.logger.Warn("destroying the task in the plugin failed", "error", err)
	}
	e.finish(ctx, t, state, msg)
}

// healthCheck returns the task's health check, or nil when it has none
// (Aurora's no-op checker: an HTTP check whose port is not assigned).
func (e *Executor) healthCheck(a *spec.AssignedTask, hostname string, env map[string]string) (checkFunc, *spec.HealthCheck) {
	h := boundHealthCheck(a, hostname)
	switch {
	case h == nil:
		return nil, nil
	case h.Shell != nil:
		return shellCheck(e.bash, e.env.Sandbox, envList(env), h.Shell.Command), h
	case h.HTTP != nil:
		port, ok := a.Ports[h.HTTP.Port]
		if !ok {
			e.logger.Warn("no health port assigned; the task is not health-checked", "task_id", a.TaskID, "port", h.HTTP.Port)
			return nil, nil
		}
		return httpCheck(e.http, port, h.HTTP.Endpoint, h.HTTP.ExpectedResponse, h.HTTP.ExpectedResponseCode), h
	}
	return nil, nil
}

func (e *Executor) onHealth(ctx context.Context, t *task, ev healthEvent) {
	switch ev.verdict {
	case verdictHealthy:
		t.mu.Lock()
		t.status.Health = "healthy"
		t.mu.Unlock()
		e.becameHealthy(ctx, t, "Task is healthy.")
	case verdictFailed:
		msg := "Failed health check! " + ev.reason
		t.logger.Warn("task is unhealthy; killing it", "reason", ev.reason)
		t.mu.Lock()
		t.status.Health = "unhealthy"
		first := t.failMessage == "" && !t.killRequested
		if first {
			t.failMessage = msg
		}
		grace := t.stopGrace
		t.mu.Unlock()
		if first {
			if grace == 0 {
				grace = e.cfg.KillGrace
			}
			go e.stop(t, grace)
		}
	}
}

// becameHealthy reports RUNNING and announces the task, unless it is
// being stopped.
func (e *Executor) becameHealthy(ctx context.Context, t *task, msg string) {
	t.mu.Lock()
	stopping := t.stopping || t.killRequested
	t.mu.Unlock()
	if stopping {
		return
	}
	e.update(ctx, t, mesos.TASK_RUNNING, msg)
	e.announce(ctx, t)
}

// announce publishes the task through the announcer, if the job has an
// announce block and the executor an announcer.
func (e *Executor) announce(ctx context.Context, t *task) {
	t.mu.Lock()
	a := t.assigned
	t.mu.Unlock()
	if a == nil || a.Job.Announce == nil || e.announcer == nil {
		if a != nil && a.Job.Announce != nil {
			t.logger.Warn("the job asks to be announced, and this executor has no announcer (scheduler config executor.announcer_zk)")
		}
		return
	}
	host := e.announceHost
	if host == "" {
		e.mu.Lock()
		host = e.hostname
		e.mu.Unlock()
	}
	eps := announceEndpoints(a, a.Job.Announce, host, e.env.ExecutorID)
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := e.announcer.Announce(cctx, eps)
	t.mu.Lock()
	t.announced = eps
	t.status.Announced = "announced"
	t.mu.Unlock()
	if err := resultError(res, err); err != nil {
		// The registry keeps the endpoints and retries on its own.
		t.logger.Warn("announcing the task failed; it will be retried", "error", err)
		t.mu.Lock()
		t.status.Announced = "pending: " + err.Error()
		t.mu.Unlock()
		return
	}
	t.logger.Info("task announced", "endpoints", len(eps))
	e.refreshStatus(ctx, t)
}

// withdraw removes the task's announcement, if it has one.
func (e *Executor) withdraw(ctx context.Context, t *task) {
	t.mu.Lock()
	eps := t.announced
	t.announced = nil
	if eps != nil {
		t.status.Announced = "withdrawn"
	}
	t.mu.Unlock()
	if eps == nil || e.announcer == nil {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := resultError(e.announcer.Withdraw(cctx, endpointKeys(eps))); err != nil {
		t.logger.Warn("withdrawing the announcement failed", "error", err)
		return
	}
	t.logger.Info("announcement withdrawn")
}

// refreshStatus rewrites the status file with what the plugin reports.
func (e *Executor) refreshStatus(ctx context.Context, t *task) {
	t.mu.Lock()
	plugin := t.plugin
	t.mu.Unlock()
	if plugin != nil {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		st, err := plugin.Inspect(cctx, t.id)
		cancel()
		if err == nil {
			t.mu.Lock()
			t.status.TaskState, t.status.Processes = st.State, st.Processes
			t.mu.Unlock()
		}
	}
	e.saveStatus(t)
}

func (e *Executor) saveStatus(t *task) {
	t.mu.Lock()
	st := t.status
	st.Processes = slices.Clone(st.Processes)
	t.mu.Unlock()
	if err := writeStatus(e.env.Sandbox, &st); err != nil {
		t.logger.Warn("cannot write the task's status file", "error", err)
	}
}

// taskEnv is the environment of the task's processes: the executor's own
// (which the agent set up) plus Aurora's variables.
func taskEnv(a *spec.AssignedTask, sandbox string) map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && !strings.HasPrefix(k, "AURORA_ANNOUNCER_") {
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

func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
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
	t.stopGrace = grace
	started := t.started
	t.mu.Unlock()
	if started {
		go e.stop(t, grace)
	}
}

// stop ends a started task once (Aurora's kill escalation, reference
// aurora.md 4.2): the health checks stop, the announcement is withdrawn,
// the lifecycle endpoints are called with their waits, and the plugin's
// Stop sends SIGTERM and, after grace, SIGKILL to every process. It
// returns when no process of the task is left.
func (e *Executor) stop(t *task, grace time.Duration) {
	t.mu.Lock()
	if t.stopping || t.plugin == nil {
		t.mu.Unlock()
		return
	}
	t.stopping = true
	plugin, a, stopHealth := t.plugin, t.assigned, t.stopHealth
	t.mu.Unlock()
	if stopHealth != nil {
		stopHealth()
	}
	ctx := context.Background()
	e.withdraw(ctx, t)
	if a != nil {
		if lc := a.Job.EffectiveLifecycle(); lc != nil {
			if port, ok := a.Ports[lc.Port]; ok {
				t.logger.Info("asking the task to shut down", "port", port)
				gracefulShutdown(ctx, e.http, lc, port, t.exited, t.logger)
			}
		}
	}
	select {
	case <-t.exited:
		return
	default:
	}
	if err := plugin.Stop(ctx, t.id, grace); err != nil {
		t.logger.Error("stopping the task failed", "error", err)
	}
}

// stopBudget bounds how long stopping a task may take: its lifecycle
// waits plus the kill grace.
func stopBudget(t *task, grace time.Duration) time.Duration {
	t.mu.Lock()
	a := t.assigned
	t.mu.Unlock()
	d := grace
	if a != nil {
		if lc := a.Job.EffectiveLifecycle(); lc != nil {
			d += lc.GracefulShutdownWait.D() + lc.ShutdownWait.D() + 2*time.Second
		}
	}
	return d
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
		case <-time.After(stopBudget(t, grace) + 5*time.Second):
			t.logger.Error("task did not end after kill")
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
// it; a failed send is retried on the next subscription. The status file
// follows.
func (e *Executor) update(ctx context.Context, t *task, state mesos.TaskState, msg string) {
	t.mu.Lock()
	t.status.State, t.status.Message = state.String(), msg
	t.mu.Unlock()
	e.saveStatus(t)

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
		t.logger.Warn("sending update failed; it will be resent", "state", state.String(), "error", err)
		return
	}
	t.logger.Info("status update sent", "state", state.String(), "message", msg)
}
