package scheduling

import (
	"context"
	"time"
)

// reconcileTimes schedules Aurora's periodic reconciliation.
type reconcileTimes struct {
	nextExplicit, nextImplicit time.Time
}

// start schedules the first runs relative to now.
func (r *reconcileTimes) start(now time.Time, c *Config) {
	r.nextExplicit = now.Add(c.ReconcileDelay)
	r.nextImplicit = now.Add(c.ReconcileDelay + c.ReconcileSpread)
}

// reconcileOnSchedule runs explicit and implicit reconciliation when due.
func (s *Scheduler) reconcileOnSchedule(ctx context.Context) {
	now := s.cfg.Now()
	if s.recon.nextExplicit.IsZero() {
		s.recon.start(now, &s.cfg)
	}
	if !now.Before(s.recon.nextExplicit) {
		s.recon.nextExplicit = now.Add(s.cfg.ExplicitReconcile)
		s.ReconcileExplicit(ctx)
	}
	if !now.Before(s.recon.nextImplicit) {
		s.recon.nextImplicit = now.Add(s.cfg.ImplicitReconcile)
		s.ReconcileImplicit(ctx)
	}
}

// explicitBatch is how many tasks one explicit RECONCILE names (Aurora: 1000).
const explicitBatch = 1000

// ReconcileExplicit asks Mesos for the state of every task the log says is
// on an agent, in batches.
func (s *Scheduler) ReconcileExplicit(ctx context.Context) int {
	tasks, err := s.store.AllTasks()
	if err != nil {
		s.logger.Error("cannot read tasks to reconcile", "error", err)
		return 0
	}
	batch := map[string]string{}
	n := 0
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if err := s.mesos.Reconcile(ctx, batch); err != nil {
			s.logger.Warn("explicit reconciliation failed", "tasks", len(batch), "error", err)
		}
		batch = map[string]string{}
	}
	for _, t := range tasks {
		if !t.Status.OnAgent() {
			continue
		}
		batch[t.ID] = ""
		n++
		if len(batch) == explicitBatch {
			flush()
		}
	}
	flush()
	s.logger.Info("explicit reconciliation", "tasks", n)
	return n
}

// ReconcileImplicit asks Mesos for every task it knows of ours.
func (s *Scheduler) ReconcileImplicit(ctx context.Context) {
	if err := s.mesos.Reconcile(ctx, map[string]string{}); err != nil {
		s.logger.Warn("implicit reconciliation failed", "error", err)
	}
}
