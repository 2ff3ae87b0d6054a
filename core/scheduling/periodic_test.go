package scheduling

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// runFor moves a task through RUNNING for d and then ends it with a
// failure, returning the replacement the scheduler created.
func failAfter(t *testing.T, h *harness, id string, d time.Duration) *state.Task {
	t.Helper()
	ctx := context.Background()
	h.s.handleUpdate(ctx, update(id, mesos.TASK_RUNNING, id+"-run"))
	h.advance(d)
	h.s.handleUpdate(ctx, update(id, mesos.TASK_FAILED, id+"-fail"))
	for _, task := range tasksOf(t, h, "www-data/prod/flappy") {
		if task.AncestorID == id {
			return task
		}
	}
	t.Fatalf("no replacement for %s", id)
	return nil
}

// A flapping service is throttled with growing delays (Aurora 3.3): 30s,
// 60s, 120s, 240s, then the 5 min cap; a task that ran long resets it.
func TestFlappingServiceIsThrottledWithGrowingDelays(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	job := testJob("flappy", 1, true)
	putTask(t, h, job, "t-0", 0, taskstate.Starting, 0)
	id := "t-0"
	for i, want := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute} {
		repl := failAfter(t, h, id, 10*time.Second)
		if repl.Status != taskstate.Throttled || repl.PenaltyUntil.Sub(h.now()) != want {
			t.Fatalf("failure %d: replacement %s penalized until +%s, want THROTTLED for %s", i+1, repl.Status, repl.PenaltyUntil.Sub(h.now()), want)
		}
		if msg := repl.LastEvent().Message; !strings.Contains(msg, want.String()) {
			t.Fatalf("failure %d: event %q does not name the penalty", i+1, msg)
		}
		// Still throttled just before the penalty ends, pending after.
		h.advance(want - time.Second)
		h.s.unthrottle(ctx)
		if st := mustTask(t, h, repl.ID).Status; st != taskstate.Throttled {
			t.Fatalf("failure %d: %s before the penalty ended", i+1, st)
		}
		h.advance(time.Second)
		h.s.unthrottle(ctx)
		if st := mustTask(t, h, repl.ID).Status; st != taskstate.Pending {
			t.Fatalf("failure %d: %s after the penalty ended, want PENDING", i+1, st)
		}
		// Pretend it was placed, so the next failure comes from RUNNING.
		cur := mustTask(t, h, repl.ID).Copy()
		cur.Status, cur.AgentID = taskstate.Assigned, "agent-1"
		cur.Events = append(cur.Events, state.Event{Time: h.now(), Status: taskstate.Assigned})
		if err := h.store.Apply(state.SaveTasks{Tasks: []*state.Task{cur}}); err != nil {
			t.Fatal(err)
		}
		id = repl.ID
	}
	// Running longer than the threshold is not flapping: no penalty.
	if repl := failAfter(t, h, id, 6*time.Minute); repl.Status != taskstate.Pending {
		t.Fatalf("after a long run the replacement is %s, want PENDING", repl.Status)
	}
}

func TestInterruptedTasksDoNotFlap(t *testing.T) {
	h := newHarness(t, nil)
	task := &state.Task{Status: taskstate.Killed, Events: []state.Event{
		{Time: h.now(), Status: taskstate.Running},
		{Time: h.now(), Status: taskstate.Restarting},
		{Time: h.now(), Status: taskstate.Killed},
	}}
	if h.s.flapped(task) {
		t.Fatal("a task that was restarting counts as flapping")
	}
	task.Events[1].Status = taskstate.Running
	if !h.s.flapped(task) {
		t.Fatal("a task that died at once is not flapping")
	}
}

func TestTasksStuckInTransientStatesAreLost(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	job := testJob("stuck", 3, true)
	putTask(t, h, job, "assigned", 0, taskstate.Assigned, 0)
	putTask(t, h, job, "starting", 1, taskstate.Starting, 0)
	putTask(t, h, job, "killing", 2, taskstate.Killing, 0)
	h.advance(-56 * time.Minute) // the tasks entered their states 4 minutes ago
	h.s.timeOutTransient(ctx)
	if st := mustTask(t, h, "assigned").Status; st != taskstate.Assigned {
		t.Fatalf("timed out after 4 minutes: %s", st)
	}
	h.advance(2 * time.Minute)
	h.s.timeOutTransient(ctx)
	for id, want := range map[string]taskstate.Status{"assigned": taskstate.Lost, "starting": taskstate.Starting, "killing": taskstate.Lost} {
		if st := mustTask(t, h, id).Status; st != want {
			t.Errorf("%s after 6 minutes is %s, want %s", id, st, want)
		}
	}
	_, _, kills, _ := h.mesos.snapshot()
	if fmt.Sprint(kills) != "[assigned]" {
		t.Errorf("kills = %v, want the timed-out ASSIGNED task killed", kills)
	}
	if c := statusCounts(tasksOf(t, h, job.Key.String())); c[taskstate.Pending]+c[taskstate.Throttled] != 1 {
		t.Errorf("statuses = %v, want one replacement (for the ASSIGNED task; KILLING is not rescheduled)", c)
	}
}

func TestHistoryPruning(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	h.s.cfg.PruneKeepPerJob = 2
	job := testJob("old", 1, true)
	putTask(t, h, job, "live", 0, taskstate.Running, 0)
	for i := 0; i < 4; i++ {
		// Finished just now, a minute apart.
		done := &state.Task{ID: fmt.Sprintf("done-%d", i), JobKey: job.Key.String(), Status: taskstate.Finished, Config: job,
			Events: []state.Event{{Time: h.now(), Status: taskstate.Finished}}}
		if err := h.store.Apply(state.SaveTasks{Tasks: []*state.Task{done}}); err != nil {
			t.Fatal(err)
		}
		h.advance(time.Minute)
	}
	h.s.pruneHistory(ctx) // every terminal task ended within the min retention
	if n := len(tasksOf(t, h, job.Key.String())); n != 5 {
		t.Fatalf("pruned within the minimum retention: %d tasks left", n)
	}
	h.advance(2 * time.Hour)
	h.s.pruneHistory(ctx)
	var left []string
	for _, task := range tasksOf(t, h, job.Key.String()) {
		left = append(left, task.ID)
	}
	if strings.Join(left, ",") != "done-2,done-3,live" {
		t.Fatalf("after pruning: %v, want the newest 2 terminal tasks and the live one", left)
	}
	h.advance(49 * time.Hour)
	h.s.pruneHistory(ctx)
	if n := len(tasksOf(t, h, job.Key.String())); n != 1 {
		t.Fatalf("terminal tasks older than 2 days were kept: %d tasks left", n)
	}
}

func TestReconciliationSchedule(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	putTask(t, h, testJob("web", 1, true), "t-0", 0, taskstate.Running, 0)
	reconciles := func() int {
		h.mesos.mu.Lock()
		defer h.mesos.mu.Unlock()
		return len(h.mesos.reconciles)
	}
	h.s.reconcileOnSchedule(ctx)
	if n := reconciles(); n != 0 {
		t.Fatalf("reconciled before the initial delay: %d", n)
	}
	h.advance(time.Minute)
	h.s.reconcileOnSchedule(ctx)
	if n := reconciles(); n != 1 {
		t.Fatalf("after 1 min: %d reconciliations, want the explicit one", n)
	}
	h.advance(30 * time.Minute)
	h.s.reconcileOnSchedule(ctx)
	if n := reconciles(); n != 2 {
		t.Fatalf("after 31 min: %d reconciliations, want explicit and implicit", n)
	}
	h.advance(30 * time.Minute)
	h.s.reconcileOnSchedule(ctx)
	if n := reconciles(); n != 3 {
		t.Fatalf("after 61 min: %d reconciliations, want the second explicit", n)
	}
}
