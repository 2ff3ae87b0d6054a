package scheduling

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// heldOffer is an offer the scheduler holds, with what is left of it.
type heldOffer struct {
	offer    *mesos.Offer
	received time.Time
	cpus     float64
	mem      float64
	disk     float64
	ports    []mesos.Value_Range
}

// offerPool holds at most one offer per agent, as Aurora does.
type offerPool struct {
	byID    map[string]*heldOffer
	byAgent map[string]string
}

func newOfferPool() *offerPool {
	return &offerPool{byID: map[string]*heldOffer{}, byAgent: map[string]string{}}
}

// add holds an offer. If the agent already has one, both are removed and
// returned to be declined, so that the master merges them.
func (p *offerPool) add(o *mesos.Offer, now time.Time) (decline []string) {
	agent := o.AgentID.Value
	if old, ok := p.byAgent[agent]; ok {
		p.remove(old)
		return []string{old, o.ID.Value}
	}
	h := &heldOffer{offer: o, received: now}
	for _, r := range o.Resources {
		if r.Role != nil && *r.Role != "*" {
			continue // reserved resources are not ours to use
		}
		switch r.Name {
		case "cpus":
			h.cpus += r.GetScalar().GetValue()
		case "mem":
			h.mem += r.GetScalar().GetValue()
		case "disk":
			h.disk += r.GetScalar().GetValue()
		case "ports":
			h.ports = append(h.ports, r.GetRanges().GetRange()...)
		}
	}
	p.byID[o.ID.Value] = h
	p.byAgent[agent] = o.ID.Value
	return nil
}

func (p *offerPool) remove(id string) {
	if h, ok := p.byID[id]; ok {
		delete(p.byAgent, h.offer.AgentID.Value)
		delete(p.byID, id)
	}
}

func (p *offerPool) clear() {
	p.byID = map[string]*heldOffer{}
	p.byAgent = map[string]string{}
}

// sorted returns the held offers in a stable order (by hostname).
func (p *offerPool) sorted() []*heldOffer {
	out := make([]*heldOffer, 0, len(p.byID))
	for _, h := range p.byID {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].offer.Hostname < out[j].offer.Hostname })
	return out
}

// demand is what one task takes from an offer, executor included.
type demand struct {
	cpu, mem, disk float64
	ports          int
}

// roundOffer is what is left of a held offer during one placement round;
// the held offer itself is untouched until the round is committed.
type roundOffer struct {
	*heldOffer
	cpus, mem, disk float64
	ports           []mesos.Value_Range
	// usedBy is the group that last placed a task on the offer this round.
	usedBy string
	// gen is the generation of the agent's attributes (Scheduler.hostGens).
	gen uint64
}

func newRound(offers []*heldOffer) []*roundOffer {
	out := make([]*roundOffer, len(offers))
	for i, h := range offers {
		out[i] = &roundOffer{heldOffer: h, cpus: h.cpus, mem: h.mem, disk: h.disk,
			ports: append([]mesos.Value_Range(nil), h.ports...)}
	}
	return out
}

func (o *roundOffer) portCount() uint64 { return rangesSize(o.ports) }

// room is what is left of the offer this round.
func (o *roundOffer) room() demand {
	return demand{cpu: o.cpus, mem: o.mem, disk: o.disk, ports: int(o.portCount())}
}

// room is what the held offer has.
func (h *heldOffer) room() demand {
	return demand{cpu: h.cpus, mem: h.mem, disk: h.disk, ports: int(rangesSize(h.ports))}
}

// rangesSize is how many values the ranges hold.
func rangesSize(rs []mesos.Value_Range) uint64 {
	var n uint64
	for _, r := range rs {
		n += r.End - r.Begin + 1
	}
	return n
}

// fits reports whether the offer has room for d: shortfall(d) == "",
// without building the text.
func (o *roundOffer) fits(d demand) bool {
	return o.cpus >= d.cpu && o.mem >= d.mem && o.disk >= d.disk && o.portCount() >= uint64(d.ports)
}

// shortfall names what the offer lacks for the demand, or "" if it fits.
func (o *roundOffer) shortfall(d demand) string {
	var miss []string
	if o.cpus < d.cpu {
		miss = append(miss, fmt.Sprintf("cpus (%.2f < %.2f)", o.cpus, d.cpu))
	}
	if o.mem < d.mem {
		miss = append(miss, fmt.Sprintf("ram (%.0fMB < %.0fMB)", o.mem, d.mem))
	}
	if o.disk < d.disk {
		miss = append(miss, fmt.Sprintf("disk (%.0fMB < %.0fMB)", o.disk, d.disk))
	}
	if o.portCount() < uint64(d.ports) {
		miss = append(miss, fmt.Sprintf("ports (%d < %d)", o.portCount(), d.ports))
	}
	return strings.Join(miss, ", ")
}

// take subtracts the demand and returns the ports it got, lowest first.
func (o *roundOffer) take(d demand) []uint64 {
	o.cpus -= d.cpu
	o.mem -= d.mem
	o.disk -= d.disk
	var out []uint64
	for len(out) < d.ports && len(o.ports) > 0 {
		r := &o.ports[0]
		out = append(out, r.Begin)
		if r.Begin == r.End {
			o.ports = o.ports[1:]
		} else {
			r.Begin++
		}
	}
	return out
}

// hostAttributes turns an offer's attributes into plugin attributes. The
// hostname is the "host" attribute unless the agent sets one, so Aurora's
// `host = "limit:1"` works everywhere.
func hostAttributes(o *mesos.Offer) map[string][]string {
	attrs := map[string][]string{}
	for _, a := range o.Attributes {
		switch {
		case a.Text != nil:
			attrs[a.Name] = append(attrs[a.Name], a.Text.Value)
		case a.Scalar != nil:
			attrs[a.Name] = append(attrs[a.Name], fmt.Sprintf("%g", a.Scalar.Value))
		case a.Set != nil:
			attrs[a.Name] = append(attrs[a.Name], a.Set.Item...)
		case a.Ranges != nil:
			var parts []string
			for _, r := range a.Ranges.Range {
				parts = append(parts, fmt.Sprintf("%d-%d", r.Begin, r.End))
			}
			attrs[a.Name] = append(attrs[a.Name], strings.Join(parts, ","))
		}
	}
	if _, ok := attrs["host"]; !ok {
		attrs["host"] = []string{o.Hostname}
	}
	return attrs
}

// expireOffers declines offers held longer than OfferHold.
func (s *Scheduler) expireOffers(ctx context.Context) {
	now := time.Now()
	var stale []string
	s.mu.Lock()
	for id, h := range s.offers.byID {
		if now.Sub(h.received) > s.cfg.OfferHold {
			stale = append(stale, id)
			s.offers.remove(id)
			s.refusals.refused(h.offer.AgentID.Value, h.room())
		}
	}
	s.mu.Unlock()
	if len(stale) == 0 {
		return
	}
	if err := s.mesos.Decline(ctx, stale, s.cfg.OfferFilter); err != nil {
		s.logger.Warn("declining stale offers failed", "offers", len(stale), "error", err)
	}
}
