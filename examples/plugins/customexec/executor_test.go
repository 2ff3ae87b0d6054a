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
