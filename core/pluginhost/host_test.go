package pluginhost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

const testTimeout = 60 * time.Second

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

var limitRequest = &sdk.FilterRequest{
	Group: sdk.TaskGroup{Role: "www-data", Environment: "prod", Job: "hello",
		Constraints: []sdk.Constraint{{Name: "host", Limit: 1}}},
	ActiveTasks: map[string]map[string]int32{"host": {"h1": 1}},
	Hosts: []sdk.Host{
		{ID: "a1", Attributes: map[string][]string{"host": {"h1"}}},
		{ID: "a2", Attributes: map[string][]string{"host": {"h2"}}},
	},
}

var limitResults = []sdk.HostResult{
	{HostID: "a1", Vetoes: []sdk.Veto{{Type: sdk.VetoDynamic, Reason: "Limit not satisfied: host", Score: 10000}}},
	{HostID: "a2"},
}

func filter(t *testing.T, c *ConstraintClient) {
	t.Helper()
	resp, err := c.Filter(testContext(t), limitRequest)
	if err != nil {
		t.Fatalf("Filter: %v", err)
	}
	if !reflect.DeepEqual(resp.Results, limitResults) {
		t.Fatalf("Filter results = %+v, want %+v", resp.Results, limitResults)
	}
}

func TestBuiltinSpec(t *testing.T) {
	spec := builtinSpec(t, sdk.KindConstraint, "limit")
	exe, _ := os.Executable()
	if spec.Command != exe || !reflect.DeepEqual(spec.Args, []string{"plugin", "serve", "constraint/limit"}) || spec.Env != nil {
		t.Fatalf("BuiltinSpec = %+v", spec)
	}
	if _, err := BuiltinSpec("bogus", "static"); err == nil {
		t.Fatal("BuiltinSpec accepted an unknown kind")
	}
}

func TestConstraintPluginInSubprocess(t *testing.T) {
	h, _ := newTestHost(t)
	c, err := h.Constraint(testContext(t), builtinSpec(t, sdk.KindConstraint, "limit"))
	if err != nil {
		t.Fatalf("Constraint: %v", err)
	}
	if pid := c.PID(); pid <= 0 || pid == os.Getpid() {
		t.Fatalf("PID() = %d, want a child process", pid)
	}
	info, err := c.Info(testContext(t))
	if err != nil || info.Name != "limit" || info.Kind != sdk.KindConstraint {
		t.Fatalf("Info = %+v, %v", info, err)
	}
	filter(t, c)
	if err := c.Configure(testContext(t), json.RawMessage(`{"bogus":1}`)); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("Configure with a bad config: err = %v, want ErrInvalidArgument from the plugin", err)
	}
	if c.Restarts() != 0 {
		t.Fatalf("Restarts() = %d, want 0", c.Restarts())
	}
}

func TestConstraintPluginRestartsAfterKill9(t *testing.T) {
	h, logs := newTestHost(t)
	c, err := h.Constraint(testContext(t), builtinSpec(t, sdk.KindConstraint, "limit"))
	if err != nil {
		t.Fatalf("Constraint: %v", err)
	}
	filter(t, c)
	if err := c.Configure(testContext(t), json.RawMessage(`{}`)); err != nil {
		t.Fatalf("Configure: %v", err)
	}

	oldPID := c.PID()
	if err := syscall.Kill(oldPID, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %d: %v", oldPID, err)
	}
	filter(t, c) // restarts the plugin and succeeds

	if got := c.Restarts(); got != 1 {
		t.Fatalf("Restarts() = %d, want 1", got)
	}
	if newPID := c.PID(); newPID == oldPID || newPID <= 0 {
		t.Fatalf("PID after restart = %d (was %d)", newPID, oldPID)
	}
	log := logs.String()
	for _, want := range []string{"plugin process died", "plugin=constraint/limit", "signal: killed"} {
		if !strings.Contains(log, want) {
			t.Errorf("host log lacks %q", want)
		}
	}
	filter(t, c)
	if got := c.Restarts(); got != 1 {
		t.Fatalf("Restarts() = %d after a healthy call, want 1", got)
	}
}

func TestConcurrentCallsRestartOnce(t *testing.T) {
	h, _ := newTestHost(t)
	c, err := h.Constraint(testContext(t), builtinSpec(t, sdk.KindConstraint, "limit"))
	if err != nil {
		t.Fatalf("Constraint: %v", err)
	}
	if err := syscall.Kill(c.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range cap(errs) {
		go func() {
			_, err := c.Filter(testContext(t), limitRequest)
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Errorf("Filter: %v", err)
		}
	}
	if got := c.Restarts(); got != 1 {
		t.Fatalf("Restarts() = %d, want 1 for one crash", got)
	}
}

func TestRestartWaitsForBackoff(t *testing.T) {
	const delay = 400 * time.Millisecond
	h, _ := newTestHost(t, WithBackoff(delay, 10*time.Second), WithRandom(func() float64 { return 0.5 }))
	c, err := h.Constraint(testContext(t), builtinSpec(t, sdk.KindConstraint, "limit"))
	if err != nil {
		t.Fatalf("Constraint: %v", err)
	}
	if err := syscall.Kill(c.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	filter(t, c)
	if took := time.Since(began); took < delay {
		t.Fatalf("restart took %v, want at least the %v backoff", took, delay)
	}
}

func TestMismatchedPluginIsRejected(t *testing.T) {
	t.Parallel()
	h, _ := newTestHost(t)
	spec := builtinSpec(t, sdk.KindConstraint, "limit")
	spec.Name = "rack-spread" // the process serves "limit"
	_, err := h.Constraint(testContext(t), spec)
	if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "constraint/limit") {
		t.Fatalf("err = %v, want ErrMismatch naming what the plugin reports", err)
	}

	spec = builtinSpec(t, sdk.KindConstraint, "limit")
	spec.Kind = sdk.KindExecutor
	_, err = h.Executor(testContext(t), spec)
	if !errors.Is(err, ErrMismatch) {
		t.Fatalf("executor spec on a constraint plugin: err = %v, want ErrMismatch", err)
	}
}

func TestStartFailureIsReported(t *testing.T) {
	t.Parallel()
	h, _ := newTestHost(t)
	_, err := h.Constraint(testContext(t), Spec{Kind: sdk.KindConstraint, Name: "x", Command: filepath.Join(t.TempDir(), "missing")})
	if err == nil || !strings.Contains(err.Error(), "start plugin constraint/x") {
		t.Fatalf("err = %v, want a start error", err)
	}
	spec := builtinSpec(t, sdk.KindConstraint, "nope")
	if _, err := h.Constraint(testContext(t), spec); err == nil {
		t.Fatal("started an unknown built-in")
	}
}

func TestFilterDeadline(t *testing.T) {
	h, _ := newTestHost(t, WithTimeouts(Timeouts{Filter: time.Nanosecond, Base: 5 * time.Second, Start: 30 * time.Second}))
	c, err := h.Constraint(testContext(t), builtinSpec(t, sdk.KindConstraint, "limit"))
	if err != nil {
		t.Fatalf("Constraint: %v", err)
	}
	if _, err := c.Filter(context.Background(), limitRequest); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Filter past its deadline: err = %v, want context.DeadlineExceeded", err)
	}
	if c.Restarts() != 0 {
		t.Fatalf("a slow call must not restart the plugin")
	}
}

func TestShutdownKillsPlugins(t *testing.T) {
	h, _ := newTestHost(t)
	c, err := h.Constraint(testContext(t), builtinSpec(t, sdk.KindConstraint, "limit"))
	if err != nil {
		t.Fatalf("Constraint: %v", err)
	}
	e, err := h.Executor(testContext(t), builtinSpec(t, sdk.KindExecutor, "thermos"))
	if err != nil {
		t.Fatalf("Executor: %v", err)
	}
	pids := []int{c.PID(), e.PID()}
	h.Shutdown()
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("plugin %d still exists after Shutdown (kill 0: %v)", pid, err)
		}
	}
	if _, err := c.Filter(testContext(t), limitRequest); !errors.Is(err, ErrShutdown) {
		t.Fatalf("Filter after Shutdown: err = %v, want ErrShutdown", err)
	}
	if _, err := h.Constraint(testContext(t), builtinSpec(t, sdk.KindConstraint, "limit")); !errors.Is(err, ErrShutdown) {
		t.Fatalf("Constraint after Shutdown: err = %v, want ErrShutdown", err)
	}
}

func TestExecutorPluginInSubprocess(t *testing.T) {
	h, _ := newTestHost(t)
	t.Setenv("AURORA_HOST_SECRET", "must-not-leak")
	spec := builtinSpec(t, sdk.KindExecutor, "thermos")
	spec.Env = []string{"FROM_SPEC=yes"}
	e, err := h.Executor(testContext(t), spec)
	if err != nil {
		t.Fatalf("Executor: %v", err)
	}
	sandbox := t.TempDir()
	ctx := testContext(t)
	if _, err := e.Start(ctx, &sdk.StartRequest{TaskID: "t1", SandboxDir: sandbox,
		Config: json.RawMessage(`{"processes":[{"name":"hello","cmdline":"echo hello; env > env.txt"}]}`)}); err != nil {
		t.Fatalf("Start: %v", err)
	}
	res, err := e.Wait(ctx, "t1")
	if err != nil || res.Failed || res.ExitCode != 0 {
		t.Fatalf("Wait = %+v, %v", res, err)
	}
	out, err := os.ReadFile(filepath.Join(sandbox, ".logs/hello/0/stdout"))
	if err != nil || string(out) != "hello\n" {
		t.Fatalf("stdout log = %q, %v", out, err)
	}
	env, err := os.ReadFile(filepath.Join(sandbox, "env.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(env), "FROM_SPEC=yes") || strings.Contains(string(env), "AURORA_HOST_SECRET") {
		t.Fatalf("task env should hold the spec's env and not the host's:\n%s", env)
	}
}

// TestExecutorTasksSurviveACrash kills the thermos plugin process under a
// running task: the restarted process recovers the task before the
// interrupted Wait is retried, the task's process keeps running with the
// same pid, and Stop still ends it.
func TestExecutorTasksSurviveACrash(t *testing.T) {
	e, _, pid := startSleeper(t)
	ctx := testContext(t)
	type waited struct {
		res *sdk.ExitResult
		err error
	}
	waitRes := make(chan waited, 1)
	go func() {
		res, err := e.Wait(ctx, "t1")
		waitRes <- waited{res, err}
	}()
	select {
	case w := <-waitRes:
		t.Fatalf("Wait returned while the task runs: %+v, %v", w.res, w.err)
	case <-time.After(200 * time.Millisecond):
	}
	old := e.PID()
	if err := syscall.Kill(old, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	st, err := e.Inspect(ctx, "t1")
	if err != nil {
		t.Fatalf("Inspect after the crash: %v", err)
	}
	if got := e.Restarts(); got != 1 || e.PID() == old {
		t.Fatalf("Restarts() = %d, PID %d (was %d); want one restart", got, e.PID(), old)
	}
	if len(st.Processes) != 1 || st.Processes[0].PID != pid || st.Processes[0].State != "RUNNING" {
		t.Fatalf("Inspect after the crash = %+v, want s RUNNING as pid %d", st, pid)
	}
	select {
	case w := <-waitRes:
		t.Fatalf("Wait returned across the crash: %+v, %v", w.res, w.err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := e.Stop(ctx, "t1", time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	w := <-waitRes
	if w.err != nil || w.res.Signal != int(syscall.SIGTERM) {
		t.Fatalf("Wait = %+v, %v; want the task stopped with SIGTERM", w.res, w.err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) && !isZombie(pid) {
		t.Fatalf("process %d outlived the stopped task", pid)
	}
	if err := e.Destroy(ctx, "t1", false); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
}

// TestExecutorTaskNotRecoveredAfterACrash removes a task's checkpoint
// before the plugin crashes: the task is lost, and Wait says why.
func TestExecutorTaskNotRecoveredAfterACrash(t *testing.T) {
	e, sandbox, pid := startSleeper(t)
	ctx := testContext(t)
	defer syscall.Kill(-pid, syscall.SIGKILL) // no executor will stop it
	// The plugin dies first, so it writes no checkpoint after the removal
	// (the host restarts it only at the next call). The process's
	// coordinator may still be writing its own records: remove again until
	// the directory is gone.
	plugin := e.PID()
	if err := syscall.Kill(plugin, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(plugin, 0) == nil && !isZombie(plugin) {
		if time.Now().After(deadline) {
			t.Fatalf("plugin %d still alive 10s after SIGKILL", plugin)
		}
		time.Sleep(5 * time.Millisecond)
	}
	for err := os.RemoveAll(filepath.Join(sandbox, ".thermos")); err != nil; err = os.RemoveAll(filepath.Join(sandbox, ".thermos")) {
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	_, err := e.Wait(ctx, "t1")
	if !errors.Is(err, sdk.ErrNotFound) || !strings.Contains(err.Error(), "could not recover the task") {
		t.Fatalf("Wait across a crash without a checkpoint: err = %v, want ErrNotFound saying the recovery failed", err)
	}
}

// startSleeper starts task t1 on the built-in thermos plugin: one process
// that writes its pid to s.pid in the sandbox and sleeps. It returns the
// executor, the sandbox and the process's pid.
func startSleeper(t *testing.T) (e *ExecutorClient, sandbox string, pid int) {
	t.Helper()
	h, _ := newTestHost(t)
	e, err := h.Executor(testContext(t), builtinSpec(t, sdk.KindExecutor, "thermos"))
	if err != nil {
		t.Fatalf("Executor: %v", err)
	}
	sandbox = t.TempDir()
	if _, err := e.Start(testContext(t), &sdk.StartRequest{TaskID: "t1", SandboxDir: sandbox,
		Config: json.RawMessage(`{"processes":[{"name":"s","cmdline":"echo $$ > s.pid; exec sleep 1000"}]}`)}); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return e, sandbox, readPIDFile(t, filepath.Join(sandbox, "s.pid"))
}

// readPIDFile polls until path holds a pid.
func readPIDFile(t *testing.T, path string) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				return pid
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s holds no pid", path)
	return 0
}

// isZombie reports whether pid has exited and awaits its parent's wait.
func isZombie(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i > 0 && i+2 < len(b) && b[i+2] == 'Z'
}

func TestPluginEnvironment(t *testing.T) {
	h, _ := newTestHost(t)
	s := newSupervisor(h, Spec{Kind: sdk.KindConstraint, Name: "x", Command: "x"})
	if got, want := s.env(), []string{sdk.LogLevelEnv + "=debug"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("env of an empty spec = %q, want %q (the host's log level only)", got, want)
	}
	s.spec.Env = []string{"A=1", sdk.LogLevelEnv + "=error"}
	if got := s.env(); !reflect.DeepEqual(got, s.spec.Env) {
		t.Fatalf("env = %q, want the spec's own level kept", got)
	}
}
