package mesoslite

import (
	"context"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
)

func TestMaintenanceDrainsWithInverseOffersAndBringsMachinesDown(t *testing.T) {
	cfg := testConfig(t)
	cfg.Agents = append(cfg.Agents, AgentConfig{Hostname: "agent-2", CPUs: 4, MemMB: 4096, DiskMB: 10240})
	c := startCluster(t, cfg)
	s := subscribe(t, c, bothCodecs[1], frameworkInfo(true, true))
	agents := launchOnEveryAgent(t, s, 1)
	a1 := agents["agent-1"]
	var held mesos.Offer // an outstanding offer for agent-1
	for held.Hostname != "agent-1" {
		held = s.awaitOffer()
	}
	pid, _ := executorPID(t, c, "exec-agent-1")
	ctx := context.Background()

	start := time.Now().Add(time.Hour).Truncate(time.Second)
	if err := c.SetMaintenanceSchedule(ctx, []MaintenanceWindow{{Hosts: []string{"agent-1"}, Start: start, Duration: 2 * time.Hour}}); err != nil {
		t.Fatal(err)
	}
	s.await("RESCIND of agent-1's offer", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_RESCIND && e.Rescind.OfferID == held.ID
	})
	wantUnavailability := func(what string, u *mesos.Unavailability, from time.Time, d time.Duration) {
		t.Helper()
		if u == nil || u.Start.Nanoseconds != from.UnixNano() || u.Duration == nil || u.Duration.Nanoseconds != int64(d) {
			t.Errorf("%s unavailability = %v, want %v for %v", what, u, from, d)
		}
	}
	ioEvent := s.await("INVERSE_OFFERS", isType(scheduler.Event_INVERSE_OFFERS)).InverseOffers.InverseOffers
	if len(ioEvent) != 1 || ioEvent[0].GetAgentID().GetValue() != a1 || ioEvent[0].FrameworkID.Value != s.fwID {
		t.Fatalf("inverse offers = %v, want one for %s", ioEvent, a1)
	}
	io := ioEvent[0]
	wantUnavailability("inverse offer", &io.Unavailability, start, 2*time.Hour)
	o := s.await("an offer for agent-1", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_OFFERS && e.Offers.Offers[0].Hostname == "agent-1"
	}).Offers.Offers[0]
	wantUnavailability("offer", o.Unavailability, start, 2*time.Hour)

	// A new window rescinds the inverse offer and sends another one.
	start2 := start.Add(time.Hour)
	if err := c.SetMaintenanceSchedule(ctx, []MaintenanceWindow{{Hosts: []string{"agent-1"}, Start: start2, Duration: time.Hour}}); err != nil {
		t.Fatal(err)
	}
	s.await("RESCIND_INVERSE_OFFER", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_RESCIND_INVERSE_OFFER && e.RescindInverseOffer.InverseOfferID == io.OfferID
	})
	io = s.await("new INVERSE_OFFERS", isType(scheduler.Event_INVERSE_OFFERS)).InverseOffers.InverseOffers[0]
	wantUnavailability("new inverse offer", &io.Unavailability, start2, time.Hour)
	s.mustCall(calls.AcceptInverseOffers(io.OfferID).With(calls.RefuseSeconds(time.Hour)))
	waitFor(t, "the inverse offer answer to be recorded", func() bool {
		st, err := c.MaintenanceStatus(ctx)
		return err == nil && len(st.Draining) == 1 && st.Draining[0].Hostname == "agent-1" &&
			len(st.Draining[0].Statuses) == 1 && st.Draining[0].Statuses[0].Status == "ACCEPT" &&
			st.Draining[0].Statuses[0].FrameworkID == s.fwID
	})
	s.expectNone("another inverse offer while the filter lasts", 300*time.Millisecond, isType(scheduler.Event_INVERSE_OFFERS))

	// Operator errors.
	if err := c.StartMaintenance(ctx, "agent-2"); err == nil {
		t.Errorf("START_MAINTENANCE of an unscheduled machine succeeded")
	}
	if err := c.StopMaintenance(ctx, "agent-1"); err == nil {
		t.Errorf("STOP_MAINTENANCE of a DRAINING machine succeeded")
	}

	if err := c.StartMaintenance(ctx, "agent-1"); err != nil {
		t.Fatal(err)
	}
	lost := s.awaitUpdate("task-agent-1", mesos.TASK_LOST)
	checkMasterGenerated(t, lost, mesos.REASON_AGENT_REMOVED)
	s.await("FAILURE of agent-1", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_FAILURE && e.Failure.GetAgentID().GetValue() == a1
	})
	waitFor(t, "agent-1's executor to be shut down", func() bool { return !alive(pid) })
	if st, _ := c.MaintenanceStatus(ctx); len(st.Down) != 1 || st.Down[0] != "agent-1" || len(st.Draining) != 0 {
		t.Errorf("maintenance status %+v, want agent-1 down", st)
	}
	if err := c.SetMaintenanceSchedule(ctx, nil); err == nil {
		t.Errorf("a schedule without the DOWN machine was accepted")
	}

	if err := c.StopMaintenance(ctx, "agent-1"); err != nil {
		t.Fatal(err)
	}
	back := s.await("an offer for agent-1 back up", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_OFFERS && e.Offers.Offers[0].Hostname == "agent-1" &&
			e.Offers.Offers[0].AgentID.Value != a1
	}).Offers.Offers[0]
	if back.Unavailability != nil {
		t.Errorf("agent-1 came back with unavailability %v", back.Unavailability)
	}
	if st, _ := c.MaintenanceStatus(ctx); len(st.Down) != 0 || len(st.Draining) != 0 {
		t.Errorf("maintenance status %+v after STOP_MAINTENANCE", st)
	}
	waitAgentStatus(t, c, back.AgentID.Value, "registered")
}
