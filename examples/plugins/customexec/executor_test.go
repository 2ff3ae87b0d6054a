package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aurora-go/aurora/sdk"
	"github.com/aurora-go/aurora/sdk/plugintest"
)

const (
	shortTask = `{"command":"sh","args":["-c","echo hello"]}`
	longTask  = `{"command":"sleep","args":["1000"]}`
)

func TestWrapperAndSandbox(t *testing.T) {
	c := plugintest.ExecutorClient(t, New(nil))
	ctx := context.Background()
	if err := c.Configure(ctx, json.RawMessage(`{"wrapper":["env","WRAPPED=yes"]}`)); err != nil {
		t.Fatal(err)
	}
	sandbox := t.TempDir()
	if _, err := c.Start(ctx, &sdk.StartRequest{TaskID: "t1", SandboxDir: sandbox,
		Config: json.RawMessage(`{"command":"sh","args":["-c","echo $WRAPPED"]}`)}); err != nil {
		t.Fatal(err)
	}
	res, err := c.Wait(ctx, "t1")
	if err != nil || res.Failed {
		t.Fatalf("Wait = %+v, %v", res, err)
	}
	out, _ := os.ReadFile(filepath.Join(sandbox, "stdout"))
	if strings.TrimSpace(string(out)) != "yes" {
		t.Fatalf("stdout = %q, want the wrapper's environment", out)
	}
}

func TestConformanceInProcess(t *testing.T) {
	plugintest.RunExecutorConformance(t, func() sdk.ExecutorPlugin { return New(nil) },
		plugintest.WithTasks(shortTask, longTask))
}

func TestConformanceAsBinary(t *testing.T) {
	bin := plugintest.BuildBinary(t, ".")
	plugintest.RunBinaryConformance(t, bin, plugintest.WithTasks(shortTask, longTask),
		plugintest.WithConfig(`{"wrapper":["nice","-n","5"]}`))
}

// The Aurora executor passes the job's executor block as executor_config,
// beside the task's other fields.
func TestCommandFromExecutorBlock(t *testing.T) {
	c := plugintest.ExecutorClient(t, New(nil))
	ctx := context.Background()
	sandbox := t.TempDir()
	cfg := `{"name":"hello","processes":[{"name":"p","cmdline":"ignored"}],"job":{"role":"www-data"},` +
		`"executor_config":{"command":"sh","args":["-c","echo from-block"]}}`
	if _, err := c.Start(ctx, &sdk.StartRequest{TaskID: "t1", SandboxDir: sandbox, Config: json.RawMessage(cfg)}); err != nil {
		t.Fatal(err)
	}
	res, err := c.Wait(ctx, "t1")
	if err != nil || res.Failed {
		t.Fatalf("Wait = %+v, %v", res, err)
	}
	out, _ := os.ReadFile(filepath.Join(sandbox, "stdout"))
	if strings.TrimSpace(string(out)) != "from-block" {
		t.Fatalf("stdout = %q, want the executor block's command output", out)
	}
	if _, err := c.Start(ctx, &sdk.StartRequest{TaskID: "t2", SandboxDir: sandbox, Config: json.RawMessage(`{"job":{}}`)}); err == nil {
		t.Fatal("a task with no command anywhere must be refused")
	}
}
