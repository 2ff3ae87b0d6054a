package scheduling

import (
	"context"
	"fmt"
	"time"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// AddInstances adds count instances to a job, each running the
// configuration of its active instance `from` (Aurora's addInstances).
// The new instance ids follow the highest active one. The job and its new
// PENDING tasks are committed in one log entry. It returns the new
// instance ids and task ids.
func (s *Scheduler) AddInstances(ctx context.Context, key string, from, count int) ([]int, []string, error) {
	if count < 1 {
		return nil, nil, invalid("the number of instances to add must be at least 1, not %d", count)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	job, err := s.store.Job(key)
	if err != nil {
		return nil, nil, err
	}
	if job == nil {
		return nil, nil, fmt.Errorf("%w: %s", ErrNoSuchJob, key)
	}
	if job.Spec.IsCron() {
		return nil, nil, invalid("instances may not be added to cron job %s", key)
	}
	tasks, err := s.store.TasksOfJob(key)
	if err != nil {
		return nil, nil, err
	}
	active := newestActive(tasks)
	source, ok := active[from]
	if !ok {
		return nil, nil, invalid("instance %d of %s is not active; copy an active instance (`aurora job status` lists them)", from, key)
	}
	highest := -1
	for i := range active {
		if i > highest {
			highest = i
		}
	}
	if total := len(active) + count; total > spec.MaxInstances {
		return nil, nil, invalid("%s would have %d instances, more than the limit of %d", key, total, spec.MaxInstances)
	}
	now := time.Now().UTC()
	grown := *job
	cfg := *job.Spec
	if n := highest + count + 1; n > cfg.Instances {
		cfg.Instances = n
	}
	grown.Spec = &cfg
	var (
		newTasks []*state.Task
		ids      []string
		added    []int
	)
	for i := highest + 1; i <= highest+count; i++ {
		t := &state.Task{
			ID: newTaskID(job.Spec.Key, i), JobKey: key, Instance: i, Status: taskstate.Pending,
			// The source's configuration is shared, not copied: the new
			// instances run exactly what it runs.
			Config: source.Config,
			Events: []state.Event{{Time: now, Status: taskstate.Pending, Message: fmt.Sprintf("Added as a copy of instance %d", from)}},
		}
		newTasks = append(newTasks, t)
		ids = append(ids, t.ID)
		added = append(added, i)
	}
	// The executor may have been disabled since the job was created.
	if err := s.admitExecutor(ctx, source.Config); err != nil {
		return nil, nil, err
	}
	if err := s.admitQuota(ctx, source.Config, count); err != nil {
		return nil, nil, err
	}
	cmd := state.Batch{Commands: []state.Command{state.SaveJob{Job: &grown}, state.SaveTasks{Tasks: newTasks}}}
	if err := s.log.Apply(ctx, cmd); err != nil {
		return nil, nil, err
	}
	s.logger.Info("instances added", "job", key, "from", from, "count", count)
	s.prompt()
	return added, ids, nil
}
