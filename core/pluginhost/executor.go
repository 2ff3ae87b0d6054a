package pluginhost

import (
	"context"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// ExecutorClient calls a supervised executor plugin. It implements
// sdk.ExecutorPlugin.
//
// The client remembers the handle of every task it started or recovered
// and has not destroyed. When the process dies, its replacement is given
// each of them (Recover) before any other call, so an executor whose tasks
// outlive it (thermos keeps checkpoints) goes on running them; a call that
// the crash interrupted is retried on the new process. A task the new
// process could not recover is forgotten: calls for it fail with
// sdk.ErrNotFound, saying why the recovery failed.
type ExecutorClient struct {
	clientBase
}

var (
	_ sdk.ExecutorPlugin = (*ExecutorClient)(nil)
	_ Client             = (*ExecutorClient)(nil)
)

func (c *ExecutorClient) Start(ctx context.Context, req *sdk.StartRequest) (*sdk.TaskHandle, error) {
	h, err := call(ctx, c.sup, "Start", c.sup.controlTimeout(), func(ctx context.Context, b sdk.Base) (*sdk.TaskHandle, error) {
		return b.(sdk.ExecutorPlugin).Start(ctx, req)
	})
	if err == nil {
		c.sup.track(h)
	}
	return h, err
}

// Wait has no deadline of its own: it blocks until the task ends or ctx is
// done.
func (c *ExecutorClient) Wait(ctx context.Context, taskID string) (*sdk.ExitResult, error) {
	res, err := call(ctx, c.sup, "Wait", 0, func(ctx context.Context, b sdk.Base) (*sdk.ExitResult, error) {
		return b.(sdk.ExecutorPlugin).Wait(ctx, taskID)
	})
	return res, c.sup.explain(taskID, err)
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
	return c.sup.explain(taskID, err)
}

func (c *ExecutorClient) Signal(ctx context.Context, taskID string, signal string) error {
	_, err := call(ctx, c.sup, "Signal", c.sup.controlTimeout(), func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.(sdk.ExecutorPlugin).Signal(ctx, taskID, signal)
	})
	return c.sup.explain(taskID, err)
}

func (c *ExecutorClient) Inspect(ctx context.Context, taskID string) (*sdk.TaskStatus, error) {
	st, err := call(ctx, c.sup, "Inspect", c.sup.controlTimeout(), func(ctx context.Context, b sdk.Base) (*sdk.TaskStatus, error) {
		return b.(sdk.ExecutorPlugin).Inspect(ctx, taskID)
	})
	return st, c.sup.explain(taskID, err)
}

// Recover hands a task to the plugin; once recovered, it is recovered
// again whenever the plugin restarts.
func (c *ExecutorClient) Recover(ctx context.Context, handle *sdk.TaskHandle) error {
	_, err := call(ctx, c.sup, "Recover", c.sup.controlTimeout(), func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.(sdk.ExecutorPlugin).Recover(ctx, handle)
	})
	if err == nil {
		c.sup.track(handle)
	}
	return err
}

func (c *ExecutorClient) Destroy(ctx context.Context, taskID string, force bool) error {
	_, err := call(ctx, c.sup, "Destroy", c.sup.controlTimeout(), func(ctx context.Context, b sdk.Base) (struct{}, error) {
		return struct{}{}, b.(sdk.ExecutorPlugin).Destroy(ctx, taskID, force)
	})
	if err == nil {
		c.sup.untrack(taskID)
	}
	return c.sup.explain(taskID, err)
}
