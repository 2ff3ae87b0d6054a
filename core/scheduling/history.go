package scheduling

import (
	"context"
	"sort"

	"github.com/aurora-go/aurora/core/state"
)

// pruneHistory deletes terminal tasks (Aurora's history pruning): those
// older than PruneAfter, and beyond the newest PruneKeepPerJob of a job,
// but never one that ended less than PruneMinRetention ago.
func (s *Scheduler) pruneHistory(ctx context.Context) {
	all, err := s.store.AllTasks()
	if err != nil {
		s.logger.Error("cannot read tasks to prune", "error", err)
		return
	}
	now := s.cfg.Now()
	byJob := map[string][]*state.Task{}
	for _, t := range all {
		if t.Status.Terminal() {
			byJob[t.JobKey] = append(byJob[t.JobKey], t)
		}
	}
	var doomed []string
	for _, tasks := range byJob {
		sort.Slice(tasks, func(i, j int) bool { return tasks[i].LastEvent().Time.After(tasks[j].LastEvent().Time) })
		for i, t := range tasks {
			age := now.Sub(t.LastEvent().Time)
			if age < s.cfg.PruneMinRetention {
				continue
			}
			if age > s.cfg.PruneAfter || i >= s.cfg.PruneKeepPerJob {
				doomed = append(doomed, t.ID)
			}
		}
	}
	if len(doomed) == 0 {
		return
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.commit(ctx, &changes{delete: doomed}) {
		s.logger.Info("pruned task history", "tasks", len(doomed))
	}
}
