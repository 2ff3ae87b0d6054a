package conformance

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"

	"github.com/aurora-go/aurora/core/mesoslite"
)

// The tests of this file need the embedded cluster: they inject faults or
// use a standby master or the maintenance operator calls.

func TestAgentLossAndReturn(t *testing.T) {
	for _, pa := range []bool{false, true} {
		t.Run(paName(pa), func(t *testing.T) {
			tg := NewTarget(t, Options{})
			c := tg.RequireEmbedded(t, "marks an agent unreachable")
			s := Subscribe(t, tg.MasterURL, Codecs[0], FrameworkInfo("agent-loss", true, pa))
			o := s.AwaitOffer()
			agent := o.AgentID.Value
			s.MustCall(Launch(o, Task("task-1", o, Executor(t, "exec-1", s.Codec, ""), "")))
			s.Ack(s.AwaitUpdate("task-1", mesos.TASK_STARTING))
			s.Ack(s.AwaitUpdate("task-1", mesos.TASK_RUNNING))
			held := s.AwaitOffer()

			ctx := context.Background()
			if err := c.MarkAgentUnreachable(ctx, agent); err != nil {
				t.Fatal(err)
			}
			lost := s.AwaitUpdate("task-1", lostOr(pa, mesos.TASK_UNREACHABLE))
			checkMasterGenerated(t, lost, mesos.REASON_AGENT_REMOVED)
			if lost.UnreachableTime == nil {
				t.Errorf("no unreachable_time")
			}
			s.Await("RESCIND", func(e *scheduler.Event) bool {
				return e.Type == scheduler.Event_RESCIND && e.Rescind.OfferID == held.ID
			})
			s.Await("FAILURE{agent_id}", func(e *scheduler.Event) bool {
				return e.Type == scheduler.Event_FAILURE && e.Failure.GetAgentID().GetValue() == agent && e.Failure.ExecutorID == nil
			})
			s.MustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{"task-1": agent})))
			checkReconciliation(t, s.AwaitUpdate("task-1", lostOr(pa, mesos.TASK_UNREACHABLE)))

			if err := c.ReconnectAgent(ctx, agent); err != nil {
				t.Fatal(err)
			}
			s.AwaitOffer()
			s.MustCall(calls.Reconcile())
			checkReconciliation(t, s.AwaitUpdate("task-1", mesos.TASK_RUNNING))
		})
	}
}

func TestMasterFailover(t *testing.T) {
	tg := NewTarget(t, Options{Agents: 2})
	c := tg.RequireEmbedded(t, "fails the master over")
	fi := FrameworkInfo("master-failover", true, true)
	s := Subscribe(t, tg.MasterURL, Codecs[0], fi)
	agents := map[string]string{}
	for len(agents) < 2 {
		o := s.AwaitOffer()
		if _, ok := agents[o.Hostname]; ok {
			continue
		}
		agents[o.Hostname] = o.AgentID.Value
		id := "task-" + o.Hostname
		s.MustCall(Launch(o, Task(id, o, Executor(t, "exec-"+o.Hostname, s.Codec, ""), "")))
		s.Ack(s.AwaitUpdate(id, mesos.TASK_STARTING))
		s.Ack(s.AwaitUpdate(id, mesos.TASK_RUNNING))
	}
	ctx := context.Background()
	if err := c.DisconnectAgent(ctx, agents["agent-2"]); err != nil {
		t.Fatal(err)
	}
	if err := c.FailoverMaster(ctx); err != nil {
		t.Fatal(err)
	}
	s.AwaitEnd() // no ERROR: the master died
	s.Forget()

	fi.ID = &mesos.FrameworkID{Value: s.FrameworkID}
	s2 := Subscribe(t, c.MasterURL(), Codecs[0], fi)
	if s2.Subscribed.MasterInfo.ID == s.Subscribed.MasterInfo.ID {
		t.Errorf("the new leader has the old master id")
	}
	// agent-1 re-registers by itself; a scheduler retries until it has.
	checkReconciliation(t, reconcileUntil(t, s2, "task-agent-1", agents["agent-1"], mesos.TASK_RUNNING))
	s2.MustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{"task-agent-2": agents["agent-2"]})))
	s2.ExpectNone("an answer for a task of an agent that has not re-registered", 500*time.Millisecond,
		func(e *scheduler.Event) bool {
			return e.Type == scheduler.Event_UPDATE && e.Update.Status.TaskID.Value == "task-agent-2"
		})
	if err := c.ReconnectAgent(ctx, agents["agent-2"]); err != nil {
		t.Fatal(err)
	}
	checkReconciliation(t, reconcileUntil(t, s2, "task-agent-2", agents["agent-2"], mesos.TASK_RUNNING))
}

// reconcileUntil reconciles a task explicitly until an answer in state
// arrives, as a scheduler retries while agents have not re-registered.
func reconcileUntil(t *testing.T, s *Scheduler, taskID, agentID string, state mesos.TaskState) mesos.TaskStatus {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		s.MustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{taskID: agentID})))
		if e, err := s.AwaitWithin(wait, IsUpdate(taskID, state)); err == nil {
			return e.Update.Status
		}
		if time.Now().After(deadline) {
			t.Fatalf("no reconciliation answer %s for %s", state, taskID)
		}
	}
}

func TestStandbyMasterRedirects(t *testing.T) {
	tg := NewTarget(t, Options{Configure: func(c *mesoslite.Config) { c.Masters = 2 }})
	c := tg.RequireEmbedded(t, "runs a standby master")
	urls := c.MasterURLs()
	standby := urls[1]
	leader := strings.TrimPrefix(urls[0], "http://")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, _ := http.NewRequest(http.MethodPost, standby+"/api/v1/scheduler", strings.NewReader(subscribeBody("standby")))
	r.Header.Set("Content-Type", "application/json")
	resp, err := noFollow.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != 307 || loc != "//"+leader+"/api/v1/scheduler" {
		t.Errorf("standby: %d %q, want 307 //%s/api/v1/scheduler", resp.StatusCode, loc, leader)
	}
	resp, err = noFollow.Get(standby + "/redirect")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != 307 || loc != "//"+leader {
		t.Errorf("standby /redirect: %d %q, want 307 //%s", resp.StatusCode, loc, leader)
	}
	// mesos-go follows the 307 for SUBSCRIBE.
	s := Subscribe(t, standby, Codecs[0], FrameworkInfo("via-standby", false, false))
	s.AwaitOffer()
}

func TestLostAndDuplicatedStatusUpdates(t *testing.T) {
	tg := NewTarget(t, Options{})
	c := tg.RequireEmbedded(t, "drops and duplicates status updates")
	s := Subscribe(t, tg.MasterURL, Codecs[0], FrameworkInfo("lossy", true, false))
	o := s.AwaitOffer()
	c.DropStatusUpdates(1)
	c.DuplicateStatusUpdates(1)
	s.MustCall(Launch(o, Task("task-1", o, Executor(t, "exec-1", s.Codec, ""), "")))
	// STARTING is lost, then resent; its resend is duplicated.
	starting := s.AwaitUpdate("task-1", mesos.TASK_STARTING)
	dup := s.AwaitUpdate("task-1", mesos.TASK_STARTING)
	if !bytes.Equal(dup.UUID, starting.UUID) {
		t.Errorf("duplicate uuid %x, want %x", dup.UUID, starting.UUID)
	}
	s.Ack(starting)
	s.Ack(dup) // a second acknowledgement is harmless
	s.Ack(s.AwaitUpdate("task-1", mesos.TASK_RUNNING))
}

func TestAgentRestartKeepsCheckpointedTasks(t *testing.T) {
	tg := NewTarget(t, Options{Configure: func(c *mesoslite.Config) { c.StatusUpdateRetry = time.Minute }})
	c := tg.RequireEmbedded(t, "restarts an agent")
	s := Subscribe(t, tg.MasterURL, Codecs[0], FrameworkInfo("agent-restart", true, false))
	o := s.AwaitOffer()
	s.MustCall(Launch(o, Task("task-1", o, Executor(t, "exec-1", s.Codec, ""), "")))
	s.Ack(s.AwaitUpdate("task-1", mesos.TASK_STARTING))
	running := s.AwaitUpdate("task-1", mesos.TASK_RUNNING)
	if err := c.RestartAgent(context.Background(), o.AgentID.Value); err != nil {
		t.Fatal(err)
	}
	again := s.AwaitUpdate("task-1", mesos.TASK_RUNNING)
	if !bytes.Equal(again.UUID, running.UUID) {
		t.Errorf("resent uuid %x, want %x", again.UUID, running.UUID)
	}
	s.Ack(again)
	s.MustCall(calls.Kill("task-1", ""))
	s.Ack(s.AwaitUpdate("task-1", mesos.TASK_KILLED))
}

func TestMaintenance(t *testing.T) {
	tg := NewTarget(t, Options{})
	c := tg.RequireEmbedded(t, "uses the maintenance operator calls")
	s := Subscribe(t, tg.MasterURL, Codecs[0], FrameworkInfo("maintenance", true, true))
	o := s.AwaitOffer()
	s.MustCall(Launch(o, Task("task-1", o, Executor(t, "exec-1", s.Codec, ""), "")))
	s.Ack(s.AwaitUpdate("task-1", mesos.TASK_STARTING))
	s.Ack(s.AwaitUpdate("task-1", mesos.TASK_RUNNING))
	ctx := context.Background()
	start := time.Now().Add(10 * time.Minute)
	if err := c.SetMaintenanceSchedule(ctx, []mesoslite.MaintenanceWindow{{Hosts: []string{o.Hostname}, Start: start, Duration: time.Hour}}); err != nil {
		t.Fatal(err)
	}
	io := s.Await("INVERSE_OFFERS", IsType(scheduler.Event_INVERSE_OFFERS)).InverseOffers.InverseOffers[0]
	if io.GetAgentID().GetValue() != o.AgentID.Value || io.Unavailability.Start.Nanoseconds != start.UnixNano() {
		t.Errorf("inverse offer %v", io)
	}
	s.MustCall(calls.DeclineInverseOffers(io.OfferID))
	if err := c.StartMaintenance(ctx, o.Hostname); err != nil {
		t.Fatal(err)
	}
	checkMasterGenerated(t, s.AwaitUpdate("task-1", mesos.TASK_LOST), mesos.REASON_AGENT_REMOVED)
}
