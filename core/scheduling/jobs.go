package scheduling

import (
	"context"
	"fmt"
	"time"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// CreateJob validates a job, then commits it with one PENDING task per
// instance in a single log entry.
func (s *Scheduler) CreateJob(ctx context.Context, job *spec.Job) ([]string, error) {
	job.ApplyDefaults()
	if err := job.Validate().Err(); err != nil {
		return nil, err
	}
	if err := s.admitPlacements(ctx, job); err != nil {
		return nil, err
	}
	if err := s.admitExecutor(ctx, job); err != nil {
		return nil, err
	}
	key := job.Key.String()
	now := time.Now().UTC()
	cmd := state.CreateJob{Job: &state.Job{Key: key, Spec: job, CreatedAt: now}}
	ids := make([]string, job.Instances)
	for i := 0; i < job.Instances; i++ {
		ids[i] = newTaskID(job.Key, i)
		cmd.Tasks = append(cmd.Tasks, &state.Task{
			ID: ids[i], JobKey: key, Instance: i, Status: taskstate.Pending, Config: job,
			Events: []state.Event{{Time: now, Status: taskstate.Pending, Message: "Created"}},
		})
	}
	s.writeMu.Lock()
	// Under writeMu, so two creates cannot both fit the last of a quota.
	err := s.admitQuota(ctx, job, job.Instances)
	if err == nil {
		err = s.log.Apply(ctx, cmd)
	}
	s.writeMu.Unlock()
	if err != nil {
		return nil, err
	}
	s.logger.Info("job created", "job", key, "instances", job.Instances)
	s.prompt()
	return ids, nil
}

// KillTasks kills the active tasks of a job; instances nil means all of
// them, and then the job's configuration is removed too (Aurora's
// killJob). It returns the ids of the tasks it asked to stop.
func (s *Scheduler) KillTasks(ctx context.Context, key string, instances []int, message string) ([]string, error) {
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
	if job == nil && len(tasks) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNoSuchJob, key)
	}
	want := map[int]bool{}
	for _, i := range instances {
		want[i] = true
	}
	if message == "" {
		message = "Killed by user request"
	}
	var c changes
	var killed []string
	for _, t := range tasks {
		if !t.Status.Active() || t.Status == taskstate.Killing {
			continue
		}
		if instances != nil && !want[t.Instance] {
			continue
		}
		if err := s.transition(&c, t, taskstate.Killing, message, tasks); err != nil {
			return nil, fmt.Errorf("kill %s: %w", t.ID, err)
		}
		killed = append(killed, t.ID)
	}
	cmd := c.command()
	if instances == nil && job != nil {
		if c.empty() {
			cmd = state.DeleteJob{Key: key}
		} else {
			cmd = state.Batch{Commands: []state.Command{cmd, state.DeleteJob{Key: key}}}
		}
	} else if c.empty() {
		return killed, nil
	}
	if err := s.log.Apply(ctx, cmd); err != nil {
		return nil, err
	}
	s.sendKills(ctx, c.kill)
	s.logger.Info("tasks killed", "job", key, "tasks", len(killed))
	return killed, nil
}

// sendKills asks Mesos to kill tasks and notes when, for retries.
func (s *Scheduler) sendKills(ctx context.Context, ids []string) {
	now := time.Now()
	for _, id := range ids {
		s.mu.Lock()
		s.killSent[id] = now
		s.mu.Unlock()
		if err := s.mesos.Kill(ctx, id); err != nil {
			s.logger.Warn("kill failed; will retry", "task_id", id, "error", err)
		}
	}
}

// killedStates are the states entered by sending KILL; the task stays in
// one until Mesos reports it ended.
var killedStates = []taskstate.Status{taskstate.Killing, taskstate.Restarting, taskstate.Preempting, taskstate.Draining}

// retryKills re-sends KILL for tasks still KILLING (or RESTARTING,
// PREEMPTING, DRAINING, which sent KILL too) after KillRetry: a KILL sent
// while the subscription was down, or lost, would otherwise wait for the
// transient-state timeout.
func (s *Scheduler) retryKills(ctx context.Context) {
	var tasks []*state.Task
	for _, st := range killedStates {
		ts, err := s.store.TasksInStatus(st)
		if err != nil {
			s.logger.Error("cannot read tasks being killed", "status", st.String(), "error", err)
			return
		}
		tasks = append(tasks, ts...)
	}
	now := time.Now()
	var again []string
	s.mu.Lock()
	live := map[string]bool{}
	for _, t := range tasks {
		live[t.ID] = true
		if now.Sub(s.killSent[t.ID]) >= s.cfg.KillRetry {
			again = append(again, t.ID)
		}
	}
	for id := range s.killSent {
		if !live[id] {
			delete(s.killSent, id)
		}
	}
	s.mu.Unlock()
	s.sendKills(ctx, again)
}
