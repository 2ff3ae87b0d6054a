package server

import (
	"context"
	"testing"

	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/sdk"
)

type vetoAll struct{ reason string }

func (v vetoAll) Filter(_ context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	out := &sdk.FilterResponse{Results: make([]sdk.HostResult, len(req.Hosts))}
	for i := range req.Hosts {
		out.Results[i] = sdk.HostResult{HostID: req.Hosts[i].ID, Vetoes: []sdk.Veto{{Type: sdk.VetoStatic, Reason: v.reason}}}
	}
	return out, nil
}

func TestSwapConstraints(t *testing.T) {
	ctx := context.Background()
	req := &sdk.FilterRequest{Hosts: []sdk.Host{{ID: "a"}, {ID: "b"}}}
	var c swapConstraints
	if _, err := c.Filter(ctx, req); err == nil {
		t.Fatal("before the plugins start, Filter must fail (the scheduler then places nothing)")
	}
	c.set(nil)
	resp, err := c.Filter(ctx, req)
	if err != nil || len(resp.Results) != 2 || len(resp.Results[0].Vetoes) != 0 || resp.Results[1].HostID != "b" {
		t.Fatalf("no plugin enabled: no vetoes, one result per host: %+v %v", resp, err)
	}
	c.set(vetoAll{"first"})
	if resp, _ := c.Filter(ctx, req); resp.Results[0].Vetoes[0].Reason != "first" {
		t.Fatalf("the set filter answers: %+v", resp)
	}
	c.set(vetoAll{"second"})
	if resp, _ := c.Filter(ctx, req); resp.Results[1].Vetoes[0].Reason != "second" {
		t.Fatalf("a swapped filter answers the next call: %+v", resp)
	}
}

func TestFingerprintIgnoresStateAndPin(t *testing.T) {
	e := pluginhost.Entry{Kind: "constraint", Name: "z", Version: "0.1.0", State: pluginhost.StateEnabled}
	f := e
	f.State, f.Pinned = pluginhost.StateDisabled, true
	if fingerprint(e) != fingerprint(f) {
		t.Fatal("state and pin do not restart a running plugin")
	}
	f.Config = []byte(`{"max_skew":2}`)
	if fingerprint(e) == fingerprint(f) {
		t.Fatal("a new config restarts the plugin")
	}
}
