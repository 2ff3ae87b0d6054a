package scheduling

import (
	"context"
	"fmt"
	"time"
)

// DefaultReconcileBatch is how many tasks one explicit reconciliation call
// names (Aurora's -reconciliation_explicit_batch_size).
const DefaultReconcileBatch = 1000

// Reconcile asks Mesos for the state of tasks now, as Aurora's admin
// triggerExplicitTaskReconciliation and triggerImplicitTaskReconciliation
// do. Explicit reconciliation names every task the log says is on an
// agent, batchSize tasks per call (0: DefaultReconcileBatch); implicit asks
// for every task the master knows. The answers arrive as status updates.
// It returns how many tasks were named.
func (s *Scheduler) Reconcile(ctx context.Context, explicit bool, batchSize int) (int, error) {
	if batchSize < 0 {
		return 0, invalid("batch size must not be negative, not %d", batchSize)
	}
	if batchSize == 0 {
		batchSize = DefaultReconcileBatch
	}
	if !explicit {
		if err := s.mesos.Reconcile(ctx, map[string]string{}); err != nil {
			return 0, fmt.Errorf("implicit reconciliation: %w", err)
		}
		s.logger.Info("implicit reconciliation requested")
		return 0, nil
	}
	tasks, err := s.store.AllTasks()
	if err != nil {
		return 0, err
	}
	batch := map[string]string{}
	sent := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := s.mesos.Reconcile(ctx, batch); err != nil {
			return fmt.Errorf("explicit reconciliation after %d of the tasks: %w", sent, err)
		}
		sent += len(batch)
		batch = map[string]string{}
		return nil
	}
	for _, t := range tasks {
		if !t.Status.OnAgent() {
			continue
		}
		batch[t.ID] = t.AgentID
		if len(batch) == batchSize {
			if err := flush(); err != nil {
				return sent, err
			}
		}
	}
	if err := flush(); err != nil {
		return sent, err
	}
	s.logger.Info("explicit reconciliation requested", "tasks", sent)
	return sent, nil
}

// reconcileTimes schedules Aurora's periodic reconciliation.
type reconcileTimes struct {
	nextExplicit, nextImplicit time.Time
}

// reconcileOnSchedule runs explicit and implicit reconciliation when due:
// first after ReconcileDelay (implicit also after ReconcileSpread), then
// every ExplicitReconcile and ImplicitReconcile.
func (s *Scheduler) reconcileOnSchedule(ctx context.Context) {
	now := s.cfg.Now()
	if s.recon.nextExplicit.IsZero() {
		s.recon.nextExplicit = now.Add(s.cfg.ReconcileDelay)
		s.recon.nextImplicit = now.Add(s.cfg.ReconcileDelay + s.cfg.ReconcileSpread)
	}
	if !now.Before(s.recon.nextExplicit) {
		s.recon.nextExplicit = now.Add(s.cfg.ExplicitReconcile)
		if _, err := s.Reconcile(ctx, true, 0); err != nil {
			s.logger.Warn("scheduled explicit reconciliation failed", "error", err)
		}
	}
	if !now.Before(s.recon.nextImplicit) {
		s.recon.nextImplicit = now.Add(s.cfg.ImplicitReconcile)
		if _, err := s.Reconcile(ctx, false, 0); err != nil {
			s.logger.Warn("scheduled implicit reconciliation failed", "error", err)
		}
	}
}
