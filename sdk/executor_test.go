package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	plugin "github.com/hashicorp/go-plugin"
)

// fakeExecutor records calls; Wait blocks until exit is closed.
type fakeExecutor struct {
	mu       sync.Mutex
	started  *StartRequest
	stopped  map[string]time.Duration
	signals  []string
	recover  *TaskHandle
	destroys []string
	exit     chan struct{}
	result   *ExitResult
	waiting  chan struct{} // closed when Wait is entered
	waitOnce sync.Once
}

func newFakeExecutor() *fakeExecutor {
	return &fakeExecutor{
		stopped: map[string]time.Duration{},
		exit:    make(chan struct{}),
		waiting: make(chan struct{}),
	}
}

func (f *fakeExecutor) Info(context.Context) (*Info, error) {
	return &Info{Name: "fake", Kind: KindExecutor, Version: "0.0.1"}, nil
}

func (f *fakeExecutor) ConfigSchema(context.Context) (*Schema, error) {
	return &Schema{JSON: json.RawMessage(`{}`)}, nil
}

func (f *fakeExecutor) Configure(context.Context, json.RawMessage) error { return nil }

func (f *fakeExecutor) Start(_ context.Context, req *StartRequest) (*TaskHandle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = req
	return &TaskHandle{TaskID: req.TaskID, PID: 4242, State: json.RawMessage(`{"pgids":[4242]}`)}, nil
}

func (f *fakeExecutor) Wait(ctx context.Context, taskID string) (*ExitResult, error) {
	if taskID != "t1" {
		return nil, fmt.Errorf("task %q: %w", taskID, ErrNotFound)
	}
	f.waitOnce.Do(func() { close(f.waiting) })
	select {
	case <-f.exit:
		return f.result, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (f *fakeExecutor) Stop(_ context.Context, taskID string, grace time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped[taskID] = grace
	return nil
}

func (f *fakeExecutor) Signal(_ context.Context, taskID, signal string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signals = append(f.signals, taskID+":"+signal)
	return nil
}

func (f *fakeExecutor) Inspect(_ context.Context, taskID string) (*TaskStatus, error) {
	return &TaskStatus{TaskID: taskID, State: "ACTIVE", Processes: []ProcessStatus{
		{Name: "hello", State: "RUNNING", PID: 10, ExitCode: 0, Runs: 2},
	}}, nil
}

func (f *fakeExecutor) Recover(_ context.Context, h *TaskHandle) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recover = h
	return nil
}

func (f *fakeExecutor) Destroy(_ context.Context, taskID string, force bool) error {
	if !force {
		return fmt.Errorf("task %q is running: %w", taskID, ErrFailedPrecondition)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.destroys = append(f.destroys, taskID)
	return nil
}

func executorClientFor(t *testing.T, impl ExecutorPlugin) ExecutorPlugin {
	t.Helper()
	raw := dispense(t, plugin.PluginSet{KindExecutor: &GRPCExecutorPlugin{Impl: impl}}, KindExecutor)
	c, ok := raw.(ExecutorPlugin)
	if !ok {
		t.Fatalf("dispensed %T, want an ExecutorPlugin", raw)
	}
	return c
}

func TestExecutorRoundTrip(t *testing.T) {
	fake := newFakeExecutor()
	c := executorClientFor(t, fake)
	ctx := context.Background()

	req := &StartRequest{TaskID: "t1", SandboxDir: "/sandbox", Env: map[string]string{"A": "1"}, Config: json.RawMessage(`{"name":"x"}`)}
	h, err := c.Start(ctx, req)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if !reflect.DeepEqual(fake.started, req) {
		t.Fatalf("plugin got %+v, want %+v", fake.started, req)
	}
	wantHandle := &TaskHandle{TaskID: "t1", PID: 4242, State: json.RawMessage(`{"pgids":[4242]}`)}
	if !reflect.DeepEqual(h, wantHandle) {
		t.Fatalf("handle = %+v, want %+v", h, wantHandle)
	}

	if err := c.Stop(ctx, "t1", 1500*time.Millisecond); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if got := fake.stopped["t1"]; got != 1500*time.Millisecond {
		t.Fatalf("plugin got grace %v, want 1.5s", got)
	}
	if err := c.Signal(ctx, "t1", "SIGHUP"); err != nil {
		t.Fatalf("Signal: %v", err)
	}
	if want := []string{"t1:SIGHUP"}; !reflect.DeepEqual(fake.signals, want) {
		t.Fatalf("signals = %v, want %v", fake.signals, want)
	}
	st, err := c.Inspect(ctx, "t1")
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	wantStatus := &TaskStatus{TaskID: "t1", State: "ACTIVE", Processes: []ProcessStatus{{Name: "hello", State: "RUNNING", PID: 10, Runs: 2}}}
	if !reflect.DeepEqual(st, wantStatus) {
		t.Fatalf("Inspect = %+v, want %+v", st, wantStatus)
	}
	if err := c.Recover(ctx, h); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if !reflect.DeepEqual(fake.recover, wantHandle) {
		t.Fatalf("plugin recovered %+v, want %+v", fake.recover, wantHandle)
	}
	if err := c.Destroy(ctx, "t1", false); !errors.Is(err, ErrFailedPrecondition) {
		t.Fatalf("Destroy without force: err = %v, want ErrFailedPrecondition", err)
	}
	if err := c.Destroy(ctx, "t1", true); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
}

func TestExecutorWaitBlocksUntilExit(t *testing.T) {
	fake := newFakeExecutor()
	fake.result = &ExitResult{ExitCode: 3, Failed: true, Message: `process "hello" exited with code 3`}
	c := executorClientFor(t, fake)

	type waitResult struct {
		res *ExitResult
		err error
	}
	done := make(chan waitResult, 1)
	go func() {
		res, err := c.Wait(context.Background(), "t1")
		done <- waitResult{res, err}
	}()
	<-fake.waiting
	select {
	case r := <-done:
		t.Fatalf("Wait returned before the task ended: %+v, %v", r.res, r.err)
	case <-time.After(100 * time.Millisecond):
	}
	close(fake.exit)
	r := <-done
	if r.err != nil {
		t.Fatalf("Wait: %v", r.err)
	}
	if !reflect.DeepEqual(r.res, fake.result) {
		t.Fatalf("Wait = %+v, want %+v", r.res, fake.result)
	}
}

func TestExecutorWaitHonoursContext(t *testing.T) {
	fake := newFakeExecutor()
	c := executorClientFor(t, fake)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.Wait(ctx, "t1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait past its deadline: err = %v, want context.DeadlineExceeded", err)
	}
}

func TestExecutorUnknownTaskIsNotFound(t *testing.T) {
	c := executorClientFor(t, newFakeExecutor())
	_, err := c.Wait(context.Background(), "nope")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Wait on an unknown task: err = %v, want ErrNotFound", err)
	}
}
