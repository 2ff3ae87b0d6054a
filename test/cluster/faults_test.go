package cluster

import (
	"context"
	"strings"
	"testing"

	"github.com/aurora-go/aurora/core/taskstate"
)

// Every fault test ends the same way: each instance has exactly one live
// task, RUNNING in the store, at the master, and in exactly one executor,
// and no executor runs anything else (harness.converged).

func TestConvergesThroughDroppedAndDuplicatedUpdatesAndAcks(t *testing.T) {
	h := startHarness(t, options{})
	h.cluster.DropStatusUpdates(4)
	h.cluster.DuplicateStatusUpdates(4)
	h.cluster.DropAcknowledgements(4)
	key := h.create(serviceJob("hello", 4))
	h.awaitConverged(map[string]int{key: 4})
	if n := len(h.allTasks(key)); n != 4 {
		t.Errorf("%d tasks in the store, want 4: nothing was lost or replaced", n)
	}
	// Each running task recorded STARTING and RUNNING once: duplicates
	// and resent updates are not new events.
	for _, task := range h.allTasks(key) {
		var seen []string
		for _, e := range task.Events {
			seen = append(seen, e.Status.String())
		}
		if got := strings.Join(seen, ","); got != "PENDING,ASSIGNED,STARTING,RUNNING" {
			t.Errorf("%s events = %s", task.ID, got)
		}
	}
}

func TestConvergesAfterTheSubscriptionIsCut(t *testing.T) {
	ctx := context.Background()
	h := startHarness(t, options{})
	key := h.create(serviceJob("hello", 3))
	h.awaitConverged(map[string]int{key: 3})
	fid := h.frameworkID()
	before := h.runningTasks(key)

	if err := h.cluster.CutSchedulerStream(ctx, fid); err != nil {
		t.Fatal(err)
	}
	// Work goes on while the stream is down: a restart needs kills and
	// launches that wait for the new subscription.
	if _, err := h.sched.RestartTasks(ctx, key, []int{0}, "restart during the cut"); err != nil {
		t.Fatal(err)
	}
	h.awaitConverged(map[string]int{key: 3})
	if got := h.frameworkID(); got != fid {
		t.Errorf("framework id = %s after re-subscription, want %s", got, fid)
	}
	after := h.runningTasks(key)
	if after[0] == before[0] {
		t.Errorf("instance 0 still runs %s, want a restarted task", before[0])
	}
	for i := 1; i < 3; i++ {
		if after[i] != before[i] {
			t.Errorf("instance %d: %s replaced by %s; only instance 0 was restarted", i, before[i], after[i])
		}
	}
}

func TestAgentLostTasksAreReplacedAndStraysKilledWhenItReturns(t *testing.T) {
	ctx := context.Background()
	h := startHarness(t, options{})
	key := h.create(serviceJob("hello", 3))
	h.awaitConverged(map[string]int{key: 3})
	victim := h.live(key)[0][0]

	// The agent's link breaks and stays down past the reregister timeout:
	// the master marks it unreachable, and its tasks are TASK_LOST
	// (REASON_AGENT_REMOVED) for a framework that is not PARTITION_AWARE.
	if err := h.cluster.DisconnectAgent(ctx, victim.AgentID); err != nil {
		t.Fatal(err)
	}
	h.await("replacement", func() error {
		task, _ := h.store.Task(victim.ID)
		if task.Status != taskstate.Lost {
			return errorf("%s is %s", victim.ID, task.Status)
		}
		for _, l := range h.live(key)[0] {
			if l.Status == taskstate.Running && l.AgentID != victim.AgentID {
				return nil
			}
		}
		return errorf("no RUNNING replacement for instance 0 yet: %s", describe(h.live(key)[0]))
	})
	lost, _ := h.store.Task(victim.ID)
	if msg := lost.LastEvent().Message; !strings.Contains(msg, "REASON_AGENT_REMOVED") {
		t.Errorf("LOST event message = %q, want the agent removal reason", msg)
	}
	// The agent comes back with the old executor still running: the
	// scheduler kills the task it gave up on.
	if err := h.cluster.ReconnectAgent(ctx, victim.AgentID); err != nil {
		t.Fatal(err)
	}
	h.awaitConverged(map[string]int{key: 3})
}
