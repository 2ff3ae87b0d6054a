package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// Version is the plugin release; the catalog entry must say the same.
const Version = "0.1.0"

const configSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "customexec configuration",
  "type": "object",
  "properties": {
    "wrapper": {"type": "array", "items": {"type": "string", "minLength": 1}, "description": "Command prefix every task runs under, e.g. [\"nice\", \"-n\", \"10\"]."}
  },
  "additionalProperties": false
}`

// TaskConfig is a task's executor block.
type TaskConfig struct {
	Command string   `json:"command"`
	Args    []string `json:"args"`
}

// taskConfig reads a task's command: from the job's executor block, which
// the Aurora executor passes as "executor_config" (the job file's
// `executor "customexec" { command = "..." }`), or from the top level of
// the request's config.
func taskConfig(raw json.RawMessage) (TaskConfig, error) {
	var req struct {
		TaskConfig
		ExecutorConfig *TaskConfig `json:"executor_config"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return TaskConfig{}, fmt.Errorf("%w: task config: %w", sdk.ErrInvalidArgument, err)
	}
	if req.Command == "" && req.ExecutorConfig != nil {
		return *req.ExecutorConfig, nil
	}
	return req.TaskConfig, nil
}

type task struct {
	cmd  *exec.Cmd
	done chan struct{}
	res  sdk.ExitResult
}

// Executor runs one command per task, in the task's sandbox, in its own
// process group, with stdout and stderr in the sandbox.
type Executor struct {
	logger hclog.Logger

	mu      sync.Mutex
	wrapper []string
	tasks   map[string]*task
}

// New returns the executor.
func New(logger hclog.Logger) *Executor {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &Executor{logger: logger, tasks: map[string]*task{}}
}

func (e *Executor) Info(context.Context) (*sdk.Info, error) {
	return &sdk.Info{Name: "customexec", Kind: sdk.KindExecutor, Version: Version}, nil
}

func (e *Executor) ConfigSchema(context.Context) (*sdk.Schema, error) {
	return &sdk.Schema{JSON: json.RawMessage(configSchema)}, nil
}

func (e *Executor) Configure(_ context.Context, config json.RawMessage) error {
	var cfg struct {
		Wrapper []string `json:"wrapper"`
	}
	if err := sdk.DecodeConfig(config, &cfg); err != nil {
		return err
	}
	e.mu.Lock()
	e.wrapper = cfg.Wrapper
	e.mu.Unlock()
	return nil
}

func (e *Executor) Start(_ context.Context, req *sdk.StartRequest) (*sdk.TaskHandle, error) {
	tc, err := taskConfig(req.Config)
	if err != nil {
		return nil, err
	}
	if tc.Command == "" {
		return nil, fmt.Errorf("%w: task config needs a command", sdk.ErrInvalidArgument)
	}
	if err := os.MkdirAll(req.SandboxDir, 0o755); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.tasks[req.TaskID]; ok {
		return nil, fmt.Errorf("%w: task %s exists", sdk.ErrFailedPrecondition, req.TaskID)
	}
	argv := append(append(append([]string{}, e.wrapper...), tc.Command), tc.Args...)
	cmd := exec.Command(lookPath(argv[0]), argv[1:]...)
	cmd.Dir = req.SandboxDir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Env = []string{"PATH=" + taskPath, "SANDBOX=" + req.SandboxDir}
	for k, v := range req.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := os.Create(filepath.Join(req.SandboxDir, "stdout"))
	if err != nil {
		return nil, err
	}
	errf, err := os.Create(filepath.Join(req.SandboxDir, "stderr"))
	if err != nil {
		out.Close()
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = out, errf
	if err := cmd.Start(); err != nil {
		out.Close()
		errf.Close()
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	t := &task{cmd: cmd, done: make(chan struct{})}
	e.tasks[req.TaskID] = t
	go func() {
		defer close(t.done)
		err := cmd.Wait()
		out.Close()
		errf.Close()
		t.res = exitResult(cmd, err)
	}()
	return &sdk.TaskHandle{TaskID: req.TaskID, PID: cmd.Process.Pid}, nil
}

// taskPath is the PATH of tasks; plugins start with no environment, so
// commands are looked up here rather than in the plugin's own PATH.
const taskPath = "/usr/local/bin:/usr/bin:/bin"

func lookPath(name string) string {
	if strings.Contains(name, "/") {
		return name
	}
	for _, dir := range filepath.SplitList(taskPath) {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return name
}

func exitResult(cmd *exec.Cmd, err error) sdk.ExitResult {
	st := cmd.ProcessState
	if st == nil {
		return sdk.ExitResult{ExitCode: -1, Failed: true, Message: fmt.Sprint(err)}
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return sdk.ExitResult{Signal: int(ws.Signal()), Failed: true, Message: st.String()}
	}
	return sdk.ExitResult{ExitCode: st.ExitCode(), Failed: st.ExitCode() != 0, Message: st.String()}
}

func (e *Executor) task(id string) (*task, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.tasks[id]
	if !ok {
		return nil, fmt.Errorf("%w: task %s", sdk.ErrNotFound, id)
	}
	return t, nil
}

func (e *Executor) Wait(ctx context.Context, id string) (*sdk.ExitResult, error) {
	t, err := e.task(id)
	if err != nil {
		return nil, err
	}
	select {
	case <-t.done:
		res := t.res
		return &res, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Stop sends SIGTERM to the task's process group and SIGKILL after grace.
func (e *Executor) Stop(ctx context.Context, id string, grace time.Duration) error {
	t, err := e.task(id)
	if err != nil {
		return err
	}
	pgid := t.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-t.done:
		return nil
	case <-time.After(grace):
	case <-ctx.Done():
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	select {
	case <-t.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *Executor) Signal(_ context.Context, id, signal string) error {
	t, err := e.task(id)
	if err != nil {
		return err
	}
	sig, err := parseSignal(signal)
	if err != nil {
		return err
	}
	return syscall.Kill(-t.cmd.Process.Pid, sig)
}

func parseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return syscall.Signal(n), nil
	}
	switch strings.TrimPrefix(strings.ToUpper(s), "SIG") {
	case "HUP":
		return syscall.SIGHUP, nil
	case "INT":
		return syscall.SIGINT, nil
	case "TERM":
		return syscall.SIGTERM, nil
	case "KILL":
		return syscall.SIGKILL, nil
	case "USR1":
		return syscall.SIGUSR1, nil
	case "USR2":
		return syscall.SIGUSR2, nil
	}
	return 0, fmt.Errorf("%w: unknown signal %q", sdk.ErrInvalidArgument, s)
}

func (e *Executor) Inspect(_ context.Context, id string) (*sdk.TaskStatus, error) {
	t, err := e.task(id)
	if err != nil {
		return nil, err
	}
	st := &sdk.TaskStatus{TaskID: id, State: "RUNNING"}
	proc := sdk.ProcessStatus{Name: "command", State: "RUNNING", PID: t.cmd.Process.Pid, Runs: 1}
	select {
	case <-t.done:
		st.State, proc.State, proc.ExitCode = "FINISHED", "FINISHED", t.res.ExitCode
		if t.res.Failed {
			st.State, proc.State = "FAILED", "FAILED"
		}
	default:
	}
	st.Processes = []sdk.ProcessStatus{proc}
	return st, nil
}

// Recover is not supported: the example keeps its tasks in memory only.
func (e *Executor) Recover(context.Context, *sdk.TaskHandle) error {
	return fmt.Errorf("%w: customexec cannot recover tasks", sdk.ErrUnimplemented)
}

// Destroy forgets a task; a running task needs force, which kills it.
func (e *Executor) Destroy(ctx context.Context, id string, force bool) error {
	t, err := e.task(id)
	if err != nil {
		return err
	}
	select {
	case <-t.done:
	default:
		if !force {
			return fmt.Errorf("%w: task %s is running; stop it or destroy with force", sdk.ErrFailedPrecondition, id)
		}
		if err := e.Stop(ctx, id, 0); err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	e.mu.Lock()
	delete(e.tasks, id)
	e.mu.Unlock()
	return nil
}
