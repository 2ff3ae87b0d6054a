package docker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// Name is the plugin's name in Info and in the catalog.
const Name = "docker"

// Version is the plugin release reported in Info.
const Version = "0.1.0"

const configSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "docker executor plugin configuration",
  "type": "object",
  "properties": {
    "socket": {"type": "string", "description": "dockerd's unix socket; default: the task's DOCKER_HOST, else /var/run/docker.sock"},
    "sandbox_mount_point": {"type": "string", "description": "where the sandbox is mounted in the container (/mnt/mesos/sandbox)"},
    "network": {"type": "string", "description": "default network mode (host)"}
  },
  "additionalProperties": false
}`

// ContainerLabel carries the task id on every container the plugin makes.
const ContainerLabel = "org.aurora-go.task_id"

// executor runs tasks in Docker containers.
type executor struct {
	logger hclog.Logger

	mu    sync.Mutex
	cfg   pluginConfig
	tasks map[string]*task
}

// New returns the docker executor plugin.
func New(logger hclog.Logger) sdk.ExecutorPlugin {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &executor{logger: logger.Named(Name), tasks: map[string]*task{},
		cfg: pluginConfig{SandboxMountPoint: DefaultSandboxMountPoint, Network: DefaultNetwork}}
}

func (e *executor) Info(context.Context) (*sdk.Info, error) {
	return &sdk.Info{Name: Name, Kind: sdk.KindExecutor, Version: Version, APIVersion: sdk.APIVersion}, nil
}

func (e *executor) ConfigSchema(context.Context) (*sdk.Schema, error) {
	return &sdk.Schema{JSON: json.RawMessage(configSchema)}, nil
}

func (e *executor) Configure(_ context.Context, raw json.RawMessage) error {
	c := pluginConfig{SandboxMountPoint: DefaultSandboxMountPoint, Network: DefaultNetwork}
	if t := bytes.TrimSpace(raw); len(t) > 0 && !bytes.Equal(t, []byte("null")) {
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return fmt.Errorf("%w: docker plugin configuration: %w", sdk.ErrInvalidArgument, err)
		}
	}
	if !filepath.IsAbs(c.SandboxMountPoint) {
		return fmt.Errorf("%w: sandbox_mount_point %q must be absolute", sdk.ErrInvalidArgument, c.SandboxMountPoint)
	}
	e.mu.Lock()
	e.cfg = c
	e.mu.Unlock()
	return nil
}

// task is one container.
type task struct {
	id        string
	container string // name, also usable as the id
	sandbox   string
	spec      *containerSpec
	eng       *engine
	logger    hclog.Logger
	done      chan struct{}
	stopLogs  context.CancelFunc

	mu      sync.Mutex
	stopped bool
	grace   time.Duration
	stopAt  time.Time
	result  *sdk.ExitResult
	waitErr error
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_.-]`)

// containerName is the container of a task: aurora-<task id>.
func containerName(taskID string) string {
	return "aurora-" + unsafeName.ReplaceAllString(taskID, "_")
}

// engineFor picks the engine: the configured socket, the task's
// DOCKER_HOST, or the default socket.
func (e *executor) engineFor(env map[string]string) (*engine, pluginConfig, error) {
	e.mu.Lock()
	cfg := e.cfg
	e.mu.Unlock()
	socket := cfg.Socket
	if socket == "" {
		s, err := socketFromHost(env["DOCKER_HOST"])
		if err != nil {
			return nil, cfg, fmt.Errorf("%w: %w", sdk.ErrInvalidArgument, err)
		}
		socket = s
	}
	if socket == "" {
		socket = DefaultSocket
	}
	return newEngine(socket), cfg, nil
}

func (e *executor) Start(ctx context.Context, req *sdk.StartRequest) (*sdk.TaskHandle, error) {
	if req.TaskID == "" || req.SandboxDir == "" {
		return nil, fmt.Errorf("%w: task id and sandbox are required", sdk.ErrInvalidArgument)
	}
	sandbox, err := filepath.Abs(req.SandboxDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(sandbox, 0o755); err != nil {
		return nil, fmt.Errorf("create sandbox: %w", err)
	}
	eng, cfg, err := e.engineFor(req.Env)
	if err != nil {
		return nil, err
	}
	cs, err := parseTask(req.Config, sandbox, cfg)
	if err != nil {
		return nil, fmt.Errorf("task %q: %w", req.TaskID, err)
	}
	e.mu.Lock()
	if _, dup := e.tasks[req.TaskID]; dup {
		e.mu.Unlock()
		return nil, fmt.Errorf("%w: task %q already exists", sdk.ErrFailedPrecondition, req.TaskID)
	}
	t := &task{id: req.TaskID, container: containerName(req.TaskID), sandbox: sandbox, spec: cs, eng: eng,
		logger: e.logger.With("task_id", req.TaskID), done: make(chan struct{})}
	e.tasks[req.TaskID] = t
	e.mu.Unlock()
	if err := t.create(ctx, cfg.SandboxMountPoint, req.Env); err != nil {
		e.forget(t)
		return nil, fmt.Errorf("task %q: %w", req.TaskID, err)
	}
	t.follow(time.Time{})
	st, _ := json.Marshal(handleState{Container: t.container, Sandbox: sandbox, Socket: eng.socket, Config: req.Config})
	return &sdk.TaskHandle{TaskID: req.TaskID, State: st}, nil
}

func (e *executor) forget(t *task) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.tasks[t.id] == t {
		delete(e.tasks, t.id)
	}
}

// containerEnv is the environment inside the container: Aurora's and
// Mesos's variables from the request (not the host's PATH or HOME, which
// belong to the image), the sandbox, and the env parameters.
func containerEnv(req map[string]string, mount string, extra []string) []string {
	var env []string
	for k, v := range req {
		if len(k) > 7 && (k[:7] == "AURORA_" || k[:6] == "MESOS_") {
			env = append(env, k+"="+v)
		}
	}
	sort.Strings(env)
	env = append(env, "MESOS_SANDBOX="+mount, "MESOS_DIRECTORY="+mount)
	return append(env, extra...)
}

// create makes and starts the container.
func (t *task) create(ctx context.Context, mount string, reqEnv map[string]string) error {
	cs := t.spec
	if err := t.eng.ping(ctx); err != nil {
		return fmt.Errorf("docker engine: %w", err)
	}
	if err := t.eng.ensureImage(ctx, cs.image); err != nil {
		return err
	}
	if err := writeRunner(t.sandbox, mount, cs.processes); err != nil {
		return fmt.Errorf("write the runner into the sandbox: %w", err)
	}
	// A container left by an earlier attempt of the same task goes.
	_ = t.eng.call(ctx, http.MethodDelete, "/containers/"+t.container, url.Values{"force": {"1"}}, nil, nil)
	labels := map[string]string{ContainerLabel: t.id}
	for k, v := range cs.labels {
		labels[k] = v
	}
	exposed := map[string]struct{}{}
	bindings := cs.portBindings()
	for p := range bindings {
		exposed[p] = struct{}{}
	}
	host := map[string]any{
		"Binds":        cs.binds,
		"NetworkMode":  cs.network,
		"PortBindings": bindings,
		"ExtraHosts":   cs.extraHosts,
		"CapAdd":       cs.capAdd,
	}
	if cs.memory > 0 {
		host["Memory"] = cs.memory
	}
	if cs.nanoCPUs > 0 {
		host["NanoCpus"] = cs.nanoCPUs
	}
	body := map[string]any{
		"Image":        cs.image,
		"Cmd":          []string{"/bin/sh", mount + "/" + runnerDir + "/runner.sh"},
		"Env":          containerEnv(reqEnv, mount, cs.env),
		"WorkingDir":   cs.workdir,
		"Labels":       labels,
		"ExposedPorts": exposed,
		"HostConfig":   host,
	}
	if cs.user != "" {
		body["User"] = cs.user
	}
	if cs.hostname != "" {
		body["Hostname"] = cs.hostname
	}
	if err := t.eng.call(ctx, http.MethodPost, "/containers/create", url.Values{"name": {t.container}}, body, nil); err != nil {
		return err
	}
	if err := t.eng.call(ctx, http.MethodPost, "/containers/"+t.container+"/start", nil, nil, nil); err != nil {
		_ = t.eng.call(context.Background(), http.MethodDelete, "/containers/"+t.container, url.Values{"force": {"1"}}, nil, nil)
		return err
	}
	t.logger.Info("container started", "container", t.container, "image", cs.image)
	return nil
}

// follow copies the container's own output (since a time, zero for all)
// into the sandbox (container.stdout, container.stderr) and waits for it
// to exit.
func (t *task) follow(since time.Time) {
	lctx, cancel := context.WithCancel(context.Background())
	t.stopLogs = cancel
	go func() {
		out, err1 := os.OpenFile(filepath.Join(t.sandbox, "container.stdout"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		errOut, err2 := os.OpenFile(filepath.Join(t.sandbox, "container.stderr"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err := errors.Join(err1, err2); err != nil {
			t.logger.Warn("cannot open the container's log files", "error", err)
			return
		}
		defer out.Close()
		defer errOut.Close()
		if err := t.eng.streamLogs(lctx, t.container, since, out, errOut); err != nil && lctx.Err() == nil {
			t.logger.Warn("following the container's logs stopped", "error", err)
		}
	}()
	go func() {
		defer close(t.done)
		var res struct {
			StatusCode int `json:"StatusCode"`
		}
		err := t.eng.call(context.Background(), http.MethodPost, "/containers/"+t.container+"/wait", nil, nil, &res)
		t.mu.Lock()
		defer t.mu.Unlock()
		if err != nil {
			t.waitErr = fmt.Errorf("waiting for container %s: %w", t.container, err)
			return
		}
		t.result = t.outcome(res.StatusCode)
		t.logger.Info("container exited", "status", res.StatusCode, "message", t.result.Message)
	}()
}

// outcome maps the runner's exit status to the task's result. Callers
// hold mu.
func (t *task) outcome(code int) *sdk.ExitResult {
	if t.stopped {
		sig := syscall.SIGTERM
		msg := "task stopped with SIGTERM"
		if code == 137 || time.Now().After(t.stopAt.Add(t.grace)) {
			sig, msg = syscall.SIGKILL, "task stopped with SIGKILL after its grace period"
		}
		return &sdk.ExitResult{ExitCode: -1, Signal: int(sig), Message: msg}
	}
	if code == 0 {
		return &sdk.ExitResult{Message: "all processes finished"}
	}
	for _, s := range readStatus(t.sandbox, t.spec.processes) {
		if s.state == "FAILED" {
			return &sdk.ExitResult{ExitCode: s.exitCode, Failed: true,
				Message: fmt.Sprintf("process %q failed after %d runs: exit code %d", s.name, s.runs, s.exitCode)}
		}
	}
	return &sdk.ExitResult{ExitCode: code, Failed: true, Message: fmt.Sprintf("container exited with status %d", code)}
}

func (e *executor) task(id string) (*task, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.tasks[id]
	if !ok {
		return nil, fmt.Errorf("task %q: %w", id, sdk.ErrNotFound)
	}
	return t, nil
}

func (e *executor) Wait(ctx context.Context, taskID string) (*sdk.ExitResult, error) {
	t, err := e.task(taskID)
	if err != nil {
		return nil, err
	}
	select {
	case <-t.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.waitErr != nil {
		return nil, t.waitErr
	}
	r := *t.result
	return &r, nil
}

// Stop is docker stop: SIGTERM to the runner, which passes it to every
// process of the container, and SIGKILL after grace. It returns once the
// container has exited.
func (e *executor) Stop(ctx context.Context, taskID string, grace time.Duration) error {
	t, err := e.task(taskID)
	if err != nil {
		return err
	}
	select {
	case <-t.done:
		return nil
	default:
	}
	t.mu.Lock()
	if !t.stopped {
		t.stopped, t.grace, t.stopAt = true, grace, time.Now()
	}
	t.mu.Unlock()
	secs := int(math.Ceil(grace.Seconds()))
	t.logger.Info("stopping container", "grace", grace)
	if err := t.eng.call(ctx, http.MethodPost, "/containers/"+t.container+"/stop", url.Values{"t": {strconv.Itoa(secs)}}, nil, nil); err != nil &&
		!errors.Is(err, errNotFound) {
		return err
	}
	select {
	case <-t.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *executor) Signal(ctx context.Context, taskID, signal string) error {
	t, err := e.task(taskID)
	if err != nil {
		return err
	}
	return t.eng.call(ctx, http.MethodPost, "/containers/"+t.container+"/kill", url.Values{"signal": {signal}}, nil, nil)
}

func (e *executor) Inspect(ctx context.Context, taskID string) (*sdk.TaskStatus, error) {
	t, err := e.task(taskID)
	if err != nil {
		return nil, err
	}
	st := &sdk.TaskStatus{TaskID: taskID, State: "RUNNING"}
	select {
	case <-t.done:
		t.mu.Lock()
		switch {
		case t.result == nil:
			st.State = "LOST"
		case t.result.Signal != 0:
			st.State = "KILLED"
		case t.result.Failed:
			st.State = "FAILED"
		default:
			st.State = "SUCCESS"
		}
		t.mu.Unlock()
	default:
	}
	pid := 0
	if c, err := t.eng.inspect(ctx, t.container); err == nil {
		pid = c.State.Pid
	}
	for _, s := range readStatus(t.sandbox, t.spec.processes) {
		p := sdk.ProcessStatus{Name: s.name, State: s.state, ExitCode: s.exitCode, Runs: s.runs}
		if s.state == "RUNNING" {
			p.PID = pid // the container's runner, as seen from the host
		}
		st.Processes = append(st.Processes, p)
	}
	return st, nil
}

// handleState is the docker part of a TaskHandle: enough to re-attach.
type handleState struct {
	Container string          `json:"container"`
	Sandbox   string          `json:"sandbox"`
	Socket    string          `json:"socket"`
	Config    json.RawMessage `json:"config"`
}

// Recover re-attaches to a task's container after a restart of the
// plugin, from its handle: the container outlives the plugin.
func (e *executor) Recover(ctx context.Context, h *sdk.TaskHandle) error {
	if _, err := e.task(h.TaskID); err == nil {
		return nil
	}
	var hs handleState
	if err := json.Unmarshal(h.State, &hs); err != nil || hs.Sandbox == "" || hs.Socket == "" {
		return fmt.Errorf("%w: task %q: the handle has no docker state", sdk.ErrInvalidArgument, h.TaskID)
	}
	e.mu.Lock()
	cfg := e.cfg
	e.mu.Unlock()
	cs, err := parseTask(hs.Config, hs.Sandbox, cfg)
	if err != nil {
		return err
	}
	eng := newEngine(hs.Socket)
	if _, err := eng.inspect(ctx, hs.Container); err != nil {
		return fmt.Errorf("cannot recover task %q: %w", h.TaskID, err)
	}
	t := &task{id: h.TaskID, container: hs.Container, sandbox: hs.Sandbox, spec: cs, eng: eng,
		logger: e.logger.With("task_id", h.TaskID), done: make(chan struct{})}
	e.mu.Lock()
	if _, dup := e.tasks[h.TaskID]; dup {
		e.mu.Unlock()
		return nil
	}
	e.tasks[h.TaskID] = t
	e.mu.Unlock()
	t.follow(time.Now())
	t.logger.Info("recovered container", "container", hs.Container)
	return nil
}

// Destroy removes the task's container (stopping it first with force);
// the sandbox and its logs stay.
func (e *executor) Destroy(ctx context.Context, taskID string, force bool) error {
	t, err := e.task(taskID)
	if err != nil {
		return err
	}
	select {
	case <-t.done:
	default:
		if !force {
			return fmt.Errorf("%w: task %q is still running; stop it or destroy with force", sdk.ErrFailedPrecondition, taskID)
		}
		if err := e.Stop(ctx, taskID, 0); err != nil {
			return err
		}
	}
	t.stopLogs()
	if err := t.eng.call(ctx, http.MethodDelete, "/containers/"+t.container, url.Values{"force": {"1"}}, nil, nil); err != nil && !errors.Is(err, errNotFound) {
		return err
	}
	e.forget(t)
	return nil
}
