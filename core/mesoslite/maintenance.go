package mesoslite

import (
	"fmt"
	"sort"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

// MachineMode is a machine's maintenance mode (mesos.MachineInfo.Mode).
type MachineMode string

// Machine modes. Machines that are not in the maintenance schedule are UP.
const (
	MachineUp       MachineMode = "UP"
	MachineDraining MachineMode = "DRAINING"
	MachineDown     MachineMode = "DOWN"
)

// MaintenanceWindow is one window of a maintenance schedule: the machines,
// named by the hostnames of their agents, that will be unavailable from
// Start for Duration.
type MaintenanceWindow struct {
	Hosts    []string
	Start    time.Time
	Duration time.Duration
}

// MaintenanceStatus is the answer of GET_MAINTENANCE_STATUS: the machines
// being drained with the frameworks' answers to their inverse offers, and
// the machines that are down.
type MaintenanceStatus struct {
	Draining []DrainingMachine
	Down     []string
}

// DrainingMachine is a machine in DRAINING mode and, per framework that was
// sent an inverse offer for one of its agents, the last answer.
type DrainingMachine struct {
	Hostname string
	Statuses []InverseOfferStatus
}

// InverseOfferStatus is a framework's answer to an inverse offer.
type InverseOfferStatus struct {
	FrameworkID string
	Status      string // ACCEPT or DECLINE
	Timestamp   time.Time
}

// machine is a machine in the schedule: DRAINING or DOWN, and its window.
type machine struct {
	mode     MachineMode
	start    time.Time
	duration time.Duration
}

// inverseOffer is an outstanding inverse offer.
type inverseOffer struct {
	id          string
	frameworkID string
	agentID     string
	msg         mesos.InverseOffer
}

func cloneWindows(ws []MaintenanceWindow) []MaintenanceWindow {
	out := make([]MaintenanceWindow, len(ws))
	for i, w := range ws {
		out[i] = MaintenanceWindow{Hosts: append([]string(nil), w.Hosts...), Start: w.Start, Duration: w.Duration}
	}
	return out
}

func (m *Master) machineMode(host string) MachineMode {
	if mc := m.machines[host]; mc != nil {
		return mc.mode
	}
	return MachineUp
}

// unavailability is what offers of agents on a scheduled machine carry.
func (m *Master) unavailability(host string) *mesos.Unavailability {
	mc := m.machines[host]
	if mc == nil {
		return nil
	}
	return &mesos.Unavailability{
		Start:    mesos.TimeInfo{Nanoseconds: mc.start.UnixNano()},
		Duration: &mesos.DurationInfo{Nanoseconds: int64(mc.duration)},
	}
}

func (m *Master) agentsOn(host string) []*agentEntry {
	var out []*agentEntry
	for _, id := range m.agentOrder {
		if a := m.agents[id]; a != nil && a.info.Hostname == host {
			out = append(out, a)
		}
	}
	return out
}

// updateSchedule is UPDATE_MAINTENANCE_SCHEDULE: machines new to the
// schedule go DRAINING, machines that leave it go UP again, and every
// machine whose unavailability is set or changed has the offers and inverse
// offers of its agents rescinded so that new ones carry the new
// unavailability. A DOWN machine cannot leave the schedule.
func (m *Master) updateSchedule(windows []MaintenanceWindow) error {
	next := map[string]MaintenanceWindow{}
	for _, w := range windows {
		if len(w.Hosts) == 0 {
			return fmt.Errorf("mesoslite: list of machines in the maintenance window is empty")
		}
		if w.Duration < 0 {
			return fmt.Errorf("mesoslite: unavailability 'duration' is negative")
		}
		for _, h := range w.Hosts {
			if h == "" {
				return fmt.Errorf("mesoslite: a machine's hostname is empty")
			}
			if _, dup := next[h]; dup {
				return fmt.Errorf("mesoslite: machine %q appears more than once in the schedule", h)
			}
			next[h] = w
		}
	}
	for _, h := range sortedKeys(m.machines) {
		if _, ok := next[h]; !ok && m.machines[h].mode == MachineDown {
			return fmt.Errorf("mesoslite: machine %q is deactivated and cannot be removed from the schedule", h)
		}
	}
	for _, h := range sortedKeys(m.machines) {
		if _, ok := next[h]; !ok {
			m.log.Info("machine left the maintenance schedule", "hostname", h)
			delete(m.machines, h)
			m.unavailabilityChanged(h)
		}
	}
	for _, h := range sortedKeys(next) {
		w := next[h]
		mc := m.machines[h]
		if mc == nil {
			mc = &machine{mode: MachineDraining}
			m.machines[h] = mc
			m.log.Info("machine is draining", "hostname", h, "start", w.Start, "duration", w.Duration)
		}
		mc.start, mc.duration = w.Start, w.Duration
		m.unavailabilityChanged(h)
	}
	m.schedule = cloneWindows(windows)
	m.requestAllocation()
	return nil
}

// unavailabilityChanged is Master::updateUnavailability for the agents of a
// machine: their offers and inverse offers are rescinded.
func (m *Master) unavailabilityChanged(host string) {
	for _, a := range m.agentsOn(host) {
		for _, id := range sortedKeys(a.offers) {
			m.removeOffer(a.offers[id], true)
		}
		for _, id := range sortedKeys(a.inverseOffers) {
			m.removeInverseOffer(a.inverseOffers[id], true)
		}
	}
}

// startMaintenance is START_MAINTENANCE: DRAINING machines go DOWN; their
// agents are told to shut down and removed at once, so their tasks are
// TASK_LOST (REASON_AGENT_REMOVED, for every framework, as Mesos'
// Master::_removeSlave does) and every framework gets FAILURE{agent_id}.
func (m *Master) startMaintenance(hosts []string) error {
	for _, h := range hosts {
		switch m.machineMode(h) {
		case MachineUp:
			return fmt.Errorf("mesoslite: machine %q is not part of a maintenance schedule", h)
		case MachineDown:
			return fmt.Errorf("mesoslite: machine %q is not in DRAINING mode and cannot be brought down", h)
		}
	}
	for _, h := range hosts {
		const cause = "Operator initiated 'Machine DOWN'"
		for _, a := range m.agentsOn(h) {
			m.log.Info("bringing down the agent of a machine", "hostname", h, "agent_id", a.id)
			a.link.shutdownAgent(m.id, cause)
			m.removeAgent(a, removalMaintenance, "Agent "+a.info.Hostname+" removed: "+cause)
		}
		m.machines[h].mode = MachineDown
	}
	return nil
}

// stopMaintenance is STOP_MAINTENANCE: DOWN machines come UP and leave the
// schedule.
func (m *Master) stopMaintenance(hosts []string) error {
	for _, h := range hosts {
		if m.machineMode(h) != MachineDown {
			return fmt.Errorf("mesoslite: machine %q is not in DOWN mode and cannot be brought up", h)
		}
	}
	up := map[string]bool{}
	for _, h := range hosts {
		delete(m.machines, h)
		up[h] = true
	}
	var windows []MaintenanceWindow
	for _, w := range m.schedule {
		var keep []string
		for _, h := range w.Hosts {
			if !up[h] {
				keep = append(keep, h)
			}
		}
		if len(keep) > 0 {
			w.Hosts = keep
			windows = append(windows, w)
		}
	}
	m.schedule = windows
	return nil
}

// generateInverseOffers is the allocator's generateInverseOffers: every
// connected framework that has resources offered or allocated on an agent of
// a scheduled machine gets an inverse offer for that agent (no resources:
// the whole agent) unless it has one outstanding or filters them.
func (m *Master) generateInverseOffers() {
	if len(m.machines) == 0 {
		return // no machine is scheduled for maintenance
	}
	now := m.clock.Now()
	made := map[*framework][]mesos.InverseOffer{}
	for _, aid := range m.agentOrder {
		a := m.agents[aid]
		mc := m.machines[a.info.Hostname]
		if mc == nil || !a.active {
			continue
		}
		for _, fw := range m.sortedFrameworks() {
			if !fw.connected() || a.inverseOutstanding[fw.id] || !m.usesAgent(fw, a) {
				continue
			}
			if until, ok := fw.inverseFilters[a.id]; ok {
				if now.Before(until) {
					continue
				}
				delete(fw.inverseFilters, a.id)
			}
			io := m.newInverseOffer(fw, a)
			made[fw] = append(made[fw], io.msg)
		}
	}
	for fw, ios := range made {
		m.log.Debug("sending inverse offers", "framework_id", fw.id, "count", len(ios))
		fw.send(&scheduler.Event{Type: scheduler.Event_INVERSE_OFFERS,
			InverseOffers: &scheduler.Event_InverseOffers{InverseOffers: ios}})
	}
}

// usesAgent reports whether fw has resources offered or allocated on a.
func (m *Master) usesAgent(fw *framework, a *agentEntry) bool {
	for _, t := range a.tasks[fw.id] {
		if !isTerminal(t.state) {
			return true
		}
	}
	if len(a.executors[fw.id]) > 0 {
		return true
	}
	for _, o := range a.offers {
		if o.frameworkID == fw.id {
			return true
		}
	}
	return false
}

func (m *Master) newInverseOffer(fw *framework, a *agentEntry) *inverseOffer {
	id := offerIDFor(m.id, m.nextOffer) // one id space for offers and inverse offers
	m.nextOffer++
	host, port := a.info.Hostname, int32(a.info.GetPort())
	ip, _ := splitHostPort(a.endpoint)
	path := "/slave(1)"
	agentID := mesos.AgentID{Value: a.id}
	io := &inverseOffer{id: id, frameworkID: fw.id, agentID: a.id, msg: mesos.InverseOffer{
		OfferID:        mesos.OfferID{Value: id},
		URL:            &mesos.URL{Scheme: "http", Address: mesos.Address{Hostname: &host, IP: &ip, Port: port}, Path: &path},
		FrameworkID:    mesos.FrameworkID{Value: fw.id},
		AgentID:        &agentID,
		Unavailability: *m.unavailability(a.info.Hostname),
	}}
	m.inverseOffers[id] = io
	fw.inverseOffers[id] = io
	a.inverseOffers[id] = io
	a.inverseOutstanding[fw.id] = true
	return io
}

// removeInverseOffer forgets an inverse offer; the allocator may make a new
// one. RESCIND_INVERSE_OFFER is sent only when rescind is set.
func (m *Master) removeInverseOffer(io *inverseOffer, rescind bool) {
	delete(m.inverseOffers, io.id)
	if a := m.agents[io.agentID]; a != nil {
		delete(a.inverseOffers, io.id)
		delete(a.inverseOutstanding, io.frameworkID)
	}
	fw := m.frameworks[io.frameworkID]
	if fw == nil {
		return
	}
	delete(fw.inverseOffers, io.id)
	if rescind {
		fw.send(&scheduler.Event{Type: scheduler.Event_RESCIND_INVERSE_OFFER,
			RescindInverseOffer: &scheduler.Event_RescindInverseOffer{InverseOfferID: mesos.OfferID{Value: io.id}}})
	}
}

// discardInverseOffers drops a framework's inverse offers without RESCIND
// (failover, disconnection, removal).
func (m *Master) discardInverseOffers(fw *framework) {
	for _, id := range sortedKeys(fw.inverseOffers) {
		m.removeInverseOffer(fw.inverseOffers[id], false)
	}
}

// answerInverseOffers handles ACCEPT_INVERSE_OFFERS and
// DECLINE_INVERSE_OFFERS: the answer is recorded for the maintenance status,
// the inverse offer is removed, and the framework gets no new one for that
// agent while the filter lasts (refuse_seconds, default 5). Unknown ids are
// ignored.
func (m *Master) answerInverseOffers(fw *framework, ids []mesos.OfferID, filters *mesos.Filters, accept bool) {
	status := "DECLINE"
	if accept {
		status = "ACCEPT"
	}
	now := m.clock.Now()
	for _, oid := range ids {
		io := m.inverseOffers[oid.Value]
		if io == nil || io.frameworkID != fw.id {
			m.log.Warn("ignoring answer to an invalid inverse offer", "framework_id", fw.id, "inverse_offer_id", oid.Value, "answer", status)
			continue
		}
		m.log.Info("inverse offer answered", "framework_id", fw.id, "inverse_offer_id", io.id, "agent_id", io.agentID, "answer", status)
		if a := m.agents[io.agentID]; a != nil {
			a.inverseStatuses[fw.id] = &InverseOfferStatus{FrameworkID: fw.id, Status: status, Timestamp: now}
		}
		if d := refuseDuration(filters, m.cfg.AllocationInterval); d > 0 {
			fw.inverseFilters[io.agentID] = now.Add(d)
		}
		m.removeInverseOffer(io, false)
	}
}

// maintenanceStatus is GET_MAINTENANCE_STATUS.
func (m *Master) maintenanceStatus() MaintenanceStatus {
	var st MaintenanceStatus
	for _, h := range sortedKeys(m.machines) {
		if m.machines[h].mode == MachineDown {
			st.Down = append(st.Down, h)
			continue
		}
		dm := DrainingMachine{Hostname: h}
		for _, a := range m.agentsOn(h) {
			for _, fid := range sortedKeys(a.inverseStatuses) {
				dm.Statuses = append(dm.Statuses, *a.inverseStatuses[fid])
			}
		}
		sort.SliceStable(dm.Statuses, func(i, j int) bool { return dm.Statuses[i].FrameworkID < dm.Statuses[j].FrameworkID })
		st.Draining = append(st.Draining, dm)
	}
	return st
}
