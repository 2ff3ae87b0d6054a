package pluginhost

import (
	"math/rand/v2"
	"time"
)

// Timeouts are the deadlines of plugin calls. A zero field means no
// deadline. The caller's context may set a shorter one.
type Timeouts struct {
	// Filter bounds a constraint Filter call.
	Filter time.Duration
	// Base bounds Info, ConfigSchema and Configure, including the
	// verification of a started plugin.
	Base time.Duration
	// Control bounds executor Start, Signal, Inspect, Recover and Destroy;
	// Stop gets its grace period on top.
	Control time.Duration
	// Start bounds the launch of a plugin process up to its handshake.
	Start time.Duration
}

// DefaultTimeouts are the deadlines used unless WithTimeouts says otherwise.
// Executor Wait has none: it blocks for as long as the task runs.
var DefaultTimeouts = Timeouts{
	Filter:  5 * time.Second,
	Base:    5 * time.Second,
	Control: 30 * time.Second,
	Start:   30 * time.Second,
}

type options struct {
	timeouts       Timeouts
	backoffInitial time.Duration
	backoffMax     time.Duration
	stableAfter    time.Duration
	random         func() float64
}

func defaultOptions() options {
	return options{
		timeouts:       DefaultTimeouts,
		backoffInitial: 100 * time.Millisecond,
		backoffMax:     10 * time.Second,
		stableAfter:    time.Minute,
		random:         rand.Float64,
	}
}

// Option configures a Host.
type Option func(*options)

// WithTimeouts sets the call deadlines.
func WithTimeouts(t Timeouts) Option {
	return func(o *options) { o.timeouts = t }
}

// WithBackoff sets the restart backoff: the first restart waits about
// initial, each further one twice as long, up to max.
func WithBackoff(initial, max time.Duration) Option {
	return func(o *options) {
		o.backoffInitial = initial
		o.backoffMax = max
	}
}

// WithRandom sets the source of the backoff jitter, a function returning
// values in [0, 1), so tests can make restarts deterministic.
func WithRandom(random func() float64) Option {
	return func(o *options) { o.random = random }
}
