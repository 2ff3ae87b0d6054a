package cluster

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/spec"
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

func TestPartitionAwareAgentLossFollowsEachJobsPolicy(t *testing.T) {
	ctx := context.Background()
	h := startHarness(t, options{agents: 2, partitionAware: true})
	wait := serviceJob("wait", 2)
	wait.PartitionPolicy = &spec.PartitionPolicy{Reschedule: false}
	resched := serviceJob("resched", 2)
	resched.PartitionPolicy = &spec.PartitionPolicy{Reschedule: true, Delay: spec.Duration(500 * time.Millisecond)}
	wkey, rkey := h.create(wait), h.create(resched)
	jobs := map[string]int{wkey: 2, rkey: 2}
	h.awaitConverged(jobs)
	// Spreading put one instance of each job on each agent.
	agent := h.live(wkey)[0][0].AgentID
	var waiting, given string
	for _, l := range h.live(wkey) {
		if l[0].AgentID == agent {
			waiting = l[0].ID
		}
	}
	for _, l := range h.live(rkey) {
		if l[0].AgentID == agent {
			given = l[0].ID
		}
	}
	if waiting == "" || given == "" {
		t.Fatalf("want a task of each job on %s", agent)
	}

	if err := h.cluster.DisconnectAgent(ctx, agent); err != nil {
		t.Fatal(err)
	}
	h.await("PARTITIONED then LOST", func() error {
		w, _ := h.store.Task(waiting)
		g, _ := h.store.Task(given)
		if w.Status != taskstate.Partitioned || g.Status != taskstate.Lost {
			return errorf("%s is %s (want PARTITIONED), %s is %s (want LOST)", waiting, w.Status, given, g.Status)
		}
		if !g.EverIn(taskstate.Partitioned) {
			return errorf("%s went LOST without PARTITIONED", given)
		}
		return nil
	})
	if err := h.cluster.ReconnectAgent(ctx, agent); err != nil {
		t.Fatal(err)
	}
	h.awaitConverged(jobs)
	if w, _ := h.store.Task(waiting); w.Status != taskstate.Running {
		t.Errorf("%s is %s, want RUNNING again after the partition healed", waiting, w.Status)
	}
	if n := len(h.allTasks(wkey)); n != 2 {
		t.Errorf("%s has %d tasks, want 2: a partition with reschedule=false replaces nothing", wkey, n)
	}
	if n := len(h.allTasks(rkey)); n != 3 {
		t.Errorf("%s has %d tasks, want 3: one replacement", rkey, n)
	}
}

func TestMasterFailoverResubscribesWithTheFrameworkID(t *testing.T) {
	ctx := context.Background()
	h := startHarness(t, options{})
	key := h.create(serviceJob("hello", 3))
	h.awaitConverged(map[string]int{key: 3})
	fid := h.frameworkID()
	st, err := h.cluster.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	oldMaster := st.MasterID
	before := h.runningTasks(key)

	if err := h.cluster.FailoverMaster(ctx); err != nil {
		t.Fatal(err)
	}
	h.awaitConverged(map[string]int{key: 3})
	st, err = h.cluster.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.MasterID == oldMaster {
		t.Fatalf("master id %s did not change", oldMaster)
	}
	if got := h.frameworkID(); got != fid {
		t.Errorf("framework id = %s after failover, want %s", got, fid)
	}
	if after := h.runningTasks(key); !reflect.DeepEqual(after, before) {
		t.Errorf("running tasks changed over the failover: %v, want %v", after, before)
	}
	// The new master takes launches and kills as the old one did.
	if _, err := h.sched.RestartTasks(ctx, key, []int{1}, ""); err != nil {
		t.Fatal(err)
	}
	h.await("restart", func() error {
		if h.runningTasks(key)[1] == before[1] {
			return errorf("instance 1 still runs %s", before[1])
		}
		return h.converged(map[string]int{key: 3})
	})
}
