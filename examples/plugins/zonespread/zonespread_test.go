package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aurora-go/aurora/sdk"
	"github.com/aurora-go/aurora/sdk/plugintest"
)

const testConfig = `{"attribute":"zone","max_skew":1}`

func TestFilterSpreadsOverZones(t *testing.T) {
	p := New(nil)
	if err := p.Configure(context.Background(), json.RawMessage(testConfig)); err != nil {
		t.Fatal(err)
	}
	req := &sdk.FilterRequest{
		Group:       sdk.TaskGroup{Placements: map[string]json.RawMessage{Name: json.RawMessage(`{}`)}},
		ActiveTasks: map[string]map[string]int32{"zone": {"a": 2, "b": 1}},
		Hosts: []sdk.Host{
			{ID: "h-a", Attributes: map[string][]string{"zone": {"a"}}},
			{ID: "h-b", Attributes: map[string][]string{"zone": {"b"}}},
			{ID: "h-c", Attributes: map[string][]string{"zone": {"c"}}},
			{ID: "h-none"},
		},
	}
	resp, err := p.Filter(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	// Counts a=2 b=1 c=0: one more in a makes skew 3, in b 2, in c 1.
	got := map[string]string{}
	for _, r := range resp.Results {
		if len(r.Vetoes) > 0 {
			got[r.HostID] = fmt.Sprint(r.Vetoes[0].Type)
		}
	}
	want := map[string]string{"h-a": "dynamic", "h-b": "dynamic", "h-none": "static"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("vetoes = %v, want %v", got, want)
	}

	// The job's block overrides the configuration: max_skew 2 lets b in.
	req.Group.Placements[Name] = json.RawMessage(`{"max_skew":2}`)
	if got := vetoed(t, p, req); fmt.Sprint(got) != fmt.Sprint(map[string]string{"h-a": "dynamic", "h-none": "static"}) {
		t.Fatalf("with max_skew 2 from the block: %v", got)
	}
	// Jobs opt in: without a zonespread block nothing is vetoed.
	req.Group.Placements = map[string]json.RawMessage{"other": json.RawMessage(`{}`)}
	if got := vetoed(t, p, req); len(got) != 0 {
		t.Fatalf("a job without a zonespread block: %v", got)
	}
}

func vetoed(t *testing.T, p *Plugin, req *sdk.FilterRequest) map[string]string {
	t.Helper()
	resp, err := p.Filter(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range resp.Results {
		if len(r.Vetoes) > 0 {
			got[r.HostID] = fmt.Sprint(r.Vetoes[0].Type)
		}
	}
	return got
}

func TestConformanceInProcess(t *testing.T) {
	plugintest.RunConstraintConformance(t, func() sdk.ConstraintPlugin { return New(nil) }, plugintest.WithConfig(testConfig))
}

func TestConformanceAsBinary(t *testing.T) {
	bin := plugintest.BuildBinary(t, ".")
	plugintest.RunBinaryConformance(t, bin, plugintest.WithConfig(testConfig))
}
