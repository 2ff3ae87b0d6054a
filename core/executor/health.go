package executor

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/aurora-go/aurora/core/spec"
)

// snoozeFile in the sandbox pauses health checks while it exists (Aurora's
// .healthchecksnooze): every check counts as a pass.
const snoozeFile = ".healthchecksnooze"

// checkFunc runs one health check and says why it failed.
type checkFunc func(ctx context.Context) (ok bool, reason string)

// healthVerdict is what the health checker concludes.
type healthVerdict int

const (
	verdictStarting healthVerdict = iota // not proven healthy yet
	verdictHealthy                       // proven healthy: the task is RUNNING
	verdictFailed                        // unhealthy: the task must be killed
)

// healthCounter applies Aurora's counting rules (health_checker.py,
// ThreadedHealthChecker) to a sequence of check results, without a clock:
//
//   - The first forgiving = ceil(initial_interval / interval) attempts may
//     fail without consequence.
//   - To become healthy the task needs min_consecutive_successes passes in
//     a row within forgiving + max_consecutive_failures +
//     min_consecutive_successes attempts; once it can no longer reach that,
//     it fails ("Not enough successful health checks in time." when the
//     attempts ran out).
//   - Past the forgiving attempts, more than max_consecutive_failures
//     failures in a row fail the task, before and after it became healthy.
type healthCounter struct {
	forgiving, maxAttempts       int
	maxFailures, minSuccesses    int
	attempts                     int
	consecFailures, consecPasses int
	healthy                      bool
	failed                       bool
	reason                       string
}

func newHealthCounter(h *spec.HealthCheck) *healthCounter {
	forgiving := 0
	if h.Interval > 0 {
		forgiving = int(math.Ceil(float64(h.InitialInterval) / float64(h.Interval)))
	}
	return &healthCounter{
		forgiving:    forgiving,
		maxAttempts:  forgiving + h.MaxConsecutiveFailures + h.MinConsecutiveSuccesses,
		maxFailures:  h.MaxConsecutiveFailures,
		minSuccesses: h.MinConsecutiveSuccesses,
		healthy:      h.MinConsecutiveSuccesses <= 0,
	}
}

// deadlinePassed reports, before an attempt, whether the task ran out of
// attempts to prove itself healthy; the counter is then failed.
func (c *healthCounter) deadlinePassed() bool {
	if c.failed {
		return true
	}
	if !c.healthy && c.attempts > c.maxAttempts {
		c.failed, c.reason = true, "Not enough successful health checks in time."
		return true
	}
	return false
}

// record applies one check result and returns the verdict.
func (c *healthCounter) record(ok bool, reason string) healthVerdict {
	if c.failed {
		return verdictFailed
	}
	if c.attempts <= c.maxAttempts {
		c.attempts++
	}
	if ok {
		c.consecPasses++
		c.consecFailures = 0
		if !c.healthy && c.consecPasses >= c.minSuccesses {
			c.healthy = true
		}
		return c.verdict()
	}
	c.consecPasses = 0
	if c.attempts <= c.forgiving {
		return c.verdict() // the grace period: ignored
	}
	if !c.healthy {
		remaining := c.maxAttempts - c.attempts
		needed := c.minSuccesses - c.consecPasses
		if remaining > 1 && needed > remaining {
			c.failed, c.reason = true, reason // can no longer make it: fail fast
		}
	}
	c.consecFailures++
	if c.consecFailures > c.maxFailures {
		c.failed, c.reason = true, reason
	}
	return c.verdict()
}

func (c *healthCounter) verdict() healthVerdict {
	switch {
	case c.failed:
		return verdictFailed
	case c.healthy:
		return verdictHealthy
	default:
		return verdictStarting
	}
}

// healthEvent is a change of the health checker's verdict.
type healthEvent struct {
	verdict healthVerdict
	reason  string
}

// runHealthChecks checks every interval, starting at once, and sends each
// change of verdict on events until ctx ends or the task failed. The
// verdict starts as verdictStarting; a counter that needs no success
// reports verdictHealthy first.
func runHealthChecks(ctx context.Context, h *spec.HealthCheck, check checkFunc, sandbox string, events chan<- healthEvent) {
	c := newHealthCounter(h)
	last := verdictStarting
	send := func(v healthVerdict, reason string) bool {
		if v == last {
			return true
		}
		last = v
		select {
		case events <- healthEvent{verdict: v, reason: reason}:
			return v != verdictFailed
		case <-ctx.Done():
			return false
		}
	}
	if c.healthy && !send(verdictHealthy, "") {
		return
	}
	interval := h.Interval.D()
	if interval <= 0 {
		interval = spec.DefaultHealthInterval.D()
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if c.deadlinePassed() {
			send(verdictFailed, c.reason)
			return
		}
		ok, reason := true, ""
		if _, err := os.Stat(filepath.Join(sandbox, snoozeFile)); err != nil {
			cctx, cancel := context.WithTimeout(ctx, h.Timeout.D())
			ok, reason = check(cctx)
			cancel()
		}
		if ctx.Err() != nil {
			return
		}
		if !send(c.record(ok, reason), c.reason) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
