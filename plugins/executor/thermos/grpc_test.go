package thermos

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	goplugin "github.com/hashicorp/go-plugin"

	"github.com/aurora-go/aurora/sdk"
)

// TestOverGRPC drives the plugin through the SDK's gRPC server and client.
func TestOverGRPC(t *testing.T) {
	client, _ := goplugin.TestPluginGRPCConn(t, false, goplugin.PluginSet{
		sdk.KindExecutor: &sdk.GRPCExecutorPlugin{Impl: newTestExecutor(t)},
	})
	defer client.Close()
	raw, err := client.Dispense(sdk.KindExecutor)
	if err != nil {
		t.Fatal(err)
	}
	e := raw.(sdk.ExecutorPlugin)
	ctx := testContext(t)

	info, err := e.Info(ctx)
	if err != nil || info.Name != Name || info.Kind != sdk.KindExecutor {
		t.Fatalf("Info = %+v, %v", info, err)
	}
	sandbox := t.TempDir()
	h, err := e.Start(ctx, &sdk.StartRequest{TaskID: "t1", SandboxDir: sandbox,
		Config: json.RawMessage(`{"processes":[{"name":"hello","cmdline":"echo hello"}]}`)})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if h.TaskID != "t1" || !json.Valid(h.State) {
		t.Fatalf("handle = %+v", h)
	}
	res, err := e.Wait(ctx, "t1")
	if err != nil || res.Failed {
		t.Fatalf("Wait = %+v, %v", res, err)
	}
	if got := readFile(t, filepath.Join(sandbox, ".logs/hello/0/stdout")); got != "hello\n" {
		t.Fatalf("stdout = %q", got)
	}
	if _, err := e.Start(ctx, &sdk.StartRequest{TaskID: "bad", SandboxDir: sandbox,
		Config: json.RawMessage(`{"processes":[]}`)}); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("Start with a bad config: err = %v, want ErrInvalidArgument", err)
	}
	if _, err := e.Wait(context.Background(), "nope"); !errors.Is(err, sdk.ErrNotFound) {
		t.Fatalf("Wait on an unknown task: err = %v, want ErrNotFound", err)
	}
}
