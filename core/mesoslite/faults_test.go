package mesoslite

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
)

func TestAgentLossAndReturn(t *testing.T) {
	for _, pa := range []bool{true, false} {
		name := "not-partition-aware"
		if pa {
			name = "partition-aware"
		}
		t.Run(name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.AgentPingTimeout = 100 * time.Millisecond
			cfg.MaxAgentPingTimeouts = 3
			c := startCluster(t, cfg)
			s := subscribe(t, c, bothCodecs[0], frameworkInfo(true, pa))
			o := s.awaitOffer()
			agentID := o.AgentID.Value
			s.mustCall(launch(o, testTask("task-1", o, testExecutor(t, "exec-1", s.codec, ""))))
			s.ack(s.awaitUpdate("task-1", mesos.TASK_STARTING))
			s.ack(s.awaitUpdate("task-1", mesos.TASK_RUNNING))
			rest := s.awaitOffer() // what the task left of the agent, outstanding
			pid, _ := executorPID(t, c, "exec-1")

			ctx := context.Background()
			if err := c.DisconnectAgent(ctx, agentID); err != nil {
				t.Fatal(err)
			}
			want := mesos.TASK_LOST
			if pa {
				want = mesos.TASK_UNREACHABLE
			}
			lost := s.awaitUpdate("task-1", want)
			checkMasterGenerated(t, lost, mesos.REASON_AGENT_REMOVED)
			if lost.UnreachableTime == nil || lost.GetAgentID().GetValue() != agentID || lost.GetExecutorID().GetValue() != "exec-1" {
				t.Errorf("%s: unreachable_time %v agent %v executor %v", want, lost.UnreachableTime, lost.AgentID, lost.ExecutorID)
			}
			s.await("RESCIND of the agent's offer", func(e *scheduler.Event) bool {
				return e.Type == scheduler.Event_RESCIND && e.Rescind.OfferID == rest.ID
			})
			failure := s.await("FAILURE", isType(scheduler.Event_FAILURE)).Failure
			if failure.GetAgentID().GetValue() != agentID || failure.ExecutorID != nil || failure.Status != nil {
				t.Errorf("FAILURE = %v, want agent_id %s only", failure, agentID)
			}
			if !alive(pid) {
				t.Errorf("the executor of an unreachable agent was killed")
			}
			s.mustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{"task-1": agentID})))
			rec := s.awaitUpdate("task-1", want)
			checkReconciliation(t, rec)
			if rec.UnreachableTime == nil {
				t.Errorf("reconciliation of an unreachable task has no unreachable_time")
			}
			waitAgentStatus(t, c, agentID, "unreachable")

			// It comes back with its task, which the master reports again.
			if err := c.ReconnectAgent(ctx, agentID); err != nil {
				t.Fatal(err)
			}
			waitAgentStatus(t, c, agentID, "registered")
			s.mustCall(calls.Reconcile())
			checkReconciliation(t, s.awaitUpdate("task-1", mesos.TASK_RUNNING))
			s.mustCall(calls.Kill("task-1", ""))
			s.ack(s.awaitUpdate("task-1", mesos.TASK_KILLED))
			waitFor(t, "the executor to exit", func() bool { return !alive(pid) })
		})
	}
}

func TestStatusUpdateFaults(t *testing.T) {
	cfg := testConfig(t)
	cfg.StatusUpdateRetry = 300 * time.Millisecond
	c := startCluster(t, cfg)
	s := subscribe(t, c, bothCodecs[0], testFrameworkInfo())
	o := s.awaitOffer()

	c.DropStatusUpdates(1)
	launched := time.Now()
	s.mustCall(launch(o, testTask("task-1", o, testExecutor(t, "exec-1", s.codec, ""))))
	starting := s.awaitUpdate("task-1", mesos.TASK_STARTING)
	if d := time.Since(launched); d < 250*time.Millisecond {
		t.Errorf("first STARTING after %v: it was not dropped and resent", d)
	}

	c.DuplicateStatusUpdates(1)
	s.ack(starting)
	running := s.awaitUpdate("task-1", mesos.TASK_RUNNING)
	dup := s.awaitUpdate("task-1", mesos.TASK_RUNNING)
	if !bytes.Equal(dup.UUID, running.UUID) {
		t.Errorf("duplicate has uuid %x, want %x", dup.UUID, running.UUID)
	}

	c.DropAcknowledgements(1)
	s.ack(running)
	again := s.awaitUpdate("task-1", mesos.TASK_RUNNING)
	if !bytes.Equal(again.UUID, running.UUID) {
		t.Errorf("resent RUNNING has uuid %x, want %x", again.UUID, running.UUID)
	}
	s.ack(again)
	s.ack(dup) // a duplicate ACK is still accepted (202)
	s.expectNone("RUNNING after its acknowledgement", 800*time.Millisecond, isUpdate("task-1", mesos.TASK_RUNNING))
}

func TestCutSchedulerStream(t *testing.T) {
	cfg := testConfig(t)
	cfg.StatusUpdateRetry = time.Minute // only the re-subscription may resend
	c := startCluster(t, cfg)
	fi := frameworkInfo(true, false)
	s := subscribe(t, c, bothCodecs[1], fi)
	o := s.awaitOffer()
	s.mustCall(launch(o, testTask("task-1", o, testExecutor(t, "exec-1", s.codec, ""))))
	starting := s.awaitUpdate("task-1", mesos.TASK_STARTING)

	if err := c.CutSchedulerStream(context.Background(), s.fwID); err != nil {
		t.Fatal(err)
	}
	s.awaitEnd()
	st, _ := c.State(context.Background())
	if st.Frameworks[0].Connected {
		t.Errorf("framework still connected after its stream was cut")
	}
	if err := c.CutSchedulerStream(context.Background(), s.fwID); err == nil {
		t.Errorf("cutting the stream of a disconnected framework succeeded")
	}

	fi.ID = &mesos.FrameworkID{Value: s.fwID}
	s2 := subscribe(t, c, bothCodecs[1], fi)
	again := s2.awaitUpdate("task-1", mesos.TASK_STARTING)
	if !bytes.Equal(again.UUID, starting.UUID) {
		t.Errorf("resent uuid %x, want %x", again.UUID, starting.UUID)
	}
	s2.ack(again)
	s2.ack(s2.awaitUpdate("task-1", mesos.TASK_RUNNING))
}

func TestMasterFailoverWaitsForRecoveringAgents(t *testing.T) {
	cfg := testConfig(t)
	cfg.Agents = append(cfg.Agents, AgentConfig{Hostname: "agent-2", CPUs: 4, MemMB: 4096, DiskMB: 10240})
	c := startCluster(t, cfg)
	fi := frameworkInfo(true, true)
	s := subscribe(t, c, bothCodecs[0], fi)
	agents := launchOnEveryAgent(t, s, 2)
	a1, a2 := agents["agent-1"], agents["agent-2"]
	before, _ := c.State(context.Background())

	ctx := context.Background()
	if err := c.DisconnectAgent(ctx, a2); err != nil {
		t.Fatal(err)
	}
	if err := c.FailoverMaster(ctx); err != nil {
		t.Fatal(err)
	}
	s.awaitEnd()
	after, err := c.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.MasterID == before.MasterID || after.MasterURL != before.MasterURL {
		t.Errorf("master %s at %s after failover, was %s at %s; want a new id at the same URL",
			after.MasterID, after.MasterURL, before.MasterID, before.MasterURL)
	}
	waitAgentStatus(t, c, a1, "registered")
	waitAgentStatus(t, c, a2, "recovering")

	fi.ID = &mesos.FrameworkID{Value: s.fwID}
	s2 := subscribe(t, c, bothCodecs[0], fi)
	if got := s2.backlog[0].Subscribed.MasterInfo.GetID(); got != after.MasterID {
		t.Errorf("SUBSCRIBED from master %s, want %s", got, after.MasterID)
	}
	o := s2.awaitOffer()
	if !strings.HasPrefix(o.ID.Value, after.MasterID+"-O") || o.AgentID.Value != a1 {
		t.Errorf("offer %s for %s, want one of the new master for %s", o.ID.Value, o.AgentID.Value, a1)
	}
	s2.mustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{"task-agent-1": a1})))
	checkReconciliation(t, s2.awaitUpdate("task-agent-1", mesos.TASK_RUNNING))
	// No answer for tasks that may be on an agent that has not re-registered.
	s2.mustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{"task-agent-2": a2})))
	s2.mustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{"no-such-task": ""})))
	s2.expectNone("reconciliation answers while agent-2 recovers", 500*time.Millisecond, isType(scheduler.Event_UPDATE))

	if err := c.ReconnectAgent(ctx, a2); err != nil {
		t.Fatal(err)
	}
	waitAgentStatus(t, c, a2, "registered")
	s2.mustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{"task-agent-2": a2, "no-such-task": ""})))
	checkReconciliation(t, s2.awaitUpdate("task-agent-2", mesos.TASK_RUNNING))
	checkReconciliation(t, s2.awaitUpdate("no-such-task", mesos.TASK_UNKNOWN))
}

func TestRecoveredAgentThatNeverReturnsIsUnreachable(t *testing.T) {
	cfg := testConfig(t)
	cfg.AgentReregisterTimeout = 300 * time.Millisecond
	c := startCluster(t, cfg)
	fi := frameworkInfo(true, true)
	s := subscribe(t, c, bothCodecs[0], fi)
	agentID := launchOnEveryAgent(t, s, 1)["agent-1"]
	ctx := context.Background()
	if err := c.DisconnectAgent(ctx, agentID); err != nil {
		t.Fatal(err)
	}
	if err := c.FailoverMaster(ctx); err != nil {
		t.Fatal(err)
	}
	s.awaitEnd()
	fi.ID = &mesos.FrameworkID{Value: s.fwID}
	s2 := subscribe(t, c, bothCodecs[0], fi)
	waitAgentStatus(t, c, agentID, "unreachable")
	s2.mustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{"task-agent-1": agentID})))
	rec := s2.awaitUpdate("task-agent-1", mesos.TASK_UNREACHABLE)
	checkReconciliation(t, rec)
	if rec.UnreachableTime == nil {
		t.Errorf("no unreachable_time")
	}
}

func TestMarkAgentGone(t *testing.T) {
	c := startCluster(t, testConfig(t))
	s := subscribe(t, c, bothCodecs[0], frameworkInfo(true, true))
	agentID := launchOnEveryAgent(t, s, 1)["agent-1"]
	pid, _ := executorPID(t, c, "exec-agent-1")
	if err := c.MarkAgentGone(context.Background(), agentID); err != nil {
		t.Fatal(err)
	}
	gone := s.awaitUpdate("task-agent-1", mesos.TASK_GONE_BY_OPERATOR)
	checkMasterGenerated(t, gone, mesos.REASON_AGENT_REMOVED_BY_OPERATOR)
	s.await("FAILURE", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_FAILURE && e.Failure.GetAgentID().GetValue() == agentID
	})
	waitFor(t, "the gone agent's executor to be shut down", func() bool { return !alive(pid) })
	s.mustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{"task-agent-1": agentID})))
	checkReconciliation(t, s.awaitUpdate("task-agent-1", mesos.TASK_GONE_BY_OPERATOR))
	s.backlog = nil // offers made before, since rescinded
	if err := c.ReconnectAgent(context.Background(), agentID); err != nil {
		t.Fatal(err)
	}
	s.expectNone("offers from a gone agent", 300*time.Millisecond, isType(scheduler.Event_OFFERS))
	waitAgentStatus(t, c, agentID, "gone")
}

func TestLaunchLostInAPartitionIsDroppedByTheAgent(t *testing.T) {
	c := startCluster(t, testConfig(t))
	s := subscribe(t, c, bothCodecs[0], frameworkInfo(true, true))
	o := s.awaitOffer()
	ctx := context.Background()
	if err := c.DisconnectAgent(ctx, o.AgentID.Value); err != nil {
		t.Fatal(err)
	}
	// The master has not noticed yet: the launch is accepted and lost.
	s.mustCall(launch(o, testTask("task-1", o, testExecutor(t, "exec-1", s.codec, ""))))
	s.expectNone("an update for a launch lost in the partition", 300*time.Millisecond, isType(scheduler.Event_UPDATE))
	if err := c.ReconnectAgent(ctx, o.AgentID.Value); err != nil {
		t.Fatal(err)
	}
	dropped := s.awaitUpdate("task-1", mesos.TASK_DROPPED)
	checkReliable(t, dropped, mesos.SOURCE_AGENT)
	if dropped.GetReason() != mesos.REASON_RECONCILIATION {
		t.Errorf("reason = %s, want REASON_RECONCILIATION", dropped.GetReason())
	}
	s.ack(dropped)
	waitFor(t, "the master to forget the task", func() bool {
		st, _ := c.State(ctx)
		return len(st.Frameworks[0].Tasks) == 0
	})
}

// Helpers.

// frameworkInfo is the test framework, optionally checkpointing (with a
// failover timeout of an hour) and PARTITION_AWARE.
func frameworkInfo(checkpoint, partitionAware bool) mesos.FrameworkInfo {
	fi := testFrameworkInfo()
	fi.Checkpoint = &checkpoint
	timeout := 3600.0
	fi.FailoverTimeout = &timeout
	if partitionAware {
		fi.Capabilities = []mesos.FrameworkInfo_Capability{{Type: mesos.FrameworkInfo_Capability_PARTITION_AWARE}}
	}
	return fi
}

// launchOnEveryAgent launches task-<host> with executor exec-<host> on each
// of n agents, acknowledges STARTING and RUNNING, and returns the agent ids
// by hostname.
func launchOnEveryAgent(t *testing.T, s *testScheduler, n int) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for len(ids) < n {
		o := s.awaitOffer()
		if _, done := ids[o.Hostname]; done {
			continue
		}
		ids[o.Hostname] = o.AgentID.Value
		s.mustCall(launch(o, testTask("task-"+o.Hostname, o, testExecutor(t, "exec-"+o.Hostname, s.codec, ""))))
	}
	for host := range ids {
		s.ack(s.awaitUpdate("task-"+host, mesos.TASK_STARTING))
		s.ack(s.awaitUpdate("task-"+host, mesos.TASK_RUNNING))
	}
	return ids
}

// awaitEnd waits for the subscription stream to end.
func (s *testScheduler) awaitEnd() {
	s.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-deadline:
			s.t.Fatalf("the subscription stream did not end")
		}
	}
}

func waitAgentStatus(t *testing.T, c *Cluster, agentID, status string) {
	t.Helper()
	waitFor(t, "agent "+agentID+" to be "+status, func() bool {
		st, err := c.State(context.Background())
		if err != nil {
			return false
		}
		for _, a := range st.Agents {
			if a.ID == agentID {
				return a.Status == status
			}
		}
		return status == "gone" || status == "removed"
	})
}
