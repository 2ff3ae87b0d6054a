package scheduling

import (
	"context"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/taskstate"
)

func partitionJob(p *spec.PartitionPolicy) *spec.Job {
	job := testJob("hello", 1, true)
	job.PartitionPolicy = p
	return job
}

func TestPartitionPolicyDelayThenLostAndReplaced(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	putTask(t, h, partitionJob(&spec.PartitionPolicy{Reschedule: true, Delay: spec.Duration(time.Minute)}), "t-0", 0, taskstate.Running, 0)

	h.s.handleUpdate(ctx, update("t-0", mesos.TASK_UNREACHABLE, ""))
	if st := mustTask(t, h, "t-0").Status; st != taskstate.Partitioned {
		t.Fatalf("task is %s, want PARTITIONED", st)
	}
	h.advance(30 * time.Second)
	h.s.expirePartitions(ctx)
	if st := mustTask(t, h, "t-0").Status; st != taskstate.Partitioned {
		t.Fatalf("task is %s before the delay, want PARTITIONED", st)
	}
	h.advance(31 * time.Second)
	h.s.expirePartitions(ctx)
	if st := mustTask(t, h, "t-0").Status; st != taskstate.Lost {
		t.Fatalf("task is %s after the delay, want LOST", st)
	}
	c := statusCounts(tasksOf(t, h, "www-data/prod/hello"))
	// The replacement waits THROTTLED: the task had run only a minute.
	if c[taskstate.Pending]+c[taskstate.Throttled] != 1 || c[taskstate.Lost] != 1 {
		t.Errorf("tasks = %v, want the LOST one and one PENDING replacement", c)
	}
	if _, _, kills, _ := h.mesos.snapshot(); len(kills) != 1 || kills[0] != "t-0" {
		t.Errorf("kills = %v, want t-0 killed in case its agent comes back", kills)
	}
	// It comes back: it is killed again, and the instance keeps one task.
	h.s.handleUpdate(ctx, update("t-0", mesos.TASK_RUNNING, "u1"))
	if _, _, kills, _ := h.mesos.snapshot(); len(kills) != 2 {
		t.Errorf("kills = %v, want t-0 killed when reported RUNNING after LOST", kills)
	}
	if st := mustTask(t, h, "t-0").Status; st != taskstate.Lost {
		t.Errorf("task is %s, want still LOST", st)
	}
}

func TestPartitionPolicyWithoutDelayGivesUpAtOnce(t *testing.T) {
	h := newHarness(t, nil)
	putTask(t, h, partitionJob(spec.NewPartitionPolicy()), "t-0", 0, taskstate.Running, 0)
	h.s.handleUpdate(context.Background(), update("t-0", mesos.TASK_UNKNOWN, ""))
	task := mustTask(t, h, "t-0")
	if task.Status != taskstate.Lost || !task.EverIn(taskstate.Partitioned) {
		t.Fatalf("task is %s, want LOST by way of PARTITIONED", task.Status)
	}
	if c := statusCounts(tasksOf(t, h, "www-data/prod/hello")); c[taskstate.Pending]+c[taskstate.Throttled] != 1 {
		t.Errorf("tasks = %v, want a replacement", c)
	}
}

func TestPartitionedTaskComingBackIsAccepted(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	putTask(t, h, partitionJob(&spec.PartitionPolicy{Reschedule: false}), "t-0", 0, taskstate.Running, 0)
	h.s.handleUpdate(ctx, update("t-0", mesos.TASK_UNREACHABLE, ""))
	h.advance(time.Hour)
	h.s.expirePartitions(ctx)
	if st := mustTask(t, h, "t-0").Status; st != taskstate.Partitioned {
		t.Fatalf("task is %s, want PARTITIONED (reschedule=false waits)", st)
	}
	h.s.handleUpdate(ctx, update("t-0", mesos.TASK_RUNNING, "u1"))
	if st := mustTask(t, h, "t-0").Status; st != taskstate.Running {
		t.Errorf("task is %s, want RUNNING again", st)
	}
	if c := statusCounts(tasksOf(t, h, "www-data/prod/hello")); c[taskstate.Pending] != 0 || len(c) != 1 {
		t.Errorf("tasks = %v, want the one task only", c)
	}
	if _, _, kills, _ := h.mesos.snapshot(); len(kills) != 0 {
		t.Errorf("kills = %v, want none", kills)
	}
}
