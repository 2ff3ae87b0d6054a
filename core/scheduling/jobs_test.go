package scheduling

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

func TestCreateJobCommitsPendingTasks(t *testing.T) {
	h := newHarness(t, nil)
	ids, err := h.s.CreateJob(context.Background(), testJob("hello", 3, true))
	if err != nil {
		t.Fatalf("CreateJob: %v", err)
	}
	if len(ids) != 3 {
		t.Fatalf("got %d task ids, want 3", len(ids))
	}
	if h.log.n != 1 {
		t.Errorf("CreateJob wrote %d log entries, want the job and its tasks in 1", h.log.n)
	}
	job, _ := h.store.Job("www-data/prod/hello")
	if job == nil || job.Spec.Tier != spec.DefaultTier || job.CreatedAt.IsZero() {
		t.Fatalf("stored job = %+v, want it with defaults applied and a creation time", job)
	}
	for i, id := range ids {
		if !strings.HasPrefix(id, "www-data-prod-hello-"+string(rune('0'+i))+"-") {
			t.Errorf("task id %q is not <role>-<env>-<name>-<instance>-<uuid>", id)
		}
		task := mustTask(t, h, id)
		if task.Status != taskstate.Pending || task.Instance != i || task.JobKey != "www-data/prod/hello" ||
			task.Config == nil || len(task.Events) != 1 || task.Events[0].Status != taskstate.Pending {
			t.Errorf("task %d = %+v, want PENDING instance %d with one PENDING event", i, task, i)
		}
	}
	if len(uniq(ids)) != 3 {
		t.Errorf("task ids are not unique: %v", ids)
	}
}

func uniq(ids []string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func TestCreateJobRejects(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(h *harness)
		job     func() *spec.Job
		check   func(t *testing.T, err error)
	}{
		{
			name: "invalid job",
			job: func() *spec.Job {
				j := testJob("hello", 0, true)
				j.Task.Processes = nil
				return j
			},
			check: func(t *testing.T, err error) {
				var fe spec.FieldErrors
				if !errors.As(err, &fe) {
					t.Fatalf("error %v is not spec.FieldErrors", err)
				}
				var paths []string
				for _, e := range fe {
					paths = append(paths, e.Path)
				}
				if want := []string{"instances", "task.process"}; !reflect.DeepEqual(paths, want) {
					t.Errorf("field errors at %v, want %v", paths, want)
				}
			},
		},
		{
			name: "duplicate job",
			prepare: func(h *harness) {
				if _, err := h.s.CreateJob(context.Background(), testJob("hello", 2, true)); err != nil {
					t.Fatal(err)
				}
			},
			job: func() *spec.Job { return testJob("hello", 5, true) },
			check: func(t *testing.T, err error) {
				if !errors.Is(err, state.ErrJobExists) {
					t.Fatalf("error %v, want state.ErrJobExists", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			if tt.prepare != nil {
				tt.prepare(h)
			}
			before, _ := h.store.AllTasks()
			ids, err := h.s.CreateJob(context.Background(), tt.job())
			if ids != nil {
				t.Errorf("a rejected job returned task ids %v", ids)
			}
			tt.check(t, err)
			after, _ := h.store.AllTasks()
			if len(after) != len(before) {
				t.Errorf("a rejected job changed the task count from %d to %d", len(before), len(after))
			}
		})
	}
}

func TestKillTasks(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	job := testJob("hello", 3, true)
	putTask(t, h, job, "run-0", 0, taskstate.Running, 0)
	putTask(t, h, job, "pend-1", 1, taskstate.Pending, 0)
	putTask(t, h, job, "asg-2", 2, taskstate.Assigned, 0)
	putTask(t, h, job, "old-2", 2, taskstate.Failed, 1) // inactive: never killed again

	killed, err := h.s.KillTasks(ctx, "www-data/prod/hello", []int{0, 1}, "")
	if err != nil {
		t.Fatalf("KillTasks: %v", err)
	}
	sort.Strings(killed)
	if want := []string{"pend-1", "run-0"}; !reflect.DeepEqual(killed, want) {
		t.Errorf("killed = %v, want %v", killed, want)
	}
	run := mustTask(t, h, "run-0")
	if run.Status != taskstate.Killing || run.LastEvent().Message != "Killed by user request" {
		t.Errorf("running task = %s %q, want KILLING with the default message", run.Status, run.LastEvent().Message)
	}
	if p, _ := h.store.Task("pend-1"); p != nil {
		t.Errorf("the pending task must be deleted, found %s", p.Status)
	}
	if a := mustTask(t, h, "asg-2"); a.Status != taskstate.Assigned {
		t.Errorf("instance 2 was not asked for but is %s", a.Status)
	}
	if _, _, kills, _ := h.mesos.snapshot(); !reflect.DeepEqual(kills, []string{"run-0"}) {
		t.Errorf("KILL sent for %v, want only the task on an agent", kills)
	}
	if j, _ := h.store.Job("www-data/prod/hello"); j == nil {
		t.Fatal("killing some instances must keep the job")
	}

	// Killing a KILLING task again is a no-op; nil instances kills the rest
	// and removes the job.
	killed, err = h.s.KillTasks(ctx, "www-data/prod/hello", nil, "bye")
	if err != nil {
		t.Fatalf("KillTasks(nil): %v", err)
	}
	if !reflect.DeepEqual(killed, []string{"asg-2"}) {
		t.Errorf("killed = %v, want [asg-2]", killed)
	}
	if a := mustTask(t, h, "asg-2"); a.Status != taskstate.Killing || a.LastEvent().Message != "bye" {
		t.Errorf("assigned task = %s %q, want KILLING with message bye", a.Status, a.LastEvent().Message)
	}
	if j, _ := h.store.Job("www-data/prod/hello"); j != nil {
		t.Error("killing every instance must remove the job")
	}
	if _, _, kills, _ := h.mesos.snapshot(); !reflect.DeepEqual(kills, []string{"run-0", "asg-2"}) {
		t.Errorf("KILL sent for %v, want run-0 then asg-2", kills)
	}
	if n := statusCounts(tasksOf(t, h, "www-data/prod/hello"))[taskstate.Pending]; n != 0 {
		t.Errorf("a user kill must not reschedule; %d PENDING tasks", n)
	}
}

func TestKillTasksOfAJobWithNothingActiveRemovesIt(t *testing.T) {
	h := newHarness(t, nil)
	putTask(t, h, testJob("done", 1, false), "fin-0", 0, taskstate.Finished, 0)
	killed, err := h.s.KillTasks(context.Background(), "www-data/prod/done", nil, "")
	if err != nil || len(killed) != 0 {
		t.Fatalf("KillTasks = %v, %v; want nothing killed and no error", killed, err)
	}
	if j, _ := h.store.Job("www-data/prod/done"); j != nil {
		t.Error("the job must be removed")
	}
}

func TestKillTasksUnknownJob(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.s.KillTasks(context.Background(), "www-data/prod/nope", nil, "")
	if !errors.Is(err, ErrNoSuchJob) {
		t.Fatalf("got %v, want ErrNoSuchJob", err)
	}
}

func TestKillTasksCommitFailureSendsNoKill(t *testing.T) {
	h := newHarness(t, nil)
	putTask(t, h, testJob("hello", 1, true), "run-0", 0, taskstate.Running, 0)
	h.log.setFail(errors.New("not the leader"))
	if _, err := h.s.KillTasks(context.Background(), "www-data/prod/hello", nil, ""); err == nil {
		t.Fatal("KillTasks must fail when the log does")
	}
	if _, _, kills, _ := h.mesos.snapshot(); len(kills) != 0 {
		t.Errorf("KILL sent for %v although nothing was committed", kills)
	}
	if st := mustTask(t, h, "run-0").Status; st != taskstate.Running {
		t.Errorf("task is %s, want RUNNING", st)
	}
}
