package scheduling

import "time"

// ExecutorConfig says how agents start the executor for a task.
type ExecutorConfig struct {
	// Command is the shell command an agent runs, such as
	// "'/usr/local/bin/aurora' executor".
	Command string
	// CPUs and MemMB are the executor's own overhead, carved from the same
	// offer as the task (Aurora: 0.25 cpus, 128 MB).
	CPUs  float64
	MemMB float64
}

// Config tunes the scheduler. Zero values take Aurora's defaults.
type Config struct {
	Executor ExecutorConfig
	// OfferHold is how long an unused offer is held before it is declined
	// (Aurora: 5 min plus up to 1 min of jitter).
	OfferHold time.Duration
	// OfferFilter is the refuse duration sent with ACCEPT and DECLINE (5s).
	OfferFilter time.Duration
	// Interval is how often the scheduling loop runs without a prompt.
	Interval time.Duration
	// KillRetry is how long a KILLING task waits before KILL is sent again
	// (Aurora: 15s, doubling to 5 min).
	KillRetry time.Duration
	// FilterTimeout bounds one constraint plugin call.
	FilterTimeout time.Duration
	// Hostname is recorded in task events, as Aurora's scheduler host.
	Hostname string
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
	if c.Interval == 0 {
		c.Interval = time.Second
	}
	if c.KillRetry == 0 {
		c.KillRetry = 15 * time.Second
	}
	if c.FilterTimeout == 0 {
		c.FilterTimeout = 5 * time.Second
	}
}
