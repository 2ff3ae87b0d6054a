package sdk

import (
	"context"
	"encoding/json"
	"time"
)

// StartRequest starts one task.
type StartRequest struct {
	TaskID string
	// SandboxDir is the task's working directory; the executor creates it
	// if it does not exist.
	SandboxDir string
	// Env is merged over the executor's environment for the task.
	Env map[string]string
	// Config is the kind-specific task configuration as JSON, e.g. the
	// thermos processes.
	Config json.RawMessage
}

// TaskHandle identifies a started task. The host persists it and passes it
// to Recover after a restart.
type TaskHandle struct {
	TaskID string
	// PID is the main process of the task, if it has one.
	PID int
	// State is executor-specific JSON.
	State json.RawMessage
}

// ExitResult is how a task ended.
type ExitResult struct {
	// ExitCode of the process that decided the outcome (0 on success).
	ExitCode int
	// Signal is non-zero when the task was ended by a signal (e.g. Stop).
	Signal int
	// Failed is true when the task failed (as opposed to finished or was
	// stopped).
	Failed  bool
	Message string
}

// ProcessStatus is the state of one process of a task.
type ProcessStatus struct {
	Name  string
	State string
	PID   int
	// ExitCode of the last run.
	ExitCode int
	// Runs counts how many times the process was started.
	Runs int
}

// TaskStatus is the state of a task and its processes.
type TaskStatus struct {
	TaskID    string
	State     string
	Processes []ProcessStatus
}

// ExecutorPlugin is the executor kind: it runs tasks on a worker, shaped
// like a Nomad task driver.
type ExecutorPlugin interface {
	Base
	// Start launches the task and returns without waiting for it.
	Start(ctx context.Context, req *StartRequest) (*TaskHandle, error)
	// Wait blocks until the task ends; it may block for hours.
	Wait(ctx context.Context, taskID string) (*ExitResult, error)
	// Stop sends SIGTERM to every process group of the task and SIGKILL
	// after grace; when it returns no process of the task is alive.
	Stop(ctx context.Context, taskID string, grace time.Duration) error
	// Signal sends a signal ("SIGHUP", "HUP" or "1") to every process of the
	// task.
	Signal(ctx context.Context, taskID string, signal string) error
	// Inspect reports the task and its processes.
	Inspect(ctx context.Context, taskID string) (*TaskStatus, error)
	// Recover re-attaches to a task started earlier, from its handle.
	Recover(ctx context.Context, handle *TaskHandle) error
	// Destroy forgets the task; with force it stops a running task first,
	// without force it fails if the task is still running.
	Destroy(ctx context.Context, taskID string, force bool) error
}
