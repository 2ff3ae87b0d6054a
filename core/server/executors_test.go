package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aurora-go/aurora/core/executor"
	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/sdk"
)

func putExecutor(t *testing.T, st *state.Store, version, sum string, s pluginhost.State, pinned bool) {
	t.Helper()
	e := pluginhost.Entry{Kind: sdk.KindExecutor, Name: "customexec", Version: version, SHA256: sum,
		Command: "/store/" + sum, Args: []string{"-v"}, Env: []string{"A=1"}, Config: []byte(`{"wrapper":["nice"]}`),
		State: s, Pinned: pinned}
	if err := st.Apply(state.PutPlugin{Entry: e}); err != nil {
		t.Fatal(err)
	}
}

// A job's executor must be built in or an enabled catalog executor; the
// scheduler resolves it as the catalog does (pinned if enabled, else the
// highest enabled version) and names the scheduler's blob URL.
func TestExecutorValidationAndResolution(t *testing.T) {
	ctx := context.Background()
	s := newRunnerServer(t)
	s.cfg = &Config{AdvertiseHTTP: "10.0.0.1:8081"}
	r := newPluginRunner(s, &swapConstraints{})
	p := &executorPlugins{s: s}

	for _, name := range []string{"", "thermos", "docker"} {
		if errs := r.ValidateExecutor(ctx, name); len(errs) != 0 {
			t.Fatalf("built-in executor %q refused: %v", name, errs)
		}
		if got, err := p.ExecutorPlugin(name); got != nil || err != nil {
			t.Fatalf("built-in executor %q resolved to %+v, %v", name, got, err)
		}
	}
	errs := r.ValidateExecutor(ctx, "customexec")
	if len(errs) != 1 || errs[0].Path != "executor" || !strings.Contains(errs[0].Message, `executor "customexec" is neither built in (docker, thermos) nor an enabled executor plugin`) {
		t.Fatalf("unknown executor: %v", errs)
	}
	if _, err := p.ExecutorPlugin("customexec"); err == nil {
		t.Fatal("an unknown executor must not resolve")
	}

	v1, v2 := strings.Repeat("a1", 32), strings.Repeat("b2", 32)
	putExecutor(t, s.store, "0.1.0", v1, pluginhost.StateDisabled, false)
	if errs := r.ValidateExecutor(ctx, "customexec"); len(errs) != 1 || !strings.Contains(errs[0].Message, "`aurora plugin enable executor/customexec`") {
		t.Fatalf("disabled executor: %v", errs)
	}
	// A constraint plugin of that name is no executor.
	putBuiltin(t, s.store, sdk.KindConstraint, "limit")
	if errs := r.ValidateExecutor(ctx, "limit"); len(errs) != 1 {
		t.Fatalf("a constraint plugin accepted as executor: %v", errs)
	}

	putExecutor(t, s.store, "0.1.0", v1, pluginhost.StateEnabled, false)
	putExecutor(t, s.store, "0.2.0", v2, pluginhost.StateEnabled, false)
	if errs := r.ValidateExecutor(ctx, "customexec"); len(errs) != 0 {
		t.Fatalf("enabled executor refused: %v", errs)
	}
	got, err := p.ExecutorPlugin("customexec")
	if err != nil || got.Version != "0.2.0" || got.SHA256 != v2 {
		t.Fatalf("resolved %+v, %v; want the highest enabled version", got, err)
	}
	if got.BlobURLs[0] != "http://10.0.0.1:8081/v1/plugins/blobs/"+v2 || got.Args[0] != "-v" || got.Env[0] != "A=1" || string(got.Config) != `{"wrapper":["nice"]}` {
		t.Fatalf("resolved %+v", got)
	}
	if err := s.store.Apply(state.PinPlugin{PluginRef: state.PluginRef{Kind: sdk.KindExecutor, Name: "customexec", Version: "0.1.0"}}); err != nil {
		t.Fatal(err)
	}
	if got, err := p.ExecutorPlugin("customexec"); err != nil || got.Version != "0.1.0" || got.SHA256 != v1 {
		t.Fatalf("resolved %+v, %v; want the pinned version", got, err)
	}
}

// An enabled catalog discovery plugin is passed to executors, replacing
// the built-in ZooKeeper announcer.
func TestExecutorEnvNamesTheDiscoveryPlugin(t *testing.T) {
	s := newRunnerServer(t)
	s.cfg = &Config{AdvertiseHTTP: "10.0.0.1:8081"}
	p := &executorPlugins{s: s}
	if env := p.ExecutorEnv(); len(env) != 0 {
		t.Fatalf("no discovery plugin: env %v", env)
	}
	sum := strings.Repeat("cd", 32)
	e := pluginhost.Entry{Kind: sdk.KindDiscovery, Name: "registry", Version: "1.0.0", SHA256: sum, Command: "/x",
		Config: []byte(`{"dir":"/r"}`), State: pluginhost.StateDisabled}
	if err := s.store.Apply(state.PutPlugin{Entry: e}); err != nil {
		t.Fatal(err)
	}
	if env := p.ExecutorEnv(); len(env) != 0 {
		t.Fatalf("a disabled discovery plugin: env %v", env)
	}
	e.State = pluginhost.StateEnabled
	if err := s.store.Apply(state.PutPlugin{Entry: e}); err != nil {
		t.Fatal(err)
	}
	var got spec.CatalogPlugin
	if err := json.Unmarshal([]byte(p.ExecutorEnv()[executor.EnvDiscoveryPlugin]), &got); err != nil {
		t.Fatal(err)
	}
	if got.Kind != sdk.KindDiscovery || got.Name != "registry" || got.SHA256 != sum || string(got.Config) != `{"dir":"/r"}` ||
		got.BlobURLs[0] != "http://10.0.0.1:8081/v1/plugins/blobs/"+sum {
		t.Fatalf("discovery plugin for executors: %+v", got)
	}
}
