package plugintest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aurora-go/aurora/sdk"
	"github.com/aurora-go/aurora/sdk/conformance"
)

const noSettings = `{"type":"object","additionalProperties":false}`

type base struct{ name, kind string }

func (b base) Info(context.Context) (*sdk.Info, error) {
	return &sdk.Info{Name: b.name, Kind: b.kind, Version: "1.0.0"}, nil
}
func (base) ConfigSchema(context.Context) (*sdk.Schema, error) {
	return &sdk.Schema{JSON: json.RawMessage(noSettings)}, nil
}
func (base) Configure(context.Context, json.RawMessage) error { return nil }

// zoneOnly vetoes hosts outside zone a and scores by rack.
type zoneOnly struct{ base }

func (zoneOnly) Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	resp := &sdk.FilterResponse{Results: make([]sdk.HostResult, len(req.Hosts))}
	for i, h := range req.Hosts {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		resp.Results[i].HostID = h.ID
		if !slices.Contains(h.Attributes["zone"], "a") {
			resp.Results[i].Vetoes = []sdk.Veto{{Type: sdk.VetoStatic, Reason: "not in zone a", Score: 10000}}
		}
	}
	return resp, nil
}

func (zoneOnly) Score(_ context.Context, req *sdk.ScoreRequest) (*sdk.ScoreResponse, error) {
	resp := &sdk.ScoreResponse{Scores: make([]sdk.HostScore, len(req.Hosts))}
	for i, h := range req.Hosts {
		resp.Scores[i] = sdk.HostScore{HostID: h.ID, Score: float64(len(h.Attributes["rack"]))}
	}
	return resp, nil
}

func TestConstraintConformance(t *testing.T) {
	RunConstraintConformance(t, func() sdk.ConstraintPlugin { return zoneOnly{base{"zone-only", sdk.KindConstraint}} })
}

// flaky answers differently on every call.
type flaky struct {
	base
	mu sync.Mutex
	n  int
}

func (f *flaky) Filter(_ context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	resp := &sdk.FilterResponse{Results: make([]sdk.HostResult, len(req.Hosts))}
	for i := range resp.Results {
		if (i+f.n)%2 == 0 {
			resp.Results[i].Vetoes = []sdk.Veto{{Type: sdk.VetoDynamic, Reason: "coin", Score: 1}}
		}
	}
	return resp, nil
}

func (f *flaky) Configure(_ context.Context, cfg json.RawMessage) error {
	if strings.Contains(string(cfg), "unknown") {
		panic("cannot handle " + string(cfg))
	}
	return nil
}

func (*flaky) ConfigSchema(context.Context) (*sdk.Schema, error) {
	return &sdk.Schema{JSON: json.RawMessage(`{"type":"object"}`)}, nil
}

func TestConformanceCatchesNondeterminismAndPanics(t *testing.T) {
	factory := func(context.Context) (sdk.ConstraintPlugin, func(), error) {
		return ConstraintClient(t, &flaky{base: base{"flaky", sdk.KindConstraint}}), func() {}, nil
	}
	rep := conformance.Run(context.Background(), sdk.KindConstraint, conformance.ConstraintChecks(factory, conformance.Options{}), 0)
	failed := map[string]string{}
	for _, r := range rep.Results {
		if r.Err != nil && !r.Skipped {
			failed[r.Name] = r.Err.Error()
		}
	}
	for _, name := range []string{"filter-deterministic", "bad-config-is-an-error"} {
		if _, ok := failed[name]; !ok {
			t.Errorf("check %s passed for a flaky, panicking plugin; report:\n%s", name, rep)
		}
	}
	if !strings.Contains(failed["bad-config-is-an-error"], "panicked") {
		t.Errorf("bad-config failure does not name the panic: %q", failed["bad-config-is-an-error"])
	}
	if !rep.Failed() || rep.Err() == nil {
		t.Fatal("the report does not say it failed")
	}
}

type memDiscovery struct {
	base
	mu  sync.Mutex
	eps map[sdk.EndpointKey]sdk.Endpoint
}

func (m *memDiscovery) Announce(_ context.Context, eps []sdk.Endpoint) ([]sdk.EndpointResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]sdk.EndpointResult, len(eps))
	for i, e := range eps {
		m.eps[e.Key] = e
		out[i].Key = e.Key
	}
	return out, nil
}

func (m *memDiscovery) Withdraw(_ context.Context, keys []sdk.EndpointKey) ([]sdk.EndpointResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]sdk.EndpointResult, len(keys))
	for i, k := range keys {
		delete(m.eps, k)
		out[i].Key = k
	}
	return out, nil
}

func (m *memDiscovery) List(_ context.Context, owner string) ([]sdk.Endpoint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []sdk.Endpoint
	for _, e := range m.eps {
		if owner == "" || e.Owner == owner {
			out = append(out, e)
		}
	}
	return out, nil
}

func TestDiscoveryConformance(t *testing.T) {
	RunDiscoveryConformance(t, func() sdk.DiscoveryPlugin {
		return &memDiscovery{base: base{"mem", sdk.KindDiscovery}, eps: map[sdk.EndpointKey]sdk.Endpoint{}}
	})
}

// appendOnly is not idempotent: announcing twice lists twice.
type appendOnly struct {
	memDiscovery
	list []sdk.Endpoint
}

func (a *appendOnly) Announce(ctx context.Context, eps []sdk.Endpoint) ([]sdk.EndpointResult, error) {
	a.list = append(a.list, eps...)
	return a.memDiscovery.Announce(ctx, eps)
}

func (a *appendOnly) List(context.Context, string) ([]sdk.Endpoint, error) { return a.list, nil }

func TestDiscoveryConformanceCatchesDuplicates(t *testing.T) {
	factory := func(context.Context) (sdk.DiscoveryPlugin, func(), error) {
		return DiscoveryClient(t, &appendOnly{memDiscovery: memDiscovery{base: base{"dup", sdk.KindDiscovery}, eps: map[sdk.EndpointKey]sdk.Endpoint{}}}), func() {}, nil
	}
	rep := conformance.Run(context.Background(), sdk.KindDiscovery, conformance.DiscoveryChecks(factory, conformance.Options{}), 0)
	if err := rep.Err(); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("report error = %v, want the duplicate listed", err)
	}
}

type tenCPUs struct {
	base
	mu    sync.Mutex
	calls int
}

func (q *tenCPUs) Check(_ context.Context, req *sdk.QuotaCheckRequest) (*sdk.QuotaDecision, error) {
	var add float64
	for _, u := range req.Proposed {
		add += u.Resources.CPUs
	}
	if add > 10 {
		return &sdk.QuotaDecision{Reason: fmt.Sprintf("cpus %g > 10", add)}, nil
	}
	return &sdk.QuotaDecision{Allowed: true}, nil
}

func (q *tenCPUs) Get(_ context.Context, roles []string) ([]sdk.RoleQuota, error) {
	out := make([]sdk.RoleQuota, len(roles))
	for i, r := range roles {
		out[i] = sdk.RoleQuota{Role: r, Quota: sdk.Resources{CPUs: 10}}
	}
	return out, nil
}

func TestQuotaConformance(t *testing.T) {
	RunQuotaConformance(t, func() sdk.QuotaPlugin { return &tenCPUs{base: base{"ten", sdk.KindQuota}} })
}

func TestInProcessClientsPropagateErrors(t *testing.T) {
	c := QuotaClient(t, &tenCPUs{base: base{"ten", sdk.KindQuota}})
	if err := c.Configure(context.Background(), json.RawMessage(`{"x":1}`)); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("Configure with a field the schema forbids: err = %v", err)
	}
}
