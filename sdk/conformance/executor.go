package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// ExecutorChecks is the executor suite: the base checks, unknown tasks,
// invalid task configurations, and, given Options.ShortTask and LongTask,
// start/wait/destroy, start/stop/wait and destroy with and without force.
func ExecutorChecks(newPlugin Factory[sdk.ExecutorPlugin], opts Options) []Check {
	cfg := configured(newPlugin, opts)
	with := func(needTasks bool, fn func(ctx context.Context, p sdk.ExecutorPlugin, sandbox string) error) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			if needTasks && (len(opts.ShortTask) == 0 || len(opts.LongTask) == 0) {
				return fmt.Errorf("%w: no short and long task configurations given", ErrSkipped)
			}
			p, release, err := cfg(ctx)
			if err != nil {
				return fmt.Errorf("start and configure the plugin: %w", err)
			}
			defer release()
			sandbox, err := os.MkdirTemp("", "aurora-conformance-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(sandbox)
			return fn(ctx, p, sandbox)
		}
	}
	start := func(ctx context.Context, p sdk.ExecutorPlugin, id, sandbox string, config json.RawMessage) error {
		h, err := p.Start(ctx, &sdk.StartRequest{TaskID: id, SandboxDir: sandbox, Config: config})
		if err != nil {
			return fmt.Errorf("Start %s: %w", id, err)
		}
		if h.TaskID != id {
			return fmt.Errorf("Start %s returned a handle for %q", id, h.TaskID)
		}
		return nil
	}
	checks := baseChecks(sdk.KindExecutor, newPlugin, opts)
	return append(checks,
		Check{Name: "unknown-task-not-found", Run: with(false, func(ctx context.Context, p sdk.ExecutorPlugin, _ string) error {
			const id = "aurora-conformance-no-such-task"
			var errs []error
			if _, err := p.Inspect(ctx, id); !errors.Is(err, sdk.ErrNotFound) {
				errs = append(errs, fmt.Errorf("Inspect: err = %v, want ErrNotFound", err))
			}
			if _, err := p.Wait(ctx, id); !errors.Is(err, sdk.ErrNotFound) {
				errs = append(errs, fmt.Errorf("Wait: err = %v, want ErrNotFound", err))
			}
			if err := p.Stop(ctx, id, time.Second); !errors.Is(err, sdk.ErrNotFound) {
				errs = append(errs, fmt.Errorf("Stop: err = %v, want ErrNotFound", err))
			}
			return errors.Join(errs...)
		})},
		Check{Name: "invalid-task-config", Run: with(false, func(ctx context.Context, p sdk.ExecutorPlugin, sandbox string) error {
			_, err := p.Start(ctx, &sdk.StartRequest{TaskID: "bad", SandboxDir: sandbox, Config: json.RawMessage(`{"aurora-conformance":`)})
			if err == nil {
				return errors.New("Start with a task configuration that is not JSON succeeded")
			}
			if isPanic(err) {
				return fmt.Errorf("Start with a bad configuration panicked: %w", err)
			}
			return nil
		})},
		Check{Name: "start-wait-destroy", Run: with(true, func(ctx context.Context, p sdk.ExecutorPlugin, sandbox string) error {
			if err := start(ctx, p, "short", sandbox, opts.ShortTask); err != nil {
				return err
			}
			res, err := p.Wait(ctx, "short")
			if err != nil {
				return fmt.Errorf("Wait: %w", err)
			}
			if res.Failed || res.ExitCode != 0 {
				return fmt.Errorf("the short task ended with %+v, want success", res)
			}
			st, err := p.Inspect(ctx, "short")
			if err != nil || st.TaskID != "short" {
				return fmt.Errorf("Inspect after exit = %+v, %v", st, err)
			}
			if err := p.Destroy(ctx, "short", false); err != nil {
				return fmt.Errorf("Destroy of an ended task: %w", err)
			}
			if _, err := p.Inspect(ctx, "short"); !errors.Is(err, sdk.ErrNotFound) {
				return fmt.Errorf("Inspect after Destroy: err = %v, want ErrNotFound", err)
			}
			return nil
		})},
		Check{Name: "start-stop-wait", Run: with(true, func(ctx context.Context, p sdk.ExecutorPlugin, sandbox string) error {
			if err := start(ctx, p, "long", sandbox, opts.LongTask); err != nil {
				return err
			}
			done := make(chan error, 1)
			go func() {
				_, err := p.Wait(ctx, "long")
				done <- err
			}()
			select {
			case err := <-done:
				return fmt.Errorf("Wait returned while the long task should run: %v", err)
			case <-time.After(300 * time.Millisecond):
			}
			if err := p.Stop(ctx, "long", 2*time.Second); err != nil {
				return fmt.Errorf("Stop: %w", err)
			}
			select {
			case err := <-done:
				if err != nil {
					return fmt.Errorf("Wait after Stop: %w", err)
				}
			case <-time.After(10 * time.Second):
				return errors.New("Wait did not return within 10s of Stop")
			}
			return p.Destroy(ctx, "long", false)
		})},
		Check{Name: "destroy-running-needs-force", Run: with(true, func(ctx context.Context, p sdk.ExecutorPlugin, sandbox string) error {
			if err := start(ctx, p, "long", sandbox, opts.LongTask); err != nil {
				return err
			}
			if err := p.Destroy(ctx, "long", false); err == nil {
				return errors.New("Destroy without force of a running task succeeded")
			}
			if err := p.Destroy(ctx, "long", true); err != nil {
				return fmt.Errorf("Destroy with force: %w", err)
			}
			if _, err := p.Inspect(ctx, "long"); !errors.Is(err, sdk.ErrNotFound) {
				return fmt.Errorf("Inspect after a forced Destroy: err = %v, want ErrNotFound", err)
			}
			return nil
		})},
	)
}
