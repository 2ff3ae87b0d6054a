package mesoslite

import (
	"github.com/gogo/protobuf/proto"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// registry is what a Mesos master keeps in its replicated registry and a new
// leading master recovers after a failover: the admitted agents, those marked
// unreachable or gone, and the maintenance schedule with the machines' modes.
// Frameworks, tasks and offers are not in it; the agents bring the tasks back
// when they re-register and the frameworks when they subscribe again.
type registry struct {
	agents      map[string]mesos.AgentInfo
	unreachable map[string]int64
	gone        map[string]int64
	schedule    []MaintenanceWindow
	machines    map[string]machine
}

// registrySnapshot copies the master's registry for its successor.
func (m *Master) registrySnapshot() *registry {
	r := &registry{
		agents:      map[string]mesos.AgentInfo{},
		unreachable: map[string]int64{},
		gone:        map[string]int64{},
		machines:    map[string]machine{},
		schedule:    cloneWindows(m.schedule),
	}
	for id, a := range m.agents {
		r.agents[id] = *proto.Clone(&a.info).(*mesos.AgentInfo)
	}
	for id, info := range m.recovered {
		r.agents[id] = info
	}
	for id, t := range m.unreachable {
		r.unreachable[id] = t
	}
	for id, t := range m.gone {
		r.gone[id] = t
	}
	for host, mc := range m.machines {
		r.machines[host] = *mc
	}
	return r
}

// recoverRegistry is Master::recover: every admitted agent is "recovered" and
// has AgentReregisterTimeout to re-register before it is marked unreachable.
// Until then explicit reconciliation does not answer for tasks that may be
// on it (mesos.md §1.9 case 2).
func (m *Master) recoverRegistry(r *registry) {
	if r == nil {
		return
	}
	for id, info := range r.agents {
		m.recovered[id] = info
	}
	for id, t := range r.unreachable {
		m.unreachable[id] = t
	}
	for id, t := range r.gone {
		m.gone[id] = t
	}
	m.schedule = cloneWindows(r.schedule)
	for host, mc := range r.machines {
		mc := mc
		m.machines[host] = &mc
	}
}

// startRecoveredTimer arms the re-registration deadline of the recovered
// agents; called once the actor runs.
func (m *Master) startRecoveredTimer() {
	if len(m.recovered) == 0 {
		return
	}
	m.log.Info("waiting for recovered agents to re-register", "agents", len(m.recovered),
		"timeout", m.cfg.AgentReregisterTimeout)
	m.recoveredTimer = m.clock.AfterFunc(m.cfg.AgentReregisterTimeout, func() {
		m.mb.post(m.recoveredAgentsTimeout)
	})
}

// recoveredAgentsTimeout marks every recovered agent that has not
// re-registered unreachable. The master knows none of their tasks, so the
// frameworks only hear FAILURE{agent_id}.
func (m *Master) recoveredAgentsTimeout() {
	if m.stopping {
		return
	}
	for _, id := range sortedKeys(m.recovered) {
		m.log.Warn("recovered agent did not re-register in time; marking it unreachable", "agent_id", id)
		delete(m.recovered, id)
		m.unreachable[id] = m.clock.Now().UnixNano()
		m.sendAgentLost(id)
	}
}
