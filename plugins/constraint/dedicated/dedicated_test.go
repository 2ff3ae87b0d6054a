package dedicated

import (
	"context"
	"reflect"
	"testing"

	"github.com/aurora-go/aurora/sdk"
	"github.com/aurora-go/aurora/sdk/plugintest"
)

var (
	hostIsDedicated = []sdk.Veto{{Type: sdk.VetoStatic, Reason: "Host is dedicated", Score: 1000000}}
	mismatch        = []sdk.Veto{{Type: sdk.VetoStatic, Reason: "Constraint not satisfied: dedicated", Score: 10000}}
)

func ded(values ...string) sdk.Constraint { return sdk.Constraint{Name: "dedicated", Values: values} }

// TestFilter has a case per dedicated rule of Aurora's scheduling filter
// (reference aurora.md 3.4 step 1, step 3 for the dedicated constraint)
// and of its job validation (2.4).
func TestFilter(t *testing.T) {
	tests := []struct {
		name        string
		role        string
		constraints []sdk.Constraint
		attrs       map[string][]string
		want        []sdk.Veto
	}{
		{name: "shared host, ordinary task", attrs: map[string][]string{"host": {"h1"}}},
		{
			name:  "dedicated host, task without a dedicated constraint: Host is dedicated",
			attrs: map[string][]string{"dedicated": {"www-data/hello"}},
			want:  hostIsDedicated,
		},
		{
			name:        "dedicated host, other constraints do not help",
			constraints: []sdk.Constraint{{Name: "host", Limit: 1}, {Name: "zone", Values: []string{"a"}}},
			attrs:       map[string][]string{"dedicated": {"www-data/hello"}, "zone": {"a"}},
			want:        hostIsDedicated,
		},
		{
			name:  "an empty dedicated attribute still makes the host dedicated",
			attrs: map[string][]string{"dedicated": {}},
			want:  hostIsDedicated,
		},
		{
			name:        "matching dedicated constraint",
			constraints: []sdk.Constraint{ded("www-data/hello")},
			attrs:       map[string][]string{"dedicated": {"www-data/hello"}},
		},
		{
			name:        "dedicated constraint with another value: value mismatch",
			constraints: []sdk.Constraint{ded("www-data/hello")},
			attrs:       map[string][]string{"dedicated": {"www-data/other"}},
			want:        mismatch,
		},
		{
			name:        "dedicated task on a shared host: missing attribute mismatches",
			constraints: []sdk.Constraint{ded("www-data/hello")},
			attrs:       map[string][]string{"host": {"h1"}},
			want:        mismatch,
		},
		{
			name:        "wildcard role */name matches a */name host",
			constraints: []sdk.Constraint{ded("*/hello")},
			attrs:       map[string][]string{"dedicated": {"*/hello"}},
		},
		{
			name:        "role prefix must be the job's role",
			role:        "other-role",
			constraints: []sdk.Constraint{ded("www-data/hello")},
			attrs:       map[string][]string{"dedicated": {"www-data/hello"}},
			want:        []sdk.Veto{{Type: sdk.VetoStatic, Reason: "Only www-data may use hosts dedicated for that role.", Score: 1000000}},
		},
		{
			name:        "more than one value is refused",
			constraints: []sdk.Constraint{ded("www-data/a", "www-data/b")},
			attrs:       map[string][]string{"dedicated": {"www-data/a"}},
			want:        []sdk.Veto{{Type: sdk.VetoStatic, Reason: "A dedicated constraint must have exactly one value", Score: 1000000}},
		},
		{
			name:        "a limit on dedicated is refused",
			constraints: []sdk.Constraint{{Name: "dedicated", Limit: 1}},
			attrs:       map[string][]string{"dedicated": {"www-data/a"}},
			want:        []sdk.Veto{{Type: sdk.VetoStatic, Reason: "A dedicated constraint must be of value type.", Score: 1000000}},
		},
	}
	p := New(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			role := tt.role
			if role == "" {
				role = "www-data"
			}
			resp, err := p.Filter(context.Background(), &sdk.FilterRequest{
				Group: sdk.TaskGroup{Role: role, Environment: "prod", Job: "hello", Constraints: tt.constraints},
				Hosts: []sdk.Host{{ID: "agent-1", Attributes: tt.attrs}},
			})
			if err != nil {
				t.Fatalf("Filter: %v", err)
			}
			if got := resp.Results[0].Vetoes; !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("vetoes = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestValidateConstraint(t *testing.T) {
	if err := ValidateConstraint("r", []sdk.Constraint{ded("*/f")}); err != nil {
		t.Errorf("*/f for role r: %v", err)
	}
	if err := ValidateConstraint("r", []sdk.Constraint{ded("r/f")}); err != nil {
		t.Errorf("r/f for role r: %v", err)
	}
	if err := ValidateConstraint("x", []sdk.Constraint{ded("r/f")}); err == nil || err.Error() != "Only r may use hosts dedicated for that role." {
		t.Errorf("r/f for role x: %v", err)
	}
	if err := ValidateConstraint("x", nil); err != nil {
		t.Errorf("no constraint: %v", err)
	}
}

func TestConformance(t *testing.T) {
	plugintest.RunConstraintConformance(t, func() sdk.ConstraintPlugin { return New(nil) })
}
