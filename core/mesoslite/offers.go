package mesoslite

import (
	"sort"
	"strconv"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

// offer is an outstanding offer. Its resources count as allocated until it is
// accepted, declined, rescinded or discarded.
type offer struct {
	id          string
	frameworkID string
	agentID     string
	resources   resVec // without allocation_info
	msg         mesos.Offer
}

// newOffer offers res on agent a to fw, for role.
func (m *Master) newOffer(fw *framework, a *agentEntry, res resVec, role string) *offer {
	id := offerIDFor(m.id, m.nextOffer)
	m.nextOffer++
	o := &offer{id: id, frameworkID: fw.id, agentID: a.id, resources: res.clone()}

	var execIDs []mesos.ExecutorID
	for eid := range a.executors[fw.id] {
		execIDs = append(execIDs, mesos.ExecutorID{Value: eid})
	}
	sort.Slice(execIDs, func(i, j int) bool { return execIDs[i].Value < execIDs[j].Value })

	host, port := a.info.Hostname, int32(a.info.GetPort())
	ip, _ := splitHostPort(a.endpoint)
	path := "/slave(1)"
	msg := mesos.Offer{
		ID:          mesos.OfferID{Value: id},
		FrameworkID: mesos.FrameworkID{Value: fw.id},
		AgentID:     mesos.AgentID{Value: a.id},
		Hostname:    host,
		URL: &mesos.URL{
			Scheme:  "http",
			Address: mesos.Address{Hostname: &host, IP: &ip, Port: port},
			Path:    &path,
		},
		Attributes:     append([]mesos.Attribute(nil), a.info.Attributes...),
		ExecutorIDs:    execIDs,
		Unavailability: m.unavailability(a.info.Hostname),
	}
	// Frameworks without MULTI_ROLE get offers without allocation_info
	// (pre-MULTI_ROLE format); MULTI_ROLE ones get it on the offer and on every
	// resource.
	if fw.multiRole() {
		r := role
		msg.AllocationInfo = &mesos.Resource_AllocationInfo{Role: &r}
		msg.Resources = res.resources(role)
	} else {
		msg.Resources = res.resources("")
	}
	o.msg = msg
	m.offers[id] = o
	fw.offers[id] = o
	a.offers[id] = o
	return o
}

// removeOffer forgets an offer, returning its resources to the agent. RESCIND
// is sent only when rescind is set: Mesos discards offers silently on
// ACCEPT/DECLINE and failover.
func (m *Master) removeOffer(o *offer, rescind bool) {
	delete(m.offers, o.id)
	if a := m.agents[o.agentID]; a != nil {
		delete(a.offers, o.id)
	}
	fw := m.frameworks[o.frameworkID]
	if fw == nil {
		return
	}
	delete(fw.offers, o.id)
	if rescind {
		fw.send(&scheduler.Event{Type: scheduler.Event_RESCIND,
			Rescind: &scheduler.Event_Rescind{OfferID: mesos.OfferID{Value: o.id}}})
	}
}

// decline handles DECLINE: each valid offer's resources are refused for the
// filter's duration. Unknown or foreign offer ids are ignored (202).
func (m *Master) decline(fw *framework, d *scheduler.Call_Decline) {
	for _, oid := range d.OfferIDs {
		o := m.offers[oid.Value]
		if o == nil || o.frameworkID != fw.id {
			m.log.Warn("ignoring decline of an invalid offer", "framework_id", fw.id, "offer_id", oid.Value)
			continue
		}
		m.removeOffer(o, false)
		m.refuse(fw, o.agentID, o.resources, d.Filters)
	}
}

func splitHostPort(hp string) (string, int) {
	for i := len(hp) - 1; i >= 0; i-- {
		if hp[i] == ':' {
			p, _ := strconv.Atoi(hp[i+1:])
			host := hp[:i]
			if len(host) > 1 && host[0] == '[' {
				host = host[1 : len(host)-1]
			}
			return host, p
		}
	}
	return hp, 0
}
