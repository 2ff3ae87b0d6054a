package plugintest

import (
	"testing"

	plugin "github.com/hashicorp/go-plugin"

	"github.com/aurora-go/aurora/sdk"
)

// dispense serves opts in-process over gRPC and dispenses kind; the
// connection closes when the test ends.
func dispense(t testing.TB, opts sdk.ServeOpts, kind string) any {
	t.Helper()
	client, _ := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(opts))
	// Close asks the server to stop (go-plugin's controller).
	t.Cleanup(func() { _ = client.Close() })
	raw, err := client.Dispense(kind)
	if err != nil {
		t.Fatalf("plugintest: dispense %s: %v", kind, err)
	}
	return raw
}

// ConstraintClient serves impl in-process and returns the SDK's client of
// it; its Score works when impl implements sdk.ConstraintScorer.
func ConstraintClient(t testing.TB, impl sdk.ConstraintPlugin) sdk.ScoringConstraintPlugin {
	t.Helper()
	return dispense(t, sdk.ServeOpts{Constraint: impl}, sdk.KindConstraint).(sdk.ScoringConstraintPlugin)
}

// ExecutorClient serves impl in-process and returns the SDK's client of it.
func ExecutorClient(t testing.TB, impl sdk.ExecutorPlugin) sdk.ExecutorPlugin {
	t.Helper()
	return dispense(t, sdk.ServeOpts{Executor: impl}, sdk.KindExecutor).(sdk.ExecutorPlugin)
}

// DiscoveryClient serves impl in-process and returns the SDK's client of it.
func DiscoveryClient(t testing.TB, impl sdk.DiscoveryPlugin) sdk.DiscoveryPlugin {
	t.Helper()
	return dispense(t, sdk.ServeOpts{Discovery: impl}, sdk.KindDiscovery).(sdk.DiscoveryPlugin)
}

// QuotaClient serves impl in-process and returns the SDK's client of it.
func QuotaClient(t testing.TB, impl sdk.QuotaPlugin) sdk.QuotaPlugin {
	t.Helper()
	return dispense(t, sdk.ServeOpts{Quota: impl}, sdk.KindQuota).(sdk.QuotaPlugin)
}
