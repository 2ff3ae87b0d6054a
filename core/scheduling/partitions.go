package scheduling

import (
	"context"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/taskstate"
)

// partitionedMessage is the event message of a partitioned task given up
// on (Aurora's PartitionManager).
const partitionedMessage = "Task has been partitioned longer than the allowed delay."

// expirePartitions applies each PARTITIONED task's partition policy
// (Aurora's PartitionManager, reference aurora.md 3.12): with reschedule
// the task moves to LOST, which kills and replaces it, once it has been
// partitioned for the policy's delay; without it the task waits for its
// agent to come back. A partitioned task reported RUNNING again before
// then simply goes back to RUNNING.
func (s *Scheduler) expirePartitions(ctx context.Context) {
	now := s.cfg.Now()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tasks, err := s.store.TasksInStatus(taskstate.Partitioned)
	if err != nil {
		s.logger.Error("cannot read partitioned tasks", "error", err)
		return
	}
	var c changes
	for _, t := range tasks {
		if t.Config == nil {
			continue
		}
		policy := t.Config.PartitionPolicy
		if policy == nil {
			policy = spec.NewPartitionPolicy()
		}
		since := t.LastEvent().Time
		if !policy.Reschedule || now.Sub(since) < policy.Delay.D() {
			continue
		}
		siblings, err := s.store.TasksOfJob(t.JobKey)
		if err != nil {
			s.logger.Error("cannot read job tasks", "job", t.JobKey, "error", err)
			return
		}
		if err := s.transition(&c, t, taskstate.Lost, partitionedMessage, siblings); err != nil {
			s.logger.Error("cannot give up on a partitioned task", "task_id", t.ID, "error", err)
			continue
		}
		s.logger.Warn("partitioned task given up", "task_id", t.ID, "partitioned_since", since)
	}
	if s.commit(ctx, &c) {
		s.sendKills(ctx, c.kill)
		if len(c.save) > 0 {
			s.prompt()
		}
	}
}

// partitionChanges reports whether a batch moved a task to PARTITIONED.
func partitionChanges(changed []change) bool {
	for _, ch := range changed {
		if ch.to == taskstate.Partitioned {
			return true
		}
	}
	return false
}
