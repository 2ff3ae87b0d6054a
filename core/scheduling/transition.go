package scheduling

import (
	"errors"
	"time"

	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// changes is what a set of transitions writes and what it asks of Mesos.
type changes struct {
	save   []*state.Task
	delete []string
	kill   []string
}

func (c *changes) empty() bool { return len(c.save) == 0 && len(c.delete) == 0 }

// command renders the changes as one log entry.
func (c *changes) command() state.Command {
	var cmds []state.Command
	if len(c.save) > 0 {
		cmds = append(cmds, state.SaveTasks{Tasks: c.save})
	}
	if len(c.delete) > 0 {
		cmds = append(cmds, state.DeleteTasks{IDs: c.delete})
	}
	if len(cmds) == 1 {
		return cmds[0]
	}
	return state.Batch{Commands: cmds}
}

// transition moves t to `to`, recording an event and carrying out the
// state machine's side effects into c. siblings are the other tasks of
// t's job, used to avoid a second replacement for one instance.
func (s *Scheduler) transition(c *changes, t *state.Task, to taskstate.Status, msg string, siblings []*state.Task) error {
	effects, err := taskstate.Transition(t.Status, to, taskstate.Context{
		Service:     t.Config != nil && t.Config.Service,
		EverKilling: t.EverIn(taskstate.Killing),
	})
	if err != nil {
		return err
	}
	now := s.cfg.Now().UTC()
	if taskstate.Has(effects, taskstate.Delete) {
		c.delete = append(c.delete, t.ID)
		return nil
	}
	next := t.Copy()
	next.Status = to
	next.Events = append(next.Events, state.Event{Time: now, Status: to, Message: msg})
	if taskstate.Has(effects, taskstate.IncrementFailures) {
		next.FailureCount++
	}
	c.save = append(c.save, next)
	if taskstate.Has(effects, taskstate.Kill) {
		c.kill = append(c.kill, t.ID)
	}
	if taskstate.Has(effects, taskstate.Reschedule) && s.shouldReschedule(next, siblings) {
		repl := replacement(next, now)
		s.throttle(repl, next)
		c.save = append(c.save, repl)
	}
	if taskstate.Has(effects, taskstate.TransitionToLost) {
		// Aurora never waits for a partition to heal to finish a user action.
		c.save = c.save[:len(c.save)-1]
		return s.transition(c, next, taskstate.Lost, "Action performed on partitioned task, marking as LOST.", siblings)
	}
	return nil
}

// needsSiblings reports whether moving t to `to` may create a replacement,
// which needs the job's other tasks; an illegal move needs nothing.
func needsSiblings(t *state.Task, to taskstate.Status) bool {
	effects, err := taskstate.Transition(t.Status, to, taskstate.Context{
		Service:     t.Config != nil && t.Config.Service,
		EverKilling: t.EverIn(taskstate.Killing),
	})
	return err == nil && (taskstate.Has(effects, taskstate.Reschedule) || taskstate.Has(effects, taskstate.TransitionToLost))
}

// shouldReschedule applies Aurora's rule: services always come back; a
// failed batch task only while it has failures left.
func (s *Scheduler) shouldReschedule(t *state.Task, siblings []*state.Task) bool {
	for _, o := range siblings {
		if o.ID != t.ID && o.Instance == t.Instance && o.Status.Active() {
			return false // the instance already has a live task
		}
	}
	if t.Config == nil {
		return false
	}
	if t.Config.Service || t.Status != taskstate.Failed {
		return true
	}
	max := t.Config.MaxTaskFailures
	return max == -1 || t.FailureCount < max
}

// replacement is a new PENDING task for the same instance.
func replacement(old *state.Task, now time.Time) *state.Task {
	k := old.Config.Key
	return &state.Task{
		ID:           newTaskID(k, old.Instance),
		JobKey:       old.JobKey,
		Instance:     old.Instance,
		Status:       taskstate.Pending,
		FailureCount: old.FailureCount,
		AncestorID:   old.ID,
		Config:       old.Config,
		Events:       []state.Event{{Time: now, Status: taskstate.Pending, Message: "Rescheduled from " + old.ID}},
	}
}

// isIllegal reports whether err is an illegal transition.
func isIllegal(err error) bool {
	var ill *taskstate.ErrIllegal
	return errors.As(err, &ill)
}
