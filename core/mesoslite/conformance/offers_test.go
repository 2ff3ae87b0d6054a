package conformance

import (
	"strings"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
)

func TestOfferFormat(t *testing.T) {
	tg := NewTarget(t, Options{Agents: 2})
	s := Subscribe(t, tg.MasterURL, Codecs[1], FrameworkInfo("offers", false, false))
	mid := s.Subscribed.MasterInfo.ID
	outstanding := map[string]string{} // agent → offer
	// Collect offers until a second passes without one (none are declined,
	// so no agent may be offered twice).
	for {
		wait := time.Second
		if len(outstanding) == 0 {
			wait = WaitTimeout
		}
		e, err := s.AwaitWithin(wait, IsType(scheduler.Event_OFFERS))
		if err != nil && len(outstanding) > 0 {
			break
		}
		if err != nil {
			t.Fatalf("no offers: %v", err)
		}
		for _, o := range e.Offers.Offers {
			if prev, dup := outstanding[o.AgentID.Value]; dup {
				t.Errorf("offers %s and %s are both outstanding for agent %s", prev, o.ID.Value, o.AgentID.Value)
			}
			outstanding[o.AgentID.Value] = o.ID.Value
			checkOffer(t, o, mid, s.FrameworkID)
			if tg.Cluster != nil {
				checkEmbeddedOffer(t, o)
			}
		}
	}
	if tg.Cluster != nil && len(outstanding) != 2 {
		t.Errorf("offers for %d agents, want both", len(outstanding))
	}
}

func checkOffer(t *testing.T, o mesos.Offer, masterID, frameworkID string) {
	t.Helper()
	switch {
	case !strings.HasPrefix(o.ID.Value, masterID+"-O"):
		t.Errorf("offer id %q is not <master id>-O<n>", o.ID.Value)
	case !strings.HasPrefix(o.AgentID.Value, masterID+"-S") && !strings.Contains(o.AgentID.Value, "-S"):
		t.Errorf("agent id %q is not <master id>-S<n>", o.AgentID.Value)
	case o.FrameworkID.Value != frameworkID || o.Hostname == "":
		t.Errorf("offer %s: framework %q hostname %q", o.ID.Value, o.FrameworkID.Value, o.Hostname)
	case o.URL == nil || o.URL.Scheme != "http" || o.URL.Address.Port == 0:
		t.Errorf("offer %s: url %v", o.ID.Value, o.URL)
	case o.AllocationInfo != nil:
		t.Errorf("offer %s to a framework without MULTI_ROLE has allocation_info", o.ID.Value)
	}
	names := map[string]mesos.Value_Type{}
	for _, r := range o.Resources {
		names[r.Name] = r.GetType()
		if r.GetRole() != "*" || r.AllocationInfo != nil || r.Reservation != nil || len(r.Reservations) != 0 {
			t.Errorf("offer %s resource %s is not unreserved in the pre-MULTI_ROLE format: %v", o.ID.Value, r.Name, r)
		}
	}
	for name, typ := range map[string]mesos.Value_Type{"cpus": mesos.SCALAR, "mem": mesos.SCALAR, "disk": mesos.SCALAR, "ports": mesos.RANGES} {
		if got, ok := names[name]; !ok || got != typ {
			t.Errorf("offer %s: %s is %v (present %v), want %v", o.ID.Value, name, got, ok, typ)
		}
	}
}

// checkEmbeddedOffer checks the values NewTarget configured.
func checkEmbeddedOffer(t *testing.T, o mesos.Offer) {
	t.Helper()
	if scalar(o.Resources, "cpus") != 2 || scalar(o.Resources, "mem") != 2048 || scalar(o.Resources, "disk") != 4096 {
		t.Errorf("offer %s resources %v", o.ID.Value, o.Resources)
	}
	if len(o.Attributes) != 1 || o.Attributes[0].Name != "host" || o.Attributes[0].GetText().GetValue() != o.Hostname {
		t.Errorf("offer %s attributes %v", o.ID.Value, o.Attributes)
	}
}

func TestDeclineFiltersReviveAndSuppress(t *testing.T) {
	tg := NewTarget(t, Options{})
	s := Subscribe(t, tg.MasterURL, Codecs[0], FrameworkInfo("filters", false, false))
	o := s.AwaitOffer()
	agent := o.AgentID.Value
	forAgent := func(e *scheduler.Event) bool {
		if e.Type != scheduler.Event_OFFERS {
			return false
		}
		for _, o := range e.Offers.Offers {
			if o.AgentID.Value == agent {
				return true
			}
		}
		return false
	}

	declined := time.Now()
	s.MustCall(calls.Decline(o.ID).With(calls.RefuseSeconds(3 * time.Second)))
	s.ExpectNone("an offer for the agent while the filter lasts", 2*time.Second, forAgent)
	again := s.Await("an offer for the agent after the filter", forAgent)
	if d := time.Since(declined); d < 2900*time.Millisecond {
		t.Errorf("offered again after %v, want at least 3s", d)
	}
	s.backlog = nil
	for _, o := range again.Offers.Offers {
		s.MustCall(calls.Decline(o.ID).With(calls.RefuseSeconds(time.Hour)))
	}

	// DECLINE of an offer that is gone is still accepted (202).
	if err := s.Call(calls.Decline(o.ID, mesos.OfferID{Value: "no-such-offer"})); err != nil {
		t.Errorf("DECLINE of unknown offers: %v", err)
	}

	// SUPPRESS: no more offers; REVIVE: offers again, filters cleared.
	s.MustCall(calls.Suppress())
	declineAll(s, 500*time.Millisecond, calls.RefuseSeconds(time.Hour))
	s.ExpectNone("an offer while suppressed", time.Second, IsType(scheduler.Event_OFFERS))
	s.MustCall(calls.Revive())
	s.Await("an offer after REVIVE", forAgent)
}

// declineAll declines every offer that arrives until none has for quiet.
func declineAll(s *Scheduler, quiet time.Duration, opts ...scheduler.CallOpt) {
	s.t.Helper()
	for {
		e, err := s.AwaitWithin(quiet, IsType(scheduler.Event_OFFERS))
		if err != nil {
			return
		}
		for _, o := range e.Offers.Offers {
			s.MustCall(calls.Decline(o.ID).With(opts...))
		}
	}
}
