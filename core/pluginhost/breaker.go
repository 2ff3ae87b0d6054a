package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// CircuitState is the state of a plugin's circuit breaker.
type CircuitState int

const (
	// CircuitClosed: calls go through.
	CircuitClosed CircuitState = iota
	// CircuitHalfOpen: one probe call goes through, the others fail fast.
	CircuitHalfOpen
	// CircuitOpen: calls fail fast with ErrCircuitOpen until the cooldown
	// ends.
	CircuitOpen
)

func (s CircuitState) String() string {
	switch s {
	case CircuitClosed:
		return "closed"
	case CircuitHalfOpen:
		return "half-open"
	case CircuitOpen:
		return "open"
	default:
		return fmt.Sprintf("CircuitState(%d)", int(s))
	}
}

// breaker opens after threshold consecutive failures and lets one probe
// through after cooldown.
type breaker struct {
	threshold int
	cooldown  time.Duration
	now       func() time.Time
	onChange  func(CircuitState)

	mu       sync.Mutex
	state    CircuitState
	failures int
	openedAt time.Time
	probing  bool
	lastErr  error
}

func newBreaker(threshold int, cooldown time.Duration, now func() time.Time, onChange func(CircuitState)) *breaker {
	if onChange == nil {
		onChange = func(CircuitState) {}
	}
	return &breaker{threshold: threshold, cooldown: cooldown, now: now, onChange: onChange}
}

// allow reports whether a call may go ahead; probe is true for the one
// call let through a half-open circuit.
func (b *breaker) allow() (probe bool, err error) {
	if b.threshold <= 0 {
		return false, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case CircuitClosed:
		return false, nil
	case CircuitOpen:
		if wait := b.cooldown - b.now().Sub(b.openedAt); wait > 0 {
			return false, fmt.Errorf("%w after %d consecutive failures (retry in %v; last error: %v)", ErrCircuitOpen, b.failures, wait.Round(time.Millisecond), b.lastErr)
		}
		b.set(CircuitHalfOpen)
	}
	if b.probing {
		return false, fmt.Errorf("%w: a probe call is in flight (last error: %v)", ErrCircuitOpen, b.lastErr)
	}
	b.probing = true
	return true, nil
}

// record counts the outcome of a call that allow let through. Only the
// probe closes a half-open circuit.
func (b *breaker) record(probe bool, err error) {
	if b.threshold <= 0 {
		return
	}
	failed := countsAsFailure(err)
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	switch {
	case probe && errors.Is(err, context.Canceled):
		// The caller gave up: the probe says nothing; the next call probes.
	case !failed:
		b.failures = 0
		if probe {
			b.set(CircuitClosed)
		}
	case probe || (b.state == CircuitClosed && b.failures+1 >= b.threshold):
		b.failures++
		b.lastErr = err
		b.openedAt = b.now()
		b.set(CircuitOpen)
	default:
		b.failures++
		b.lastErr = err
	}
}

func (b *breaker) set(s CircuitState) {
	if b.state != s {
		b.state = s
		b.onChange(s)
	}
}

func (b *breaker) current() CircuitState {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

// countsAsFailure reports whether err says the plugin is unhealthy: a
// transport error, a deadline, a failed restart or an unclassified plugin
// error, but not an answer such as not-found or invalid-argument, nor the
// caller giving up.
func countsAsFailure(err error) bool {
	if err == nil {
		return false
	}
	for _, ok := range []error{context.Canceled, ErrShutdown, ErrCircuitOpen, sdk.ErrNotFound, sdk.ErrInvalidArgument, sdk.ErrFailedPrecondition, sdk.ErrUnimplemented} {
		if errors.Is(err, ok) {
			return false
		}
	}
	return true
}
