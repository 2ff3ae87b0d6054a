package scheduling

import (
	"context"
	"errors"
	"reflect"
	"testing"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

func TestStartingAndRunningAreCommittedThenAcked(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	putTask(t, h, testJob("hello", 1, true), "t-0", 0, taskstate.Assigned, 0)

	steps := []struct {
		state mesos.TaskState
		uuid  string
		want  taskstate.Status
		acks  []ackCall
	}{
		{mesos.TASK_STARTING, "u1", taskstate.Starting,
			[]ackCall{{"agent-1", "t-0", "u1", taskstate.Starting}}},
		{mesos.TASK_RUNNING, "u2", taskstate.Running,
			[]ackCall{{"agent-1", "t-0", "u1", taskstate.Starting}, {"agent-1", "t-0", "u2", taskstate.Running}}},
		// A master-generated update (no uuid) is applied but never acked.
		{mesos.TASK_RUNNING, "", taskstate.Running,
			[]ackCall{{"agent-1", "t-0", "u1", taskstate.Starting}, {"agent-1", "t-0", "u2", taskstate.Running}}},
		// A duplicate is acked again so the agent stops resending it.
		{mesos.TASK_RUNNING, "u2", taskstate.Running,
			[]ackCall{{"agent-1", "t-0", "u1", taskstate.Starting}, {"agent-1", "t-0", "u2", taskstate.Running}, {"agent-1", "t-0", "u2", taskstate.Running}}},
	}
	for i, step := range steps {
		h.s.handleUpdate(ctx, update("t-0", step.state, step.uuid))
		task := mustTask(t, h, "t-0")
		if task.Status != step.want {
			t.Fatalf("step %d: task is %s, want %s", i, task.Status, step.want)
		}
		if _, _, _, acks := h.mesos.snapshot(); !reflect.DeepEqual(acks, step.acks) {
			t.Fatalf("step %d: acks = %+v, want %+v", i, acks, step.acks)
		}
	}
	task := mustTask(t, h, "t-0")
	var events []taskstate.Status
	for _, e := range task.Events {
		events = append(events, e.Status)
	}
	if want := []taskstate.Status{taskstate.Assigned, taskstate.Starting, taskstate.Running}; !reflect.DeepEqual(events, want) {
		t.Errorf("events = %v, want %v (duplicates are not recorded)", events, want)
	}
}

func TestUpdateNotAckedWhenTheCommitFails(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	putTask(t, h, testJob("hello", 1, true), "t-0", 0, taskstate.Assigned, 0)
	h.log.setFail(errors.New("no quorum"))
	h.s.handleUpdate(ctx, update("t-0", mesos.TASK_RUNNING, "u1"))
	if st := mustTask(t, h, "t-0").Status; st != taskstate.Assigned {
		t.Errorf("task is %s, want ASSIGNED", st)
	}
	if _, _, _, acks := h.mesos.snapshot(); len(acks) != 0 {
		t.Fatalf("acked %+v although nothing was committed; Mesos would never resend it", acks)
	}
	// Mesos resends; once the log works the update lands and is acked.
	h.log.setFail(nil)
	h.s.handleUpdate(ctx, update("t-0", mesos.TASK_RUNNING, "u1"))
	if _, _, _, acks := h.mesos.snapshot(); len(acks) != 1 || acks[0].statusInStore != taskstate.Running {
		t.Fatalf("acks = %+v, want one after the commit", acks)
	}
}

func TestTerminalUpdatesAndRescheduling(t *testing.T) {
	tests := []struct {
		name            string
		service         bool
		maxTaskFailures int
		failures        int // the task's failure count before the update
		state           mesos.TaskState
		wantStatus      taskstate.Status
		wantFailures    int
		wantReschedule  bool
	}{
		{"service FAILED reschedules", true, 1, 0, mesos.TASK_FAILED, taskstate.Failed, 1, true},
		{"service FAILED reschedules past max_task_failures", true, 1, 5, mesos.TASK_FAILED, taskstate.Failed, 6, true},
		{"batch FAILED with max_task_failures 1 stops", false, 1, 0, mesos.TASK_FAILED, taskstate.Failed, 1, false},
		{"batch FAILED with failures left reschedules", false, 3, 1, mesos.TASK_FAILED, taskstate.Failed, 2, true},
		{"batch FAILED on its last failure stops", false, 3, 2, mesos.TASK_FAILED, taskstate.Failed, 3, false},
		{"batch FAILED with unlimited failures reschedules", false, -1, 7, mesos.TASK_FAILED, taskstate.Failed, 8, true},
		{"service FINISHED reschedules", true, 1, 0, mesos.TASK_FINISHED, taskstate.Finished, 0, true},
		{"batch FINISHED is done", false, 1, 0, mesos.TASK_FINISHED, taskstate.Finished, 0, false},
		{"batch LOST reschedules", false, 1, 0, mesos.TASK_LOST, taskstate.Lost, 0, true},
		{"batch KILLED without a kill request reschedules", false, 1, 0, mesos.TASK_KILLED, taskstate.Killed, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			h := newHarness(t, nil)
			job := testJob("hello", 1, tt.service)
			job.MaxTaskFailures = tt.maxTaskFailures
			putTask(t, h, job, "t-0", 0, taskstate.Running, tt.failures)

			h.s.handleUpdate(ctx, update("t-0", tt.state, "u1"))

			old := mustTask(t, h, "t-0")
			if old.Status != tt.wantStatus || old.FailureCount != tt.wantFailures {
				t.Errorf("task = %s failures=%d, want %s failures=%d", old.Status, old.FailureCount, tt.wantStatus, tt.wantFailures)
			}
			tasks := tasksOf(t, h, "www-data/prod/hello")
			var repl *state.Task
			for _, task := range tasks {
				if task.ID != "t-0" {
					repl = task
				}
			}
			if !tt.wantReschedule {
				if len(tasks) != 1 {
					t.Errorf("want no replacement, got:%s", fmtTasks(tasks))
				}
				return
			}
			if len(tasks) != 2 || repl == nil {
				t.Fatalf("want one replacement, got:%s", fmtTasks(tasks))
			}
			if repl.Status != taskstate.Pending || repl.Instance != 0 || repl.AncestorID != "t-0" ||
				repl.FailureCount != tt.wantFailures || repl.Config == nil || repl.AgentID != "" {
				t.Errorf("replacement = %+v, want PENDING instance 0 with ancestor t-0 and %d failures", repl, tt.wantFailures)
			}
			if _, _, _, acks := h.mesos.snapshot(); len(acks) != 1 {
				t.Errorf("acks = %+v, want 1", acks)
			}
		})
	}
}

func TestNoSecondReplacementForAnInstance(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	job := testJob("hello", 1, true)
	putTask(t, h, job, "t-0", 0, taskstate.Running, 0)
	putTask(t, h, job, "t-0-next", 0, taskstate.Pending, 0)
	h.s.handleUpdate(ctx, update("t-0", mesos.TASK_FAILED, "u1"))
	if c := statusCounts(tasksOf(t, h, "www-data/prod/hello")); c[taskstate.Pending] != 1 || c[taskstate.Failed] != 1 {
		t.Errorf("statuses = %v, want the existing PENDING task only", c)
	}
}

func TestUpdatesForUnknownTasks(t *testing.T) {
	tests := []struct {
		state    mesos.TaskState
		wantKill bool
	}{
		{mesos.TASK_RUNNING, true},
		{mesos.TASK_STARTING, true},
		{mesos.TASK_STAGING, true},
		{mesos.TASK_FINISHED, false},
		{mesos.TASK_LOST, false},
	}
	for _, tt := range tests {
		t.Run(tt.state.String(), func(t *testing.T) {
			h := newHarness(t, nil)
			h.s.handleUpdate(context.Background(), update("stray", tt.state, "u1"))
			_, _, kills, acks := h.mesos.snapshot()
			if got := reflect.DeepEqual(kills, []string{"stray"}); got != tt.wantKill {
				t.Errorf("kills = %v, want kill=%v", kills, tt.wantKill)
			}
			if len(acks) != 1 {
				t.Errorf("acks = %+v, want the update acked", acks)
			}
			if all, _ := h.store.AllTasks(); len(all) != 0 {
				t.Errorf("an unknown task was stored: %s", fmtTasks(all))
			}
		})
	}
}

func TestIllegalUpdateIsAckedAndIgnored(t *testing.T) {
	h := newHarness(t, nil)
	putTask(t, h, testJob("hello", 1, false), "t-0", 0, taskstate.Finished, 0)
	h.s.handleUpdate(context.Background(), update("t-0", mesos.TASK_FAILED, "u1"))
	if st := mustTask(t, h, "t-0").Status; st != taskstate.Finished {
		t.Errorf("task is %s, want FINISHED", st)
	}
	if _, _, _, acks := h.mesos.snapshot(); len(acks) != 1 {
		t.Errorf("acks = %+v, want the update acked so Mesos stops resending", acks)
	}
}

func TestPartitionedTaskKilledByUserGoesLost(t *testing.T) {
	h := newHarness(t, nil)
	job := testJob("hello", 1, true)
	job.PartitionPolicy = &spec.PartitionPolicy{Reschedule: false}
	putTask(t, h, job, "t-0", 0, taskstate.Running, 0)
	h.s.handleUpdate(context.Background(), update("t-0", mesos.TASK_UNREACHABLE, ""))
	if st := mustTask(t, h, "t-0").Status; st != taskstate.Partitioned {
		t.Fatalf("task is %s, want PARTITIONED", st)
	}
	if _, err := h.s.KillTasks(context.Background(), "www-data/prod/hello", []int{0}, ""); err != nil {
		t.Fatal(err)
	}
	task := mustTask(t, h, "t-0")
	if task.Status != taskstate.Lost || !task.EverIn(taskstate.Killing) {
		t.Errorf("task = %s, want LOST via KILLING (no waiting for the partition to heal)", task.Status)
	}
	if c := statusCounts(tasksOf(t, h, "www-data/prod/hello")); c[taskstate.Pending] != 0 {
		t.Errorf("a user kill must not reschedule: %v", c)
	}
}

func TestSandboxFromStatusData(t *testing.T) {
	h := newHarness(t, nil)
	putTask(t, h, testJob("hello", 1, true), "t-0", 0, taskstate.Assigned, 0)
	st := update("t-0", mesos.TASK_RUNNING, "u1")
	st.Data = []byte(`{"sandbox":"/var/lib/mesos/sandbox"}`)
	h.s.handleUpdate(context.Background(), st)
	if task := mustTask(t, h, "t-0"); task.Status != taskstate.Running || task.Sandbox != "/var/lib/mesos/sandbox" {
		t.Errorf("task = %s sandbox %q, want RUNNING with the sandbox from the status data", task.Status, task.Sandbox)
	}
}

// Updates queued together are committed as one log entry; a task updated
// twice in the batch ends in its second state, and a failure in the batch
// reschedules against the batch's own view of the job.
func TestUpdatesAreGroupCommitted(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	job := testJob("web", 2, true)
	putTask(t, h, job, "t-0", 0, taskstate.Assigned, 0)
	putTask(t, h, job, "t-1", 1, taskstate.Running, 0)
	before := h.log.n

	h.s.handleUpdates(ctx, []mesos.TaskStatus{
		update("t-0", mesos.TASK_STARTING, "a"),
		update("t-0", mesos.TASK_RUNNING, "b"),
		update("t-1", mesos.TASK_FAILED, "c"),
		update("t-1", mesos.TASK_FAILED, "c"), // a duplicate delivery
	})

	if n := h.log.n - before; n != 1 {
		t.Fatalf("the batch took %d log entries, want 1", n)
	}
	if st := mustTask(t, h, "t-0").Status; st != taskstate.Running {
		t.Fatalf("t-0 is %s, want RUNNING", st)
	}
	counts := statusCounts(tasksOf(t, h, job.Key.String()))
	if counts[taskstate.Failed] != 1 || counts[taskstate.Pending] != 1 {
		t.Fatalf("after t-1 failed: %v, want one FAILED and exactly one replacement PENDING", counts)
	}
	_, _, _, acks := h.mesos.snapshot()
	if len(acks) != 4 {
		t.Fatalf("%d acknowledgements, want 4 (every update carried a uuid)", len(acks))
	}
	for _, a := range acks {
		if a.taskID == "t-0" && a.statusInStore != taskstate.Running {
			t.Fatalf("an ACK for t-0 went out before the batch was committed (store had %s)", a.statusInStore)
		}
	}
}
