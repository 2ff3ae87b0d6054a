package scheduling

import (
	"time"

	"github.com/aurora-go/aurora/core/spec"
)

// ExecutorConfig says how agents start the executor for a task.
type ExecutorConfig struct {
	// Command is the shell command an agent runs, such as
	// "'/usr/local/bin/aurora' executor".
	Command string
	// CPUs and MemMB are the executor's own overhead, carved from the same
	// offer as the task (Aurora: 0.25 cpus, 128 MB).
	CPUs  float64
	MemMB float64
	// Env is set in the executor's CommandInfo.environment (the announcer
	// settings, see core/executor).
	Env map[string]string
	// Plugins resolves an executor that is not built into the aurora
	// binary to its catalog plugin, which the executor fetches and runs;
	// nil means every executor is built in.
	Plugins ExecutorPlugins
}

// ExecutorPlugins resolves executors to the catalog plugins that run them.
type ExecutorPlugins interface {
	// ExecutorPlugin returns the catalog plugin of kind executor named
	// name (the pinned version if it is enabled, else the highest enabled
	// one), or nil when name is built into the aurora binary.
	ExecutorPlugin(name string) (*spec.CatalogPlugin, error)
	// ExecutorEnv is set in every executor's environment on top of
	// ExecutorConfig.Env, as the catalog is now (the discovery plugin
	// executors announce through).
	ExecutorEnv() map[string]string
}

// Config tunes the scheduler. Zero values take Aurora's defaults.
type Config struct {
	Executor ExecutorConfig
	// OfferHold is how long an unused offer is held before it is declined
	// (Aurora: 5 min plus up to 1 min of jitter).
	OfferHold time.Duration
	// OfferFilter is the refuse duration sent with ACCEPT and DECLINE (5s).
	OfferFilter time.Duration
	// ReviveInterval is the least time between two REVIVE calls, sent when
	// tasks wait for room the scheduler refused (see revive.go); negative
	// never revives, as Aurora (1s).
	ReviveInterval time.Duration
	// Interval is how often the scheduling loop runs without a prompt.
	Interval time.Duration
	// KillRetry is how long a KILLING task waits before KILL is sent again
	// (Aurora: 15s, doubling to 5 min).
	KillRetry time.Duration
	// FilterTimeout bounds one constraint plugin call.
	FilterTimeout time.Duration
	// Hostname is recorded in task events, as Aurora's scheduler host.
	Hostname string

	// Flapping: a task that ran less than FlappingThreshold before it
	// ended is flapping; its replacement waits THROTTLED for a penalty
	// that starts at InitialFlappingDelay and doubles with every flapping
	// ancestor, up to MaxFlappingDelay (Aurora: 5 min, 30 s, 5 min).
	FlappingThreshold    time.Duration
	InitialFlappingDelay time.Duration
	MaxFlappingDelay     time.Duration
	// A task group that cannot be placed waits before the next attempt,
	// from InitialSchedulePenalty doubling to MaxSchedulePenalty (1 s, 1 min).
	InitialSchedulePenalty time.Duration
	MaxSchedulePenalty     time.Duration
	// TransientTimeout moves tasks stuck in ASSIGNED, PREEMPTING,
	// RESTARTING, KILLING or DRAINING to LOST (5 min).
	TransientTimeout time.Duration
	// Reconciliation with Mesos: explicit (every task on an agent) and
	// implicit (everything Mesos knows), first after ReconcileDelay, then
	// every interval; implicit is offset by ReconcileSpread
	// (1 min, 60 min, 60 min, 30 min).
	ReconcileDelay    time.Duration
	ExplicitReconcile time.Duration
	ImplicitReconcile time.Duration
	ReconcileSpread   time.Duration
	// History pruning: terminal tasks older than PruneAfter are deleted,
	// and no job keeps more than PruneKeepPerJob of them, but none younger
	// than PruneMinRetention (2 days, 100, 1 h).
	PruneAfter        time.Duration
	PruneKeepPerJob   int
	PruneMinRetention time.Duration
	// Now is the clock; nil means time.Now. Tests replay decisions with it.
	Now func() time.Time
}

func (c *Config) applyDefaults() {
	if c.Executor.CPUs == 0 {
		c.Executor.CPUs = 0.25
	}
	if c.Executor.MemMB == 0 {
		c.Executor.MemMB = 128
	}
	if c.OfferHold == 0 {
		c.OfferHold = 5 * time.Minute
	}
	if c.OfferFilter == 0 {
		c.OfferFilter = 5 * time.Second
	}
	if c.ReviveInterval == 0 {
		c.ReviveInterval = time.Second
	}
	if c.Interval == 0 {
		c.Interval = time.Second
	}
	if c.KillRetry == 0 {
		c.KillRetry = 15 * time.Second
	}
	if c.FilterTimeout == 0 {
		c.FilterTimeout = 5 * time.Second
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.FlappingThreshold, 5*time.Minute)
	def(&c.InitialFlappingDelay, 30*time.Second)
	def(&c.MaxFlappingDelay, 5*time.Minute)
	def(&c.InitialSchedulePenalty, time.Second)
	def(&c.MaxSchedulePenalty, time.Minute)
	def(&c.TransientTimeout, 5*time.Minute)
	def(&c.ReconcileDelay, time.Minute)
	def(&c.ExplicitReconcile, 60*time.Minute)
	def(&c.ImplicitReconcile, 60*time.Minute)
	def(&c.ReconcileSpread, 30*time.Minute)
	def(&c.PruneAfter, 48*time.Hour)
	def(&c.PruneMinRetention, time.Hour)
	if c.PruneKeepPerJob == 0 {
		c.PruneKeepPerJob = 100
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}
