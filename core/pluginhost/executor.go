package pluginhost

import (
	"context"
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
	clientBase
}

var (
	_ sdk.ExecutorPlugin = (*ExecutorClient)(nil)
	_ Client             = (*ExecutorClient)(nil)
)

func (c *ExecutorClient) Start(ctx context.Context, req *sdk.StartRequest) (*sdk.TaskHandle, error) {
	return call(ctx, c.sup, "Start", c.sup.controlTimeout(), func(ctx context.Context, b sdk.Base) (*sdk.TaskHandle, error) {
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
	timeout := c.sup.controlTimeout()
	if timeout > 0 {
		timeout += grace
	}
	_, err := call(ctx, c.sup, "Stop", timeout, func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.(sdk.ExecutorPlugin).Stop(ctx, taskID, grace)
	})
	return err
}

func (c *ExecutorClient) Signal(ctx context.Context, taskID string, signal string) error {
	_, err := call(ctx, c.sup, "Signal", c.sup.controlTimeout(), func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.(sdk.ExecutorPlugin).Signal(ctx, taskID, signal)
	})
	return err
}

func (c *ExecutorClient) Inspect(ctx context.Context, taskID string) (*sdk.TaskStatus, error) {
	return call(ctx, c.sup, "Inspect", c.sup.controlTimeout(), func(ctx context.Context, b sdk.Base) (*sdk.TaskStatus, error) {
		return b.(sdk.ExecutorPlugin).Inspect(ctx, taskID)
	})
}

func (c *ExecutorClient) Recover(ctx context.Context, handle *sdk.TaskHandle) error {
	_, err := call(ctx, c.sup, "Recover", c.sup.controlTimeout(), func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.(sdk.ExecutorPlugin).Recover(ctx, handle)
	})
	return err
}

func (c *ExecutorClient) Destroy(ctx context.Context, taskID string, force bool) error {
	_, err := call(ctx, c.sup, "Destroy", c.sup.controlTimeout(), func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.(sdk.ExecutorPlugin).Destroy(ctx, taskID, force)
	})
	return err
}
