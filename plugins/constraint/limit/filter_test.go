package limit

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	hclog "github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/aurora-go/aurora/sdk"
	"github.com/aurora-go/aurora/sdk/plugintest"
)

func staticVeto(attr string) []sdk.Veto {
	return []sdk.Veto{{Type: sdk.VetoStatic, Reason: "Constraint not satisfied: " + attr, Score: 10000}}
}

func dynamicVeto(attr string) []sdk.Veto {
	return []sdk.Veto{{Type: sdk.VetoDynamic, Reason: "Limit not satisfied: " + attr, Score: 10000}}
}

func TestFilter(t *testing.T) {
	tests := []struct {
		name        string
		constraints []sdk.Constraint
		active      map[string]map[string]int32
		attrs       map[string][]string
		want        []sdk.Veto
	}{
		{
			name:  "no constraints",
			attrs: map[string][]string{"host": {"h1"}},
		},
		{
			name:        "limit: host without the attribute is a static mismatch",
			constraints: []sdk.Constraint{{Name: "rack", Limit: 1}},
			attrs:       map[string][]string{"host": {"h1"}},
			want:        staticVeto("rack"),
		},
		{
			name:        "limit: below the limit",
			constraints: []sdk.Constraint{{Name: "rack", Limit: 2}},
			active:      map[string]map[string]int32{"rack": {"r1": 1}},
			attrs:       map[string][]string{"rack": {"r1"}},
		},
		{
			name:        "limit: at the limit is a dynamic veto",
			constraints: []sdk.Constraint{{Name: "rack", Limit: 2}},
			active:      map[string]map[string]int32{"rack": {"r1": 2}},
			attrs:       map[string][]string{"rack": {"r1"}},
			want:        dynamicVeto("rack"),
		},
		{
			name:        "limit: other values do not count",
			constraints: []sdk.Constraint{{Name: "host", Limit: 1}},
			active:      map[string]map[string]int32{"host": {"h2": 5}},
			attrs:       map[string][]string{"host": {"h1"}},
		},
		{
			name:        "limit: any value of a multi-valued attribute at the limit vetoes",
			constraints: []sdk.Constraint{{Name: "zone", Limit: 1}},
			active:      map[string]map[string]int32{"zone": {"b": 1}},
			attrs:       map[string][]string{"zone": {"a", "b"}},
			want:        dynamicVeto("zone"),
		},
		{
			name: "limits in order, first veto wins",
			constraints: []sdk.Constraint{
				{Name: "host", Limit: 1},
				{Name: "rack", Limit: 1},
			},
			active: map[string]map[string]int32{"host": {"h1": 1}},
			attrs:  map[string][]string{"host": {"h1"}},
			want:   dynamicVeto("host"),
		},
		{
			name: "value constraints are the value plugin's, not evaluated here",
			constraints: []sdk.Constraint{
				{Name: "zone", Values: []string{"a"}},
				{Name: "os", Values: []string{"linux"}, Negated: true},
				{Name: "dedicated", Values: []string{"db_team/redis"}},
			},
			attrs: map[string][]string{"zone": {"z"}, "os": {"linux"}},
		},
	}
	p := New(hclog.NewNullLogger())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &sdk.FilterRequest{
				Group:       sdk.TaskGroup{Role: "www-data", Environment: "prod", Job: "hello", Constraints: tt.constraints},
				ActiveTasks: tt.active,
				Hosts:       []sdk.Host{{ID: "agent-1", Hostname: "h1", Attributes: tt.attrs}},
			}
			resp, err := p.Filter(context.Background(), req)
			if err != nil {
				t.Fatalf("Filter: %v", err)
			}
			if len(resp.Results) != 1 || resp.Results[0].HostID != "agent-1" {
				t.Fatalf("results = %+v, want one for agent-1", resp.Results)
			}
			if got := resp.Results[0].Vetoes; !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("vetoes = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestFilterSpreadsOneJobOverHosts places a job with host = "limit:1" the
// way the scheduler does: one call per round with all hosts.
func TestFilterSpreadsOneJobOverHosts(t *testing.T) {
	hosts := []sdk.Host{
		{ID: "a1", Attributes: map[string][]string{"host": {"h1"}, "rack": {"r1"}}},
		{ID: "a2", Attributes: map[string][]string{"host": {"h2"}, "rack": {"r1"}}},
		{ID: "a3", Attributes: map[string][]string{"host": {"h3"}, "rack": {"r2"}}},
		{ID: "a4", Attributes: map[string][]string{"rack": {"r2"}}},
	}
	req := &sdk.FilterRequest{
		Group: sdk.TaskGroup{Job: "hello", Constraints: []sdk.Constraint{
			{Name: "host", Limit: 1},
			{Name: "rack", Limit: 2},
		}},
		ActiveTasks: map[string]map[string]int32{
			"host": {"h1": 1, "h3": 1},
			"rack": {"r1": 1, "r2": 1},
		},
		Hosts: hosts,
	}
	resp, err := New(nil).Filter(context.Background(), req)
	if err != nil {
		t.Fatalf("Filter: %v", err)
	}
	want := []sdk.HostResult{
		{HostID: "a1", Vetoes: dynamicVeto("host")},
		{HostID: "a2"},
		{HostID: "a3", Vetoes: dynamicVeto("host")},
		{HostID: "a4", Vetoes: staticVeto("host")},
	}
	if !reflect.DeepEqual(resp.Results, want) {
		t.Fatalf("results = %+v\nwant %+v", resp.Results, want)
	}
}

func TestFilterHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New(nil).Filter(ctx, &sdk.FilterRequest{Hosts: make([]sdk.Host, 10)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Filter with a cancelled context: err = %v, want context.Canceled", err)
	}
}

func TestInfoAndConfigure(t *testing.T) {
	p := New(nil)
	ctx := context.Background()
	info, err := p.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "limit" || info.Kind != sdk.KindConstraint || info.APIVersion != sdk.APIVersion {
		t.Fatalf("Info = %+v", info)
	}
	schema, err := p.ConfigSchema(ctx)
	if err != nil || !json.Valid(schema.JSON) {
		t.Fatalf("ConfigSchema = %s, %v; want valid JSON", schema.JSON, err)
	}
	for _, ok := range []string{"", "null", "{}", " { } "} {
		if err := p.Configure(ctx, json.RawMessage(ok)); err != nil {
			t.Errorf("Configure(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{`{"x":1}`, `[]`, `"s"`} {
		if err := p.Configure(ctx, json.RawMessage(bad)); !errors.Is(err, sdk.ErrInvalidArgument) {
			t.Errorf("Configure(%q) = %v, want ErrInvalidArgument", bad, err)
		}
	}
}

// TestFilterOverGRPC runs the plugin behind the SDK's gRPC server and client.
func TestFilterOverGRPC(t *testing.T) {
	client, _ := goplugin.TestPluginGRPCConn(t, false, goplugin.PluginSet{
		sdk.KindConstraint: &sdk.GRPCConstraintPlugin{Impl: New(nil)},
	})
	defer client.Close()
	raw, err := client.Dispense(sdk.KindConstraint)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := raw.(sdk.ConstraintPlugin).Filter(context.Background(), &sdk.FilterRequest{
		Group: sdk.TaskGroup{Constraints: []sdk.Constraint{{Name: "host", Limit: 1}}},
		Hosts: []sdk.Host{{ID: "a1"}, {ID: "a2", Attributes: map[string][]string{"host": {"h2"}}}},
	})
	if err != nil {
		t.Fatalf("Filter: %v", err)
	}
	want := []sdk.HostResult{{HostID: "a1", Vetoes: staticVeto("host")}, {HostID: "a2"}}
	if !reflect.DeepEqual(resp.Results, want) {
		t.Fatalf("results = %+v, want %+v", resp.Results, want)
	}
}

func TestConformance(t *testing.T) {
	plugintest.RunConstraintConformance(t, func() sdk.ConstraintPlugin { return New(nil) })
}
