package scheduling

import (
	"context"
	"fmt"
	"time"

	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// flapped reports whether a terminated task ran for less than the flapping
// threshold (Aurora's RescheduleCalculator): the time from its newest
// active event to its terminal event. Tasks interrupted by a restart, kill
// or drain are never flapping.
func (s *Scheduler) flapped(t *state.Task) bool {
	if len(t.Events) == 0 || !t.Status.Terminal() {
		return false
	}
	for _, e := range t.Events {
		switch e.Status {
		case taskstate.Restarting, taskstate.Killing, taskstate.Draining:
			return false
		}
	}
	terminal := t.Events[len(t.Events)-1]
	for i := len(t.Events) - 2; i >= 0; i-- {
		if t.Events[i].Status.Active() {
			return terminal.Time.Sub(t.Events[i].Time) < s.cfg.FlappingThreshold
		}
	}
	return false
}

// flappingPenalty walks the chain of ancestors from a task that just ended:
// every flapping ancestor doubles the penalty, from the initial delay up to
// the maximum. A task that did not flap gets none.
func (s *Scheduler) flappingPenalty(ended *state.Task, lookup func(id string) *state.Task) time.Duration {
	var penalty time.Duration
	for cur := ended; cur != nil && s.flapped(cur); {
		if penalty == 0 {
			penalty = s.cfg.InitialFlappingDelay
		} else if penalty *= 2; penalty > s.cfg.MaxFlappingDelay {
			penalty = s.cfg.MaxFlappingDelay
		}
		if penalty == s.cfg.MaxFlappingDelay || cur.AncestorID == "" {
			break
		}
		cur = lookup(cur.AncestorID)
	}
	return penalty
}

// throttle makes a replacement wait THROTTLED if its ancestors flapped.
func (s *Scheduler) throttle(repl, ended *state.Task) {
	penalty := s.flappingPenalty(ended, func(id string) *state.Task {
		t, _ := s.store.Task(id)
		return t
	})
	if penalty == 0 {
		return
	}
	now := s.cfg.Now().UTC()
	repl.Status = taskstate.Throttled
	repl.PenaltyUntil = now.Add(penalty)
	repl.Events = []state.Event{{Time: now, Status: taskstate.Throttled,
		Message: fmt.Sprintf("Rescheduled, penalized for %s for flapping", penalty)}}
}

// unthrottle moves THROTTLED tasks whose penalty is over to PENDING.
func (s *Scheduler) unthrottle(ctx context.Context) {
	tasks, err := s.store.TasksInStatus(taskstate.Throttled)
	if err != nil || len(tasks) == 0 {
		return
	}
	now := s.cfg.Now()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var c changes
	for _, t := range tasks {
		if now.Before(t.PenaltyUntil) {
			continue
		}
		siblings, _ := s.store.TasksOfJob(t.JobKey)
		if err := s.transition(&c, t, taskstate.Pending, "Penalty for flapping served", siblings); err != nil {
			s.logger.Error("cannot unthrottle task", "task_id", t.ID, "error", err)
		}
	}
	if s.commit(ctx, &c) && len(c.save) > 0 {
		s.prompt()
	}
}
