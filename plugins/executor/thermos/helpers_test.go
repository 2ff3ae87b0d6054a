package thermos

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

const testTimeout = 60 * time.Second

func newTestExecutor(t *testing.T) sdk.ExecutorPlugin {
	t.Helper()
	return New(hclog.New(&hclog.LoggerOptions{Name: t.Name(), Level: hclog.Warn, Output: os.Stderr}))
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// start starts a task with the given config in a fresh sandbox. The task
// is stopped and destroyed when the test ends.
func start(t *testing.T, e sdk.ExecutorPlugin, config string, env map[string]string) (taskID, sandbox string) {
	t.Helper()
	taskID = strings.ReplaceAll(t.Name(), "/", "_")
	sandbox = t.TempDir()
	_, err := e.Start(testContext(t), &sdk.StartRequest{
		TaskID: taskID, SandboxDir: sandbox, Env: env, Config: json.RawMessage(config),
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		if err := e.Destroy(ctx, taskID, true); err != nil && !errors.Is(err, sdk.ErrNotFound) {
			t.Errorf("Destroy: %v", err)
		}
	})
	return taskID, sandbox
}

func wait(t *testing.T, e sdk.ExecutorPlugin, taskID string) *sdk.ExitResult {
	t.Helper()
	res, err := e.Wait(testContext(t), taskID)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	return res
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return string(b)
}

// waitForFile polls until path exists and is non-empty.
func waitForFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
			return string(b)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s did not appear", path)
	return ""
}

// pidAlive reports whether pid is a live process (a zombie is dead).
func pidAlive(pid int) bool {
	if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return runtime.GOOS != "linux" // without /proc, answering signal 0 is alive
	}
	state, _, ok := parseStatForTest(stat)
	return !ok || state != 'Z'
}

func inspect(t *testing.T, e sdk.ExecutorPlugin, taskID string) map[string]sdk.ProcessStatus {
	t.Helper()
	st, err := e.Inspect(testContext(t), taskID)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	out := make(map[string]sdk.ProcessStatus, len(st.Processes))
	for _, p := range st.Processes {
		out[p.Name] = p
	}
	return out
}
