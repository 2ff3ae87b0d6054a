package scheduling

import (
	"context"
	"fmt"

	"github.com/aurora-go/aurora/core/taskstate"
)

// transientStates are the states a task must not stay in for long
// (Aurora's TaskTimeout); STARTING is not one of them.
var transientStates = []taskstate.Status{
	taskstate.Assigned, taskstate.Preempting, taskstate.Restarting, taskstate.Killing, taskstate.Draining,
}

// timeOutTransient moves tasks stuck in a transient state for longer than
// TransientTimeout to LOST, which kills and reschedules them.
func (s *Scheduler) timeOutTransient(ctx context.Context) {
	now := s.cfg.Now()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var c changes
	for _, st := range transientStates {
		tasks, err := s.store.TasksInStatus(st)
		if err != nil {
			s.logger.Error("cannot read tasks", "status", st.String(), "error", err)
			return
		}
		for _, t := range tasks {
			since := t.LastEvent().Time
			if since.IsZero() || now.Sub(since) < s.cfg.TransientTimeout {
				continue
			}
			siblings, _ := s.store.TasksOfJob(t.JobKey)
			msg := fmt.Sprintf("Task timed out in %s after %s", st, s.cfg.TransientTimeout)
			if err := s.transition(&c, t, taskstate.Lost, msg, siblings); err != nil {
				s.logger.Error("cannot time out task", "task_id", t.ID, "error", err)
				continue
			}
			s.logger.Warn("task timed out", "task_id", t.ID, "status", st.String())
		}
	}
	if s.commit(ctx, &c) {
		s.sendKills(ctx, c.kill)
		if len(c.save) > 0 {
			s.prompt()
		}
	}
}
