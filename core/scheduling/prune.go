package scheduling

import (
	"context"
	"sort"

	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// terminalStatuses are the statuses a task may be pruned in.
var terminalStatuses = []taskstate.Status{taskstate.Finished, taskstate.Failed, taskstate.Killed, taskstate.Lost}

// PruneTasks deletes terminal tasks that q matches (Aurora's pruneTasks),
// oldest first, at most limit of them (0: no limit). q.Statuses must all
// be terminal; none means every terminal status. It returns the ids of
// the deleted tasks.
func (s *Scheduler) PruneTasks(ctx context.Context, q state.TaskQuery, limit int) ([]string, error) {
	if limit < 0 {
		return nil, invalid("limit must not be negative, not %d", limit)
	}
	for _, st := range q.Statuses {
		if !st.Terminal() {
			return nil, invalid("tasks in non-terminal state %s cannot be pruned: use FINISHED, FAILED, KILLED or LOST", st)
		}
	}
	if len(q.Statuses) == 0 {
		q.Statuses = terminalStatuses
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tasks, err := s.store.QueryTasks(q)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(tasks, func(i, j int) bool {
		return tasks[i].LastEvent().Time.Before(tasks[j].LastEvent().Time)
	})
	if limit > 0 && len(tasks) > limit {
		tasks = tasks[:limit]
	}
	ids := make([]string, 0, len(tasks))
	for _, t := range tasks {
		ids = append(ids, t.ID)
	}
	if len(ids) == 0 {
		return ids, nil
	}
	if err := s.log.Apply(ctx, state.DeleteTasks{IDs: ids}); err != nil {
		return nil, err
	}
	s.logger.Info("tasks pruned", "tasks", len(ids))
	return ids, nil
}
