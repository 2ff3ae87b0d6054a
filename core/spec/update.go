package spec

import (
	"fmt"
	"time"
)

// Update defaults (Aurora's UpdateConfig).
const (
	DefaultUpdateBatchSize = 1
	DefaultWatch           = Duration(45 * time.Second)
	// MinPulseInterval is the client's lower bound on pulse_interval.
	MinPulseInterval = Duration(60 * time.Second)
)

// Update strategies (Aurora's QueueUpdateStrategy, BatchUpdateStrategy and
// VariableBatchUpdateStrategy).
const (
	StrategyQueue         = "queue"
	StrategyBatch         = "batch"
	StrategyVariableBatch = "variable_batch"
)

// UpdateConfig is how a rolling update replaces instances (Aurora's
// UpdateConfig). Durations replace Aurora's *_secs integers.
type UpdateConfig struct {
	// BatchSize is Aurora's legacy batch_size: instances updated at once.
	// More than 1 cannot be combined with Strategy.
	BatchSize int `json:"batch_size"`
	// Watch is how long an instance must stay RUNNING to count as updated;
	// 0 relies on health checks alone.
	Watch Duration `json:"watch"`
	// MaxPerShardFailures is how often one instance may fail before it
	// counts as failed.
	MaxPerShardFailures int `json:"max_per_shard_failures"`
	// MaxTotalFailures is how many failed instances the update tolerates.
	MaxTotalFailures int `json:"max_total_failures"`
	// RollbackOnFailure rolls a failed update back; otherwise it ends
	// FAILED. Aurora's default is true.
	RollbackOnFailure bool `json:"rollback_on_failure"`
	// WaitForBatchCompletion is Aurora's legacy switch for the batch
	// strategy.
	WaitForBatchCompletion bool `json:"wait_for_batch_completion,omitempty"`
	// PulseInterval, when set, makes the update coordinated: it blocks
	// unless pulsed within this interval.
	PulseInterval Duration `json:"pulse_interval,omitempty"`
	// SLAAware kills an instance only when the job's SLA policy allows it.
	SLAAware bool `json:"sla_aware,omitempty"`
	// Strategy nil means Aurora's conversion of the legacy fields (see
	// EffectiveStrategy).
	Strategy *UpdateStrategy `json:"strategy,omitempty"`
}

// NewUpdateConfig returns Aurora's default update settings.
func NewUpdateConfig() *UpdateConfig {
	return &UpdateConfig{BatchSize: DefaultUpdateBatchSize, Watch: DefaultWatch, RollbackOnFailure: true}
}

// UpdateStrategy is one of Aurora's update strategies, chosen by Type.
type UpdateStrategy struct {
	Type string `json:"type"`
	// BatchSize is the queue's or batch's size (default 1); unused by
	// variable_batch.
	BatchSize int `json:"batch_size"`
	// BatchSizes are variable_batch's sizes; after the last, its size
	// repeats.
	BatchSizes []int `json:"batch_sizes,omitempty"`
	// AutopauseAfterBatch pauses the update after each batch (batch and
	// variable_batch).
	AutopauseAfterBatch bool `json:"autopause_after_batch,omitempty"`
}

// NewUpdateStrategy returns a strategy of type typ with Aurora's defaults.
func NewUpdateStrategy(typ string) *UpdateStrategy {
	s := &UpdateStrategy{Type: typ}
	if typ != StrategyVariableBatch {
		s.BatchSize = DefaultUpdateBatchSize
	}
	return s
}

// EffectiveStrategy is the strategy the update runs: Strategy when set,
// otherwise Aurora's conversion of the legacy fields: a batch of
// BatchSize when WaitForBatchCompletion is set, a queue of BatchSize
// otherwise.
func (u *UpdateConfig) EffectiveStrategy() UpdateStrategy {
	if u.Strategy != nil {
		return *u.Strategy
	}
	typ := StrategyQueue
	if u.WaitForBatchCompletion {
		typ = StrategyBatch
	}
	return UpdateStrategy{Type: typ, BatchSize: u.BatchSize}
}

// Validate checks the update settings on their own.
func (u *UpdateConfig) Validate() FieldErrors {
	var errs FieldErrors
	if u.BatchSize < 1 {
		errs.Add("batch_size", "must be at least 1")
	}
	if u.Watch < 0 {
		errs.Add("watch", "must not be negative")
	}
	if u.MaxPerShardFailures < 0 {
		errs.Add("max_per_shard_failures", "must be at least 0")
	}
	if u.MaxTotalFailures < 0 {
		errs.Add("max_total_failures", "must be at least 0")
	}
	if u.PulseInterval != 0 && u.PulseInterval < MinPulseInterval {
		errs.Add("pulse_interval", fmt.Sprintf("%s is too short: a coordinated update needs at least %s", u.PulseInterval, MinPulseInterval))
	}
	if s := u.Strategy; s != nil {
		if u.BatchSize > 1 {
			errs.Add("batch_size", "batch_size cannot be combined with a strategy block: set the strategy's batch_size instead")
		}
		if u.WaitForBatchCompletion {
			errs.Add("wait_for_batch_completion", `wait_for_batch_completion cannot be combined with a strategy block: use strategy "batch"`)
		}
		errs.Prefixed("strategy", s.Validate())
	}
	return errs
}

// Validate checks a strategy's type and sizes.
func (s *UpdateStrategy) Validate() FieldErrors {
	var errs FieldErrors
	switch s.Type {
	case StrategyQueue, StrategyBatch:
		if s.BatchSize < 1 {
			errs.Add("batch_size", "must be at least 1")
		}
		if len(s.BatchSizes) > 0 {
			errs.Add("batch_sizes", fmt.Sprintf("batch_sizes belongs to the variable_batch strategy, not %s", s.Type))
		}
		if s.Type == StrategyQueue && s.AutopauseAfterBatch {
			errs.Add("autopause_after_batch", "the queue strategy has no batches to pause after: use batch or variable_batch")
		}
	case StrategyVariableBatch:
		if len(s.BatchSizes) == 0 {
			errs.Add("batch_sizes", "the variable_batch strategy needs at least one batch size")
		}
		for _, n := range s.BatchSizes {
			if n < 1 {
				errs.Add("batch_sizes", fmt.Sprintf("every batch size must be at least 1, not %d", n))
				break
			}
		}
		if s.BatchSize != 0 {
			errs.Add("batch_size", "the variable_batch strategy takes batch_sizes, not batch_size")
		}
	default:
		errs.Add("", fmt.Sprintf("%q is not an update strategy: use queue, batch or variable_batch", s.Type))
	}
	return errs
}
