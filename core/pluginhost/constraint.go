package pluginhost

import (
	"context"
	"encoding/json"

	"github.com/aurora-go/aurora/sdk"
)

// ConstraintClient calls a supervised constraint plugin. It implements
// sdk.ConstraintPlugin.
type ConstraintClient struct {
	sup *supervisor
}

var _ sdk.ConstraintPlugin = (*ConstraintClient)(nil)

func (c *ConstraintClient) Info(ctx context.Context) (*sdk.Info, error) {
	return call(ctx, c.sup, "Info", c.sup.opts.timeouts.Base, func(ctx context.Context, b sdk.Base) (*sdk.Info, error) {
		return b.Info(ctx)
	})
}

func (c *ConstraintClient) ConfigSchema(ctx context.Context) (*sdk.Schema, error) {
	return call(ctx, c.sup, "ConfigSchema", c.sup.opts.timeouts.Base, func(ctx context.Context, b sdk.Base) (*sdk.Schema, error) {
		return b.ConfigSchema(ctx)
	})
}

// Configure configures the plugin; the configuration is replayed whenever
// the plugin is restarted.
func (c *ConstraintClient) Configure(ctx context.Context, config json.RawMessage) error {
	_, err := call(ctx, c.sup, "Configure", c.sup.opts.timeouts.Base, func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.Configure(ctx, config)
	})
	if err == nil {
		c.sup.rememberConfig(config)
	}
	return err
}

func (c *ConstraintClient) Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	return call(ctx, c.sup, "Filter", c.sup.opts.timeouts.Filter, func(ctx context.Context, b sdk.Base) (*sdk.FilterResponse, error) {
		return b.(sdk.ConstraintPlugin).Filter(ctx, req)
	})
}

// Restarts counts the processes started to replace one that died.
func (c *ConstraintClient) Restarts() int { return c.sup.restartCount() }

// PID is the plugin's current process ID, 0 if none is running.
func (c *ConstraintClient) PID() int { return c.sup.pid() }

// Close kills the plugin process; further calls fail with ErrShutdown.
func (c *ConstraintClient) Close() {
	c.sup.close()
	c.sup.host.forget(c.sup)
}
