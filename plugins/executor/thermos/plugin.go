package thermos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"time"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// Name is the plugin's name in Info and in the catalog.
const Name = "thermos"

// Version is the plugin release reported in Info.
const Version = "0.1.0"

// configSchema accepts only an empty object: the plugin has no settings.
const configSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "thermos executor plugin configuration",
  "type": "object",
  "additionalProperties": false
}`

// executor runs tasks; each task is driven by its own goroutine, which ends
// when the task has ended.
type executor struct {
	logger hclog.Logger
	bash   string

	mu    sync.Mutex
	tasks map[string]*task
}

// New returns the thermos executor plugin.
func New(logger hclog.Logger) sdk.ExecutorPlugin {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		bash = "/bin/bash" // Aurora's path; PATH may be empty in a plugin
	}
	return &executor{
		logger: logger.Named(Name),
		bash:   bash,
		tasks:  make(map[string]*task),
	}
}

func (e *executor) Info(context.Context) (*sdk.Info, error) {
	return &sdk.Info{
		Name:       Name,
		Kind:       sdk.KindExecutor,
		Version:    Version,
		APIVersion: sdk.APIVersion,
	}, nil
}

func (e *executor) ConfigSchema(context.Context) (*sdk.Schema, error) {
	return &sdk.Schema{JSON: json.RawMessage(configSchema)}, nil
}

// Configure accepts no configuration: empty, null or {}.
func (e *executor) Configure(_ context.Context, config json.RawMessage) error {
	trimmed := bytes.TrimSpace(config)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &fields); err != nil {
		return fmt.Errorf("%w: thermos plugin configuration must be a JSON object: %w", sdk.ErrInvalidArgument, err)
	}
	for k := range fields {
		return fmt.Errorf("%w: thermos plugin takes no configuration, got field %q", sdk.ErrInvalidArgument, k)
	}
	return nil
}

// handleState is the executor-specific part of a TaskHandle.
type handleState struct {
	Sandbox   string `json:"sandbox"`
	RunnerPID int    `json:"runner_pid"`
}

func (e *executor) Start(_ context.Context, req *sdk.StartRequest) (*sdk.TaskHandle, error) {
	if req.TaskID == "" {
		return nil, fmt.Errorf("%w: task id is required", sdk.ErrInvalidArgument)
	}
	if req.SandboxDir == "" {
		return nil, fmt.Errorf("%w: task %q: sandbox directory is required", sdk.ErrInvalidArgument, req.TaskID)
	}
	cfg, err := parseTaskConfig(req.Config)
	if err != nil {
		return nil, fmt.Errorf("task %q: %w", req.TaskID, err)
	}
	sandbox, err := absDir(req.SandboxDir)
	if err != nil {
		return nil, fmt.Errorf("task %q: %w", req.TaskID, err)
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if _, exists := e.tasks[req.TaskID]; exists {
		return nil, fmt.Errorf("%w: task %q already exists", sdk.ErrFailedPrecondition, req.TaskID)
	}
	env := taskEnv(os.Environ(), req.Env, sandbox)
	t := newTask(req.TaskID, sandbox, e.bash, env, cfg, slices.Clone(req.Config), e.logger.With("task_id", req.TaskID))
	t.as, t.userWarning = roleUser(cfg.role, sandbox)
	if t.userWarning != "" {
		t.logger.Warn("not switching user", "role", cfg.role, "reason", t.userWarning)
	}
	// The first checkpoint is written before Start returns: a task the
	// executor knows about can always be recovered.
	t.mu.Lock()
	err = t.save()
	t.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("task %q: %w", req.TaskID, err)
	}
	e.tasks[req.TaskID] = t
	t.logger.Info("task started", "processes", len(t.order))
	go t.run()

	state, err := json.Marshal(handleState{Sandbox: sandbox, RunnerPID: os.Getpid()})
	if err != nil {
		return nil, fmt.Errorf("task %q: encode handle: %w", req.TaskID, err)
	}
	return &sdk.TaskHandle{TaskID: req.TaskID, PID: os.Getpid(), State: state}, nil
}

func (e *executor) task(taskID string) (*task, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.tasks[taskID]
	if !ok {
		return nil, fmt.Errorf("task %q: %w", taskID, sdk.ErrNotFound)
	}
	return t, nil
}

func (e *executor) Wait(ctx context.Context, taskID string) (*sdk.ExitResult, error) {
	t, err := e.task(taskID)
	if err != nil {
		return nil, err
	}
	return t.wait(ctx)
}

func (e *executor) Stop(ctx context.Context, taskID string, grace time.Duration) error {
	t, err := e.task(taskID)
	if err != nil {
		return err
	}
	return t.stop(ctx, grace)
}

func (e *executor) Signal(_ context.Context, taskID string, signal string) error {
	sig, err := parseSignal(signal)
	if err != nil {
		return err
	}
	t, err := e.task(taskID)
	if err != nil {
		return err
	}
	return t.signal(sig)
}

func (e *executor) Inspect(_ context.Context, taskID string) (*sdk.TaskStatus, error) {
	t, err := e.task(taskID)
	if err != nil {
		return nil, err
	}
	return t.status(), nil
}

// Recover takes over a task: one this instance runs already, or one of an
// earlier instance of the plugin, from the checkpoint in the sandbox that
// the handle names. The task's processes outlived that instance (their
// coordinators did); the recovered task watches them, records how the runs
// that ended meanwhile ended, and goes on from there.
func (e *executor) Recover(_ context.Context, handle *sdk.TaskHandle) error {
	if handle == nil || handle.TaskID == "" {
		return fmt.Errorf("%w: a handle with a task id is required", sdk.ErrInvalidArgument)
	}
	if _, err := e.task(handle.TaskID); err == nil {
		return nil
	}
	var hs handleState
	if len(handle.State) > 0 {
		if err := json.Unmarshal(handle.State, &hs); err != nil {
			return fmt.Errorf("%w: task %q: the handle's state is not this plugin's: %w", sdk.ErrInvalidArgument, handle.TaskID, err)
		}
	}
	if hs.Sandbox == "" {
		return fmt.Errorf("cannot recover task %q: %w: this executor does not run it, and the handle names no sandbox to recover it from", handle.TaskID, sdk.ErrNotFound)
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if _, exists := e.tasks[handle.TaskID]; exists {
		return nil // recovered meanwhile
	}
	t, err := recoverTask(handle.TaskID, hs.Sandbox, e.bash, e.logger.With("task_id", handle.TaskID))
	if err != nil {
		return fmt.Errorf("cannot recover task %q: %w", handle.TaskID, err)
	}
	e.tasks[handle.TaskID] = t
	t.logger.Info("task recovered", "sandbox", hs.Sandbox, "state", t.stateName(), "running", t.running)
	go t.run()
	return nil
}

// Destroy forgets an ended task; with force it stops a running one first
// (SIGKILL, no grace). The sandbox and its logs are left in place.
func (e *executor) Destroy(ctx context.Context, taskID string, force bool) error {
	t, err := e.task(taskID)
	if err != nil {
		return err
	}
	if !t.ended() {
		if !force {
			return fmt.Errorf("%w: task %q is still running; stop it or destroy with force", sdk.ErrFailedPrecondition, taskID)
		}
		if err := t.stop(ctx, 0); err != nil {
			return fmt.Errorf("task %q: stop: %w", taskID, err)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.tasks[taskID] == t {
		delete(e.tasks, taskID)
	}
	return nil
}

// absDir makes the sandbox path absolute and creates the directory.
func absDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("sandbox %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", fmt.Errorf("create sandbox: %w", err)
	}
	return abs, nil
}
