package executor

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/spec"
)

// gracefulShutdown asks the task to stop over HTTP before the executor
// plugin signals it (Aurora's HttpLifecycleConfig, reference aurora.md 4.2):
// POST the graceful shutdown endpoint and wait up to its wait, then POST
// the shutdown endpoint and wait up to its wait, returning early once the
// task has exited (exited closes). A request that fails (nothing listens)
// does not shorten the wait: the process may still be shutting down.
func gracefulShutdown(ctx context.Context, client *http.Client, lc *spec.HTTPLifecycle, port uint64, exited <-chan struct{}, logger hclog.Logger) {
	base := "http://localhost:" + strconv.FormatUint(port, 10)
	for _, step := range []struct {
		endpoint string
		wait     time.Duration
	}{
		{lc.GracefulShutdownEndpoint, lc.GracefulShutdownWait.D()},
		{lc.ShutdownEndpoint, lc.ShutdownWait.D()},
	} {
		select {
		case <-exited:
			return
		default:
		}
		rctx, cancel := context.WithTimeout(ctx, time.Second)
		code, _, err := query(rctx, client, http.MethodPost, base+step.endpoint)
		cancel()
		if err != nil {
			logger.Info("lifecycle endpoint did not answer", "endpoint", step.endpoint, "error", err)
		} else {
			logger.Info("lifecycle endpoint called", "endpoint", step.endpoint, "status", code)
		}
		timer := time.NewTimer(step.wait)
		select {
		case <-exited:
			timer.Stop()
			return
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}
