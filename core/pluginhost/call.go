package pluginhost

import (
	"context"
	"fmt"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// call runs fn against a live process. If the process died before or
// during the call, it is replaced and fn runs once more on the new one.
// timeout, if positive, bounds the whole call, restart included. The
// circuit breaker may refuse the call at once; the outcome is recorded in
// the breaker and the metrics.
func call[T any](ctx context.Context, s *supervisor, method string, timeout time.Duration, fn func(context.Context, sdk.Base) (T, error)) (res T, err error) {
	began := time.Now()
	probe, err := s.breaker.allow()
	if err != nil {
		err = fmt.Errorf("plugin %s: %s: %w", s.spec, method, err)
		s.host.metrics.observe(s.spec.Kind, s.spec.Name, method, time.Since(began), err)
		return res, err
	}
	defer func() {
		s.breaker.record(probe, err)
		s.host.metrics.observe(s.spec.Kind, s.spec.Name, method, time.Since(began), err)
	}()
	return callLive(ctx, s, method, timeout, fn)
}

func callLive[T any](ctx context.Context, s *supervisor, method string, timeout time.Duration, fn func(context.Context, sdk.Base) (T, error)) (T, error) {
	var zero T
	ctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	inst, err := s.current(ctx)
	if err != nil {
		return zero, err
	}
	res, err := fn(ctx, inst.raw)
	if err == nil || !s.lost(ctx, inst, err) {
		return res, err
	}
	inst, rerr := s.replace(ctx, inst, method+" failed: "+err.Error())
	if rerr != nil {
		return zero, fmt.Errorf("%w (plugin %s not restarted: %w)", err, s.spec, rerr)
	}
	return fn(ctx, inst.raw)
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
