package scheduling

import (
	"context"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/taskstate"
)

// revivesSent is how many REVIVE calls the scheduler sent.
func (m *recMesos) revivesSent() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.revives
}

// submit creates a one-instance job named name, runs a placement round
// and returns how many REVIVEs the scheduler has sent so far.
func submit(t *testing.T, h *harness, name string) int {
	t.Helper()
	ctx := context.Background()
	if _, err := h.s.CreateJob(ctx, testJob(name, 1, true)); err != nil {
		t.Fatal(err)
	}
	h.s.schedule(ctx)
	return h.mesos.revivesSent()
}

// placeOneOn creates a one-instance job and places it on a fresh offer of
// agent, whose leftovers Mesos then withholds.
func placeOneOn(t *testing.T, h *harness, name, agent string) {
	t.Helper()
	ctx := context.Background()
	if _, err := h.s.CreateJob(ctx, testJob(name, 1, true)); err != nil {
		t.Fatal(err)
	}
	h.s.Offers([]mesos.Offer{bigOffer("o-"+name, agent)})
	h.s.schedule(ctx)
	for _, task := range tasksOf(t, h, "www-data/prod/"+name) {
		if task.Status != taskstate.Assigned {
			t.Fatalf("%s is %s, want ASSIGNED", task.ID, task.Status)
		}
	}
}

func TestReviveWhenTasksWaitForRefusedRoom(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	placeOneOn(t, h, "first", "agent-1")
	if n := h.mesos.revivesSent(); n != 0 {
		t.Fatalf("%d REVIVEs while nothing waited", n)
	}

	// The second job finds no offer; agent-1's leftovers (3.25 cpus) would
	// hold it, but Mesos withholds them for the ACCEPT's filter.
	if n := submit(t, h, "second"); n != 1 {
		t.Fatalf("%d REVIVEs, want 1 for a task waiting on refused room", n)
	}
	// Nothing was refused since: waiting longer does not revive again.
	h.advance(time.Hour)
	h.s.schedule(ctx)
	if n := h.mesos.revivesSent(); n != 1 {
		t.Fatalf("%d REVIVEs, want still 1: nothing refused since the last", n)
	}
}

func TestNoReviveForTasksThatFitNoRefusedRoom(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	placeOneOn(t, h, "first", "agent-1")
	big := testJob("big", 1, true)
	big.Task.Resources.CPU = 8 // more than agent-1 has left
	if _, err := h.s.CreateJob(ctx, big); err != nil {
		t.Fatal(err)
	}
	h.s.schedule(ctx)
	if n := h.mesos.revivesSent(); n != 0 {
		t.Fatalf("%d REVIVEs for a task no refused room can hold", n)
	}

	// An offer from agent-1 brings its refused room back: no REVIVE for it.
	h.s.Offers([]mesos.Offer{offer("o-small", "agent-1", "agent-1", 0.5, 64, 64, nil, nil)})
	if n := submit(t, h, "second"); n != 0 {
		t.Fatalf("%d REVIVEs after the agent's room was offered again", n)
	}
}

func TestRevivesAreRateLimited(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	placeOneOn(t, h, "first", "agent-1")
	if n := submit(t, h, "waiting"); n != 1 {
		t.Fatalf("%d REVIVEs, want 1", n)
	}
	// Something new is refused, and a task still waits, within the interval.
	h.s.Offers([]mesos.Offer{bigOffer("o-2", "agent-2")})
	h.s.schedule(ctx) // places "waiting" on agent-2
	if n := submit(t, h, "third"); n != 1 {
		t.Fatalf("%d REVIVEs within ReviveInterval, want 1", n)
	}
	h.advance(h.s.cfg.ReviveInterval)
	h.s.schedule(ctx)
	if n := h.mesos.revivesSent(); n != 2 {
		t.Fatalf("%d REVIVEs once ReviveInterval passed, want 2", n)
	}
}

func TestReviveDisabled(t *testing.T) {
	h := newHarness(t, nil)
	h.s.cfg.ReviveInterval = -1
	placeOneOn(t, h, "first", "agent-1")
	if n := submit(t, h, "second"); n != 0 {
		t.Fatalf("%d REVIVEs with reviving off", n)
	}
}

// A REVIVE that reached the master before an ACCEPT would leave that
// ACCEPT's leftovers filtered, so it waits for the ACCEPTs in flight, and
// the last of them prompts the round that sends it.
func TestReviveWaitsForAcceptsInFlight(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	placeOneOn(t, h, "first", "agent-1")
	if _, err := h.s.CreateJob(ctx, testJob("second", 1, true)); err != nil {
		t.Fatal(err)
	}
	<-h.s.kick // CreateJob's prompt
	h.s.mu.Lock()
	h.s.refusals.inFlight++ // an ACCEPT on agent-3, still being sent
	h.s.mu.Unlock()
	h.s.schedule(ctx)
	if n := h.mesos.revivesSent(); n != 0 {
		t.Fatalf("%d REVIVEs with an ACCEPT in flight", n)
	}
	h.s.launched("agent-3", demand{cpu: 1, mem: 512, disk: 512}, true)
	select {
	case <-h.s.kick:
	default:
		t.Fatal("the last ACCEPT in flight did not prompt a round")
	}
	h.s.schedule(ctx)
	if n := h.mesos.revivesSent(); n != 1 {
		t.Fatalf("%d REVIVEs after the ACCEPTs finished, want 1", n)
	}
}
