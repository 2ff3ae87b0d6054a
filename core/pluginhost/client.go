package pluginhost

import (
	"context"
	"encoding/json"

	"github.com/aurora-go/aurora/sdk"
)

// clientBase is what every supervised client shares: the base calls and
// the supervisor's state.
type clientBase struct {
	sup *supervisor
}

func newClient(s *supervisor) Client {
	switch s.spec.Kind {
	case sdk.KindConstraint:
		return &ConstraintClient{clientBase{s}}
	case sdk.KindExecutor:
		return &ExecutorClient{clientBase{s}}
	case sdk.KindDiscovery:
		return &DiscoveryClient{clientBase{s}}
	default:
		return &QuotaClient{clientBase{s}}
	}
}

func (c clientBase) Info(ctx context.Context) (*sdk.Info, error) {
	return call(ctx, c.sup, "Info", c.sup.baseTimeout(), func(ctx context.Context, b sdk.Base) (*sdk.Info, error) {
		return b.Info(ctx)
	})
}

func (c clientBase) ConfigSchema(ctx context.Context) (*sdk.Schema, error) {
	return call(ctx, c.sup, "ConfigSchema", c.sup.baseTimeout(), func(ctx context.Context, b sdk.Base) (*sdk.Schema, error) {
		return b.ConfigSchema(ctx)
	})
}

// Configure configures the plugin; the configuration is replayed whenever
// the plugin is restarted.
func (c clientBase) Configure(ctx context.Context, config json.RawMessage) error {
	_, err := call(ctx, c.sup, "Configure", c.sup.baseTimeout(), func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.Configure(ctx, config)
	})
	if err == nil {
		c.sup.rememberConfig(config)
	}
	return err
}

// Restarts counts the processes started to replace one that died.
func (c clientBase) Restarts() int { return c.sup.restartCount() }

// PID is the plugin's current process ID, 0 if none is running.
func (c clientBase) PID() int { return c.sup.pid() }

// Circuit is the state of the plugin's circuit breaker.
func (c clientBase) Circuit() CircuitState { return c.sup.circuit() }

// Spec is the spec the plugin was started from.
func (c clientBase) Spec() Spec { return c.sup.spec }

// Close kills the plugin process; further calls fail with ErrShutdown.
func (c clientBase) Close() {
	c.sup.close()
	c.sup.host.forget(c.sup)
}
