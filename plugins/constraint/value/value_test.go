package value

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/aurora-go/aurora/sdk"
	"github.com/aurora-go/aurora/sdk/plugintest"
)

func staticVeto(attr string) []sdk.Veto {
	return []sdk.Veto{{Type: sdk.VetoStatic, Reason: "Constraint not satisfied: " + attr, Score: 10000}}
}

// TestFilter has a case per value-constraint rule of Aurora's scheduling
// filter (reference aurora.md 3.4, step 3).
func TestFilter(t *testing.T) {
	tests := []struct {
		name        string
		constraints []sdk.Constraint
		attrs       map[string][]string
		want        []sdk.Veto
	}{
		{name: "no constraints", attrs: map[string][]string{"zone": {"a"}}},
		{
			name:        "one of the values matches",
			constraints: []sdk.Constraint{{Name: "zone", Values: []string{"a", "b"}}},
			attrs:       map[string][]string{"zone": {"b"}},
		},
		{
			name:        "no value matches: static mismatch",
			constraints: []sdk.Constraint{{Name: "zone", Values: []string{"a", "b"}}},
			attrs:       map[string][]string{"zone": {"c"}},
			want:        staticVeto("zone"),
		},
		{
			name:        "multi-valued host attribute: any value matches",
			constraints: []sdk.Constraint{{Name: "gpu", Values: []string{"v100"}}},
			attrs:       map[string][]string{"gpu": {"k80", "v100"}},
		},
		{
			name:        "missing attribute is an empty set: mismatch",
			constraints: []sdk.Constraint{{Name: "zone", Values: []string{"a"}}},
			attrs:       map[string][]string{},
			want:        staticVeto("zone"),
		},
		{
			name:        "negated: a listed value vetoes",
			constraints: []sdk.Constraint{{Name: "os", Values: []string{"windows", "darwin"}, Negated: true}},
			attrs:       map[string][]string{"os": {"darwin"}},
			want:        staticVeto("os"),
		},
		{
			name:        "negated: another value passes",
			constraints: []sdk.Constraint{{Name: "os", Values: []string{"windows"}, Negated: true}},
			attrs:       map[string][]string{"os": {"linux"}},
		},
		{
			name:        "negated: missing attribute passes",
			constraints: []sdk.Constraint{{Name: "os", Values: []string{"windows"}, Negated: true}},
		},
		{
			name: "constraints in order, first mismatch wins",
			constraints: []sdk.Constraint{
				{Name: "zone", Values: []string{"a"}},
				{Name: "os", Values: []string{"linux"}},
			},
			attrs: map[string][]string{"zone": {"z"}, "os": {"darwin"}},
			want:  staticVeto("zone"),
		},
		{
			name:        "limit constraints are the limit plugin's",
			constraints: []sdk.Constraint{{Name: "host", Limit: 1}},
		},
		{
			name:        "the dedicated constraint is the dedicated plugin's",
			constraints: []sdk.Constraint{{Name: "dedicated", Values: []string{"db/redis"}}},
			attrs:       map[string][]string{"dedicated": {"web/nginx"}},
		},
	}
	p := New(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := p.Filter(context.Background(), &sdk.FilterRequest{
				Group: sdk.TaskGroup{Role: "www-data", Job: "hello", Constraints: tt.constraints},
				Hosts: []sdk.Host{{ID: "agent-1", Attributes: tt.attrs}},
			})
			if err != nil {
				t.Fatalf("Filter: %v", err)
			}
			if len(resp.Results) != 1 || resp.Results[0].HostID != "agent-1" {
				t.Fatalf("results = %+v", resp.Results)
			}
			if got := resp.Results[0].Vetoes; !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("vetoes = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestConfigure(t *testing.T) {
	p := New(nil)
	for _, ok := range []string{"", "null", "{}"} {
		if err := p.Configure(context.Background(), json.RawMessage(ok)); err != nil {
			t.Errorf("Configure(%q): %v", ok, err)
		}
	}
	if err := p.Configure(context.Background(), json.RawMessage(`{"x":1}`)); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("Configure with a field: %v", err)
	}
}

func TestConformance(t *testing.T) {
	plugintest.RunConstraintConformance(t, func() sdk.ConstraintPlugin { return New(nil) })
}
