package pluginhost

import (
	"math/rand/v2"
	"time"

	"github.com/prometheus/client_golang/prometheus"
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
	timeouts         Timeouts
	backoffInitial   time.Duration
	backoffMax       time.Duration
	stableAfter      time.Duration
	random           func() float64
	breakerThreshold int
	breakerCooldown  time.Duration
	now              func() time.Time
	registerer       prometheus.Registerer
	store            *Store
}

// Circuit breaker defaults: open after 5 consecutive failed calls, probe
// again after 10s.
const (
	DefaultBreakerThreshold = 5
	DefaultBreakerCooldown  = 10 * time.Second
)

func defaultOptions() options {
	return options{
		timeouts:         DefaultTimeouts,
		backoffInitial:   100 * time.Millisecond,
		backoffMax:       10 * time.Second,
		stableAfter:      time.Minute,
		random:           rand.Float64,
		breakerThreshold: DefaultBreakerThreshold,
		breakerCooldown:  DefaultBreakerCooldown,
		now:              time.Now,
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

// WithCircuitBreaker sets the circuit breaker of every plugin: after
// threshold consecutive failed calls (transport errors, deadlines, failed
// restarts, plugin errors other than not-found, invalid-argument,
// failed-precondition and unimplemented) the circuit opens and calls fail
// at once with ErrCircuitOpen; after cooldown one call probes the plugin
// (half-open) and closes the circuit if it succeeds. threshold <= 0
// disables the breaker.
func WithCircuitBreaker(threshold int, cooldown time.Duration) Option {
	return func(o *options) {
		o.breakerThreshold = threshold
		o.breakerCooldown = cooldown
	}
}

// WithClock sets the clock of the circuit breaker, for tests.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithMetrics registers per-plugin Prometheus metrics on reg:
// aurora_plugin_calls_total, aurora_plugin_call_errors_total and
// aurora_plugin_call_duration_seconds by kind, name and method;
// aurora_plugin_restarts_total and aurora_plugin_circuit_state (0 closed,
// 1 half-open, 2 open) by kind and name. Hosts sharing reg share the
// collectors.
func WithMetrics(reg prometheus.Registerer) Option {
	return func(o *options) { o.registerer = reg }
}

// WithStore sets the content-addressed store that Register copies plugin
// binaries into.
func WithStore(s *Store) Option {
	return func(o *options) { o.store = s }
}
