package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/sdk"
)

// newRunnerServer is a Server with a store, a plugin host and a blob
// store, enough for a pluginRunner.
func newRunnerServer(t *testing.T) *Server {
	t.Helper()
	st, err := state.NewStore()
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := pluginhost.NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{store: st, blobs: blobs, logger: hclog.NewNullLogger()}
	s.plugins = pluginhost.New(s.logger, pluginhost.WithStore(blobs))
	t.Cleanup(s.plugins.Shutdown)
	return s
}

func putBuiltin(t *testing.T, st *state.Store, kind, name string) {
	t.Helper()
	e, err := pluginhost.BuiltinEntry(kind, name, "0.1.0")
	if err != nil {
		t.Fatal(err)
	}
	e.Command = "aurora"
	if err := st.Apply(state.PutPlugin{Entry: e}); err != nil {
		t.Fatal(err)
	}
}

func limitRequest() *sdk.FilterRequest {
	return &sdk.FilterRequest{
		Group:       sdk.TaskGroup{Job: "web", Constraints: []sdk.Constraint{{Name: "host", Limit: 1}}},
		ActiveTasks: map[string]map[string]int32{"host": {"a": 1}},
		Hosts: []sdk.Host{
			{ID: "a", Attributes: map[string][]string{"host": {"a"}}},
			{ID: "b", Attributes: map[string][]string{"host": {"b"}}},
		},
	}
}

// The runner follows the catalog: enabling starts a plugin and the
// scheduler's filter uses it, disabling stops it, without a new filter
// object for the scheduler.
func TestRunnerFollowsTheCatalog(t *testing.T) {
	ctx := context.Background()
	s := newRunnerServer(t)
	out := &swapConstraints{}
	r := newPluginRunner(s, out)
	t.Cleanup(r.stopAll)

	r.reconcile(ctx)
	resp, err := out.Filter(ctx, limitRequest())
	if err != nil || len(resp.Results[0].Vetoes) != 0 {
		t.Fatalf("an empty catalog vetoes nothing: %+v %v", resp, err)
	}

	putBuiltin(t, s.store, sdk.KindConstraint, "limit")
	r.reconcile(ctx)
	resp, err = out.Filter(ctx, limitRequest())
	if err != nil || len(resp.Results[0].Vetoes) == 0 || !strings.Contains(resp.Results[0].Vetoes[0].Reason, "Limit not satisfied: host") || len(resp.Results[1].Vetoes) != 0 {
		t.Fatalf("the enabled limit plugin vetoes host a: %+v %v", resp, err)
	}
	r.stateMu.RLock()
	client := r.running["constraint/limit"].client
	r.stateMu.RUnlock()
	pid := client.PID()

	// Reload restarts the process; the filter keeps answering.
	r.Reload("constraint/limit")
	r.reconcile(ctx)
	r.stateMu.RLock()
	newPID := r.running["constraint/limit"].client.PID()
	r.stateMu.RUnlock()
	if newPID == pid || newPID == 0 {
		t.Fatalf("reload must start a new process: before %d, after %d", pid, newPID)
	}

	if err := s.store.Apply(state.SetPluginState{PluginRef: state.PluginRef{Kind: "constraint", Name: "limit", Version: "0.1.0"}, State: pluginhost.StateDisabled}); err != nil {
		t.Fatal(err)
	}
	r.reconcile(ctx)
	resp, err = out.Filter(ctx, limitRequest())
	if err != nil || len(resp.Results[0].Vetoes) != 0 {
		t.Fatalf("a disabled plugin is no longer asked: %+v %v", resp, err)
	}
	if client.PID() != 0 && client.PID() == newPID {
		t.Fatal("a disabled plugin's process must be stopped")
	}
}

// A registered entry whose binary this replica lacks fails closed: every
// host is vetoed, naming the plugin, until the binary arrives.
func TestRunnerFailsClosedWithoutTheBinary(t *testing.T) {
	ctx := context.Background()
	s := newRunnerServer(t)
	out := &swapConstraints{}
	r := newPluginRunner(s, out)
	t.Cleanup(r.stopAll)
	e := pluginhost.Entry{Kind: "constraint", Name: "zonespread", Version: "0.1.0", SHA256: strings.Repeat("ab", 32),
		Command: "/nowhere", State: pluginhost.StateEnabled}
	if err := s.store.Apply(state.PutPlugin{Entry: e}); err != nil {
		t.Fatal(err)
	}
	r.reconcile(ctx)
	resp, err := out.Filter(ctx, limitRequest())
	if err != nil || len(resp.Results[1].Vetoes) == 0 || !strings.Contains(resp.Results[1].Vetoes[0].Reason, "constraint/zonespread unavailable (fail_closed)") {
		t.Fatalf("want every host vetoed naming the plugin: %+v %v", resp, err)
	}
	errs := r.ValidatePlacements(ctx, []spec.Placement{{Name: "zonespread", Config: json.RawMessage(`{}`)}, {Name: "nosuch", Config: json.RawMessage(`{}`)}})
	if len(errs) != 2 || errs[0].Path != "placement[zonespread]" || errs[1].Path != "placement[nosuch]" || !strings.Contains(errs[1].Message, "no enabled constraint plugin") {
		t.Fatalf("placement errors: %v", errs)
	}
}

// The built-in static quota plugin enforces the quotas in the log, as
// they change.
func TestRunnerQuotaFromTheLog(t *testing.T) {
	ctx := context.Background()
	s := newRunnerServer(t)
	r := newPluginRunner(s, &swapConstraints{})
	t.Cleanup(r.stopAll)

	prod := func(cpus float64) *sdk.QuotaCheckRequest {
		return &sdk.QuotaCheckRequest{Role: "www-data", Proposed: []sdk.Usage{{Tier: "preferred", Production: true, Resources: sdk.Resources{CPUs: cpus, RAMMB: 16, DiskMB: 16}}}}
	}
	r.reconcile(ctx)
	if d, err := r.CheckQuota(ctx, prod(100)); err != nil || !d.Allowed {
		t.Fatalf("without a quota plugin everything is allowed: %+v %v", d, err)
	}
	putBuiltin(t, s.store, sdk.KindQuota, "static")
	r.reconcile(ctx)
	if d, err := r.CheckQuota(ctx, prod(1)); err != nil || d.Allowed {
		t.Fatalf("a role without a quota gets none: %+v %v", d, err)
	}
	if err := s.store.Apply(state.SetQuota{Quota: &state.Quota{Role: "www-data", CPU: 4, RAM: 1 << 30, Disk: 1 << 30}}); err != nil {
		t.Fatal(err)
	}
	if d, err := r.CheckQuota(ctx, prod(3)); err != nil || !d.Allowed {
		t.Fatalf("3 cpus within a quota of 4 set in the log: %+v %v", d, err)
	}
	d, err := r.CheckQuota(ctx, prod(5))
	if err != nil || d.Allowed || !strings.Contains(d.Reason, "cpus") {
		t.Fatalf("5 cpus over a quota of 4: %+v %v", d, err)
	}
}
