package scheduling

import (
	"context"
	"fmt"
	"sort"

	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// RestartTasks restarts a job's active tasks (Aurora's restartShards):
// each task on an agent moves to RESTARTING, which kills it, and once it
// has stopped the state machine schedules a replacement with the same
// configuration. instances nil means every instance. A task that has
// nothing to restart yet (PENDING, THROTTLED) or is already stopping is
// left alone. It returns the ids of the restarted tasks.
func (s *Scheduler) RestartTasks(ctx context.Context, key string, instances []int, message string) ([]string, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	job, err := s.store.Job(key)
	if err != nil {
		return nil, err
	}
	tasks, err := s.store.TasksOfJob(key)
	if err != nil {
		return nil, err
	}
	if job == nil {
		return nil, fmt.Errorf("%w: %s", ErrNoSuchJob, key)
	}
	active := map[int]bool{}
	for _, t := range tasks {
		if t.Status.Active() {
			active[t.Instance] = true
		}
	}
	if len(active) == 0 {
		return nil, invalid("job %s has no active tasks to restart", key)
	}
	want := map[int]bool{}
	var missing []int
	for _, i := range instances {
		want[i] = true
		if !active[i] {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		sort.Ints(missing)
		return nil, invalid("instances %v of %s are not active; `aurora job status` lists the active ones", missing, key)
	}
	if message == "" {
		message = "Restarted by user request"
	}
	var c changes
	var restarted []string
	for _, t := range tasks {
		if !t.Status.Active() || (instances != nil && !want[t.Instance]) {
			continue
		}
		if !taskstate.Legal(t.Status, taskstate.Restarting) {
			continue
		}
		if err := s.transition(&c, t, taskstate.Restarting, message, tasks); err != nil {
			return nil, fmt.Errorf("restart %s: %w", t.ID, err)
		}
		restarted = append(restarted, t.ID)
	}
	if c.empty() {
		return restarted, nil
	}
	if err := s.log.Apply(ctx, c.command()); err != nil {
		return nil, err
	}
	s.sendKills(ctx, c.kill)
	s.logger.Info("tasks restarting", "job", key, "tasks", len(restarted))
	return restarted, nil
}

// newestActive returns the newest active task of each instance.
func newestActive(tasks []*state.Task) map[int]*state.Task {
	out := map[int]*state.Task{}
	for _, t := range tasks {
		if !t.Status.Active() {
			continue
		}
		if cur, ok := out[t.Instance]; !ok || cur.Created().Before(t.Created()) {
			out[t.Instance] = t
		}
	}
	return out
}
