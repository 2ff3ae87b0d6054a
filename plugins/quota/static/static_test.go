package static

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/aurora-go/aurora/sdk"
	"github.com/aurora-go/aurora/sdk/plugintest"
)

const testConfig = `{"roles": {"www-data": {"cpus": 10, "ram_mb": 1000, "disk_mb": 2000}, "gpu-team": {"cpus": 4, "ram_mb": 100, "disk_mb": 100, "gpus": 2}}}`

func configured(t *testing.T, config string) sdk.QuotaPlugin {
	t.Helper()
	p := New(nil)
	if err := p.Configure(context.Background(), json.RawMessage(config)); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	return p
}

func prod(cpus float64, ram, disk int64) sdk.Usage {
	return sdk.Usage{Tier: "preferred", Production: true, Resources: sdk.Resources{CPUs: cpus, RAMMB: ram, DiskMB: disk}}
}

// TestCheck has a case per quota rule of Aurora's QuotaManager (reference
// aurora.md 3.7).
func TestCheck(t *testing.T) {
	nonProd := prod(100, 100000, 100000)
	nonProd.Production, nonProd.Tier = false, "preemptible"
	dedicatedProd := prod(100, 100000, 100000)
	dedicatedProd.Dedicated = true
	tests := []struct {
		name     string
		role     string
		proposed []sdk.Usage
		current  []sdk.Usage
		allowed  bool
		reason   string
	}{
		{name: "production fits", role: "www-data", proposed: []sdk.Usage{prod(2, 100, 100)}, current: []sdk.Usage{prod(7, 800, 1000)}, allowed: true},
		{name: "production fits exactly", role: "www-data", proposed: []sdk.Usage{prod(3, 200, 1000)}, current: []sdk.Usage{prod(7, 800, 1000)}, allowed: true},
		{
			name: "production over one resource: denied naming it and the amounts", role: "www-data",
			proposed: []sdk.Usage{prod(3, 100, 100)}, current: []sdk.Usage{prod(9, 100, 100)},
			reason: "Insufficient resource quota: role www-data: cpus quota exceeded by 2.00 core(s) (quota 10.00, in use 9.00, requested 3.00)",
		},
		{
			name: "every exceeded resource is named", role: "www-data",
			proposed: []sdk.Usage{prod(11, 1001, 100)},
			reason: "Insufficient resource quota: role www-data: cpus quota exceeded by 1.00 core(s) (quota 10.00, in use 0.00, requested 11.00); " +
				"ram_mb quota exceeded by 1.00 MB (quota 1000.00, in use 0.00, requested 1001.00)",
		},
		{name: "non-production tasks consume nothing", role: "www-data", proposed: []sdk.Usage{nonProd}, allowed: true},
		{name: "dedicated production tasks consume nothing", role: "www-data", proposed: []sdk.Usage{dedicatedProd}, allowed: true},
		{
			name: "current non-production and dedicated usage is not counted", role: "www-data",
			proposed: []sdk.Usage{prod(10, 1000, 2000)}, current: []sdk.Usage{nonProd, dedicatedProd}, allowed: true,
		},
		{
			name: "a role without quota may not run production tasks", role: "nobody",
			proposed: []sdk.Usage{prod(0.5, 0, 0)},
			reason:   "Insufficient resource quota: role nobody: cpus quota exceeded by 0.50 core(s) (quota 0.00, in use 0.00, requested 0.50)",
		},
		{name: "a role without quota may run non-production tasks", role: "nobody", proposed: []sdk.Usage{nonProd}, allowed: true},
		{
			name: "nothing consuming proposed is allowed even over quota", role: "www-data",
			proposed: []sdk.Usage{nonProd}, current: []sdk.Usage{prod(50, 5000, 5000)}, allowed: true,
		},
		{
			name: "gpus count", role: "gpu-team",
			proposed: []sdk.Usage{{Production: true, Resources: sdk.Resources{CPUs: 1, GPUs: 3}}},
			reason:   "Insufficient resource quota: role gpu-team: gpus quota exceeded by 1.00 GPU(s) (quota 2.00, in use 0.00, requested 3.00)",
		},
		{
			name: "proposals add up", role: "www-data",
			proposed: []sdk.Usage{prod(6, 0, 0), prod(5, 0, 0)},
			reason:   "Insufficient resource quota: role www-data: cpus quota exceeded by 1.00 core(s) (quota 10.00, in use 0.00, requested 11.00)",
		},
	}
	p := configured(t, testConfig)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := p.Check(context.Background(), &sdk.QuotaCheckRequest{Role: tt.role, Proposed: tt.proposed, Current: tt.current})
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if want := (sdk.QuotaDecision{Allowed: tt.allowed, Reason: tt.reason}); *d != want {
				t.Fatalf("Check = %+v\nwant    %+v", *d, want)
			}
		})
	}
}

func TestDefaultQuota(t *testing.T) {
	p := configured(t, `{"default": {"cpus": 1, "ram_mb": 10, "disk_mb": 10}}`)
	d, err := p.Check(context.Background(), &sdk.QuotaCheckRequest{Role: "anyone", Proposed: []sdk.Usage{prod(1, 10, 10)}})
	if err != nil || !d.Allowed {
		t.Fatalf("Check within the default quota = %+v, %v", d, err)
	}
}

func TestGet(t *testing.T) {
	p := configured(t, testConfig)
	got, err := p.Get(context.Background(), []string{"www-data", "nobody"})
	want := []sdk.RoleQuota{{Role: "www-data", Quota: sdk.Resources{CPUs: 10, RAMMB: 1000, DiskMB: 2000}}, {Role: "nobody"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Get = %+v, %v; want %+v", got, err, want)
	}
	all, err := p.Get(context.Background(), nil)
	if err != nil || len(all) != 2 || all[0].Role != "gpu-team" || all[1].Role != "www-data" {
		t.Fatalf("Get() = %+v, %v; want every configured role, sorted", all, err)
	}
}

func TestConfigureRejectsNegativeAndUnknown(t *testing.T) {
	p := New(nil)
	for _, bad := range []string{`{"roles":{"r":{"cpus":-1}}}`, `{"default":{"ram_mb":-5}}`, `{"roles":{"r":{"memory":1}}}`, `{"quota":{}}`} {
		if err := p.Configure(context.Background(), json.RawMessage(bad)); !errors.Is(err, sdk.ErrInvalidArgument) {
			t.Errorf("Configure(%s) = %v, want ErrInvalidArgument", bad, err)
		}
	}
	// Through the SDK the schema refuses them before the plugin sees them.
	c := plugintest.QuotaClient(t, New(nil))
	if err := c.Configure(context.Background(), json.RawMessage(`{"roles":{"r":{"cpus":-1}}}`)); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("Configure over gRPC with a negative quota = %v", err)
	}
}

func TestConformance(t *testing.T) {
	plugintest.RunQuotaConformance(t, func() sdk.QuotaPlugin { return New(nil) }, plugintest.WithConfig(testConfig))
}
