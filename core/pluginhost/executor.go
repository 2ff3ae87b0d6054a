package pluginhost

import (
	"context"
	"encoding/json"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// ExecutorClient calls a supervised executor plugin. It implements
// sdk.ExecutorPlugin.
//
// A restarted executor has lost its tasks: a call that was interrupted by
// the crash is retried on the new process and fails with sdk.ErrNotFound
// for tasks the new process does not know.
type ExecutorClient struct {
	sup *supervisor
}

var _ sdk.ExecutorPlugin = (*ExecutorClient)(nil)

func (c *ExecutorClient) Info(ctx context.Context) (*sdk.Info, error) {
	return call(ctx, c.sup, "Info", c.sup.opts.timeouts.Base, func(ctx context.Context, b sdk.Base) (*sdk.Info, error) {
		return b.Info(ctx)
	})
}

func (c *ExecutorClient) ConfigSchema(ctx context.Context) (*sdk.Schema, error) {
	return call(ctx, c.sup, "ConfigSchema", c.sup.opts.timeouts.Base, func(ctx context.Context, b sdk.Base) (*sdk.Schema, error) {
		return b.ConfigSchema(ctx)
	})
}

// Configure configures the plugin; the configuration is replayed whenever
// the plugin is restarted.
func (c *ExecutorClient) Configure(ctx context.Context, config json.RawMessage) error {
	_, err := call(ctx, c.sup, "Configure", c.sup.opts.timeouts.Base, func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.Configure(ctx, config)
	})
	if err == nil {
		c.sup.rememberConfig(config)
	}
	return err
}

func (c *ExecutorClient) Start(ctx context.Context, req *sdk.StartRequest) (*sdk.TaskHandle, error) {
	return call(ctx, c.sup, "Start", c.sup.opts.timeouts.Control, func(ctx context.Context, b sdk.Base) (*sdk.TaskHandle, error) {
		return b.(sdk.ExecutorPlugin).Start(ctx, req)
	})
}

// Wait has no deadline of its own: it blocks until the task ends or ctx is
// done.
func (c *ExecutorClient) Wait(ctx context.Context, taskID string) (*sdk.ExitResult, error) {
	return call(ctx, c.sup, "Wait", 0, func(ctx context.Context, b sdk.Base) (*sdk.ExitResult, error) {
		return b.(sdk.ExecutorPlugin).Wait(ctx, taskID)
	})
}

// Stop's deadline is the grace period plus the control timeout.
func (c *ExecutorClient) Stop(ctx context.Context, taskID string, grace time.Duration) error {
	timeout := c.sup.opts.timeouts.Control
	if timeout > 0 {
		timeout += grace
	}
	_, err := call(ctx, c.sup, "Stop", timeout, func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.(sdk.ExecutorPlugin).Stop(ctx, taskID, grace)
	})
	return err
}

func (c *ExecutorClient) Signal(ctx context.Context, taskID string, signal string) error {
	_, err := call(ctx, c.sup, "Signal", c.sup.opts.timeouts.Control, func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.(sdk.ExecutorPlugin).Signal(ctx, taskID, signal)
	})
	return err
}

func (c *ExecutorClient) Inspect(ctx context.Context, taskID string) (*sdk.TaskStatus, error) {
	return call(ctx, c.sup, "Inspect", c.sup.opts.timeouts.Control, func(ctx context.Context, b sdk.Base) (*sdk.TaskStatus, error) {
		return b.(sdk.ExecutorPlugin).Inspect(ctx, taskID)
	})
}

func (c *ExecutorClient) Recover(ctx context.Context, handle *sdk.TaskHandle) error {
	_, err := call(ctx, c.sup, "Recover", c.sup.opts.timeouts.Control, func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.(sdk.ExecutorPlugin).Recover(ctx, handle)
	})
	return err
}

func (c *ExecutorClient) Destroy(ctx context.Context, taskID string, force bool) error {
	_, err := call(ctx, c.sup, "Destroy", c.sup.opts.timeouts.Control, func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.(sdk.ExecutorPlugin).Destroy(ctx, taskID, force)
	})
	return err
}

// Restarts counts the processes started to replace one that died.
func (c *ExecutorClient) Restarts() int { return c.sup.restartCount() }

// PID is the plugin's current process ID, 0 if none is running.
func (c *ExecutorClient) PID() int { return c.sup.pid() }

// Close kills the plugin process; further calls fail with ErrShutdown.
func (c *ExecutorClient) Close() {
	c.sup.close()
	c.sup.host.forget(c.sup)
}
