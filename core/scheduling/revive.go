package scheduling

import (
	"context"
	"time"
)

// Reviving offers.
//
// Mesos withholds what a framework refused, the leftovers of its ACCEPTs
// and the offers it declined, for the refuse filter it sent
// (offer_filter_duration, and never less than the master's allocation
// interval). A task that waits for room the scheduler itself refused
// would wait that long for nothing. So when a placement round leaves
// tasks with no offer that has room, and something refused since the last
// REVIVE could hold one of them, the scheduler sends REVIVE: the master
// clears the framework's filters and allocates again at once. Marathon
// revives the same way; Aurora never does (Config.ReviveInterval < 0).
// Tasks that fit nowhere the scheduler refused (larger than any leftover)
// do not revive, so a job that cannot fit does not make the master
// allocate every interval.

// refusals is what the scheduler refused since its last REVIVE; Scheduler.mu
// guards it.
type refusals struct {
	// byAgent is the room last refused on each agent; an offer from the
	// agent brings it back and removes it.
	byAgent map[string]demand
	// inFlight counts ACCEPTs queued or being sent: a REVIVE sent before
	// one of them reaches the master would leave its leftovers filtered.
	inFlight int
	// wanted: a round wanted a REVIVE while ACCEPTs were in flight; the
	// last of them to finish prompts another round.
	wanted bool
	last   time.Time // when the last REVIVE was sent
}

// refused records room on an agent that Mesos now withholds from the
// framework; Scheduler.mu must be held.
func (r *refusals) refused(agentID string, room demand) {
	if r.byAgent == nil {
		r.byAgent = map[string]demand{}
	}
	r.byAgent[agentID] = room
}

// holds reports whether any refused room fits one of needs.
func (r *refusals) holds(needs []demand) bool {
	for _, room := range r.byAgent {
		for _, need := range needs {
			if need.within(room) {
				return true
			}
		}
	}
	return false
}

// within reports whether d fits in room.
func (d demand) within(room demand) bool {
	return d.cpu <= room.cpu && d.mem <= room.mem && d.disk <= room.disk && d.ports <= room.ports
}

// launched records the end of an ACCEPT on an agent: what the tasks left
// of the offer, room (sent is false if the ACCEPT failed), is refused.
func (s *Scheduler) launched(agentID string, room demand, sent bool) {
	s.mu.Lock()
	r := &s.refusals
	if sent {
		r.refused(agentID, room)
	}
	r.inFlight--
	again := r.inFlight == 0 && r.wanted
	if again {
		r.wanted = false
	}
	s.mu.Unlock()
	if again {
		s.prompt()
	}
}

// reviveFor sends REVIVE if tasks needing needs found no offer with room
// this round and room refused since the last REVIVE could hold one, at
// most once per ReviveInterval.
func (s *Scheduler) reviveFor(ctx context.Context, needs []demand) {
	if len(needs) == 0 || s.cfg.ReviveInterval < 0 {
		return
	}
	now := s.cfg.Now()
	s.mu.Lock()
	r := &s.refusals
	if r.inFlight > 0 {
		r.wanted = true
		s.mu.Unlock()
		return
	}
	if now.Sub(r.last) < s.cfg.ReviveInterval || !r.holds(needs) {
		s.mu.Unlock()
		return
	}
	r.last = now
	r.byAgent = nil
	s.mu.Unlock()
	s.enqueue(ctx, []func(){func() {
		if err := s.mesos.Revive(ctx); err != nil {
			s.logger.Warn("reviving offers failed", "error", err)
			return
		}
		s.logger.Debug("revived offers for tasks waiting on refused resources")
	}})
}
