package mesoslite

import (
	"sort"

	"github.com/gogo/protobuf/proto"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

// This file is the master's side of agent membership: (re-)registration,
// health checks, disconnection, and removal (unreachable, gone, maintenance).

// agentReport is a (Re)RegisterSlaveMessage: the agent and everything it runs.
type agentReport struct {
	info       mesos.AgentInfo
	endpoint   string
	frameworks []mesos.FrameworkInfo
	executors  []mesos.ExecutorInfo // framework_id set
	tasks      []reportedTask
}

// reportedTask is a task as its agent reports it when it (re-)registers.
type reportedTask struct {
	frameworkID       string
	executorID        string
	id                string
	resources         mesos.Resources
	state             mesos.TaskState
	statusUpdateState *mesos.TaskState
	statusUpdateUUID  []byte
	latest            *mesos.TaskStatus
}

func newAgentEntry(info mesos.AgentInfo, endpoint string, link agentLink) *agentEntry {
	return &agentEntry{
		id:                 info.GetID().GetValue(),
		info:               info,
		total:              vecOf(info.Resources),
		link:               link,
		endpoint:           endpoint,
		tasks:              map[string]map[string]*task{},
		executors:          map[string]map[string]*mesos.ExecutorInfo{},
		offers:             map[string]*offer{},
		killed:             map[string]map[string]bool{},
		connected:          true,
		active:             true,
		inverseOffers:      map[string]*inverseOffer{},
		inverseOutstanding: map[string]bool{},
		inverseStatuses:    map[string]*InverseOfferStatus{},
	}
}

// handleRegisterAgent is Master::registerSlave and reregisterSlave. Agents
// that were marked gone or removed, or whose machine is DOWN, are told to
// shut down. A known agent is reconciled with its report; any other one is
// added with the tasks and executors it reports, which brings back the
// tasks of an agent that was unreachable or not yet re-registered after a
// master failover, and recovers their frameworks.
func (m *Master) handleRegisterAgent(r agentReport, link agentLink) {
	if m.stopping {
		return
	}
	id := r.info.GetID().GetValue()
	refuse := ""
	switch _, removed := m.removed[id]; {
	case m.gone[id] != 0:
		refuse = "Agent has been marked gone"
	case removed:
		refuse = "Agent attempted to re-register after removal"
	case m.machineMode(r.info.Hostname) == MachineDown:
		refuse = "Machine is DOWN for maintenance"
	}
	if refuse != "" {
		m.log.Warn("refusing agent registration", "agent_id", id, "hostname", r.info.Hostname, "reason", refuse)
		link.shutdownAgent(m.id, refuse)
		return
	}
	var rec []taskReconciliation
	if a := m.agents[id]; a != nil {
		rec = m.reregisterKnownAgent(a, r, link)
	} else {
		m.addAgent(r, link)
	}
	link.registered(m.id, id, rec)
	m.requestAllocation()
}

// addAgent admits an agent that the master does not have registered.
func (m *Master) addAgent(r agentReport, link agentLink) {
	id := r.info.GetID().GetValue()
	_, wasRecovered := m.recovered[id]
	_, wasUnreachable := m.unreachable[id]
	delete(m.recovered, id)
	delete(m.unreachable, id)
	a := newAgentEntry(r.info, r.endpoint, link)
	m.agents[id] = a
	m.agentOrder = append(m.agentOrder, id)
	for _, fi := range r.frameworks {
		m.recoverFramework(fi)
	}
	for _, e := range r.executors {
		fid := e.GetFrameworkID().GetValue()
		if m.frameworks[fid] == nil {
			continue
		}
		if a.executors[fid] == nil {
			a.executors[fid] = map[string]*mesos.ExecutorInfo{}
		}
		e := e
		a.executors[fid][e.ExecutorID.Value] = &e
	}
	m.addReportedTasks(a, r.tasks)
	m.startPings(a)
	m.log.Info("agent registered", "agent_id", id, "hostname", r.info.Hostname,
		"resources", mesos.Resources(r.info.Resources).String(), "tasks", len(r.tasks),
		"was_recovered", wasRecovered, "was_unreachable", wasUnreachable)
}

// recoverFramework adds a framework the master learns about from an agent
// (after a master failover): known, not connected, until it subscribes.
func (m *Master) recoverFramework(fi mesos.FrameworkInfo) {
	fid := fi.GetID().GetValue()
	if fid == "" || m.frameworks[fid] != nil {
		return
	}
	if _, done := m.completed[fid]; done {
		return
	}
	m.frameworks[fid] = newFramework(fid, *proto.Clone(&fi).(*mesos.FrameworkInfo))
	m.log.Info("framework recovered from an agent", "framework_id", fid, "name", fi.Name)
}

// addReportedTasks adds the tasks an agent reported and the master does not
// know. Tasks of frameworks the master removed are shut down on the agent.
func (m *Master) addReportedTasks(a *agentEntry, tasks []reportedTask) {
	for _, rt := range tasks {
		fw := m.frameworks[rt.frameworkID]
		if fw == nil {
			if _, done := m.completed[rt.frameworkID]; done {
				a.link.shutdownFramework(rt.frameworkID)
			}
			continue
		}
		if fw.tasks[rt.id] != nil {
			continue
		}
		t := &task{
			id:                rt.id,
			frameworkID:       rt.frameworkID,
			agentID:           a.id,
			executorID:        rt.executorID,
			state:             rt.state,
			statusUpdateState: rt.statusUpdateState,
			statusUpdateUUID:  rt.statusUpdateUUID,
			resources:         vecOf(rt.resources),
			latest:            rt.latest,
		}
		fw.tasks[t.id] = t
		delete(fw.unreachableTasks, t.id)
		if a.tasks[fw.id] == nil {
			a.tasks[fw.id] = map[string]*task{}
		}
		a.tasks[fw.id][t.id] = t
	}
}

// reregisterKnownAgent is Master::reconcileKnownSlave: the agent is
// connected and active again; tasks the master knows that the agent did not
// report are reconciled through the agent (it answers TASK_DROPPED or
// TASK_LOST); executors it did not report are forgotten; kills it may have
// missed are sent again.
func (m *Master) reregisterKnownAgent(a *agentEntry, r agentReport, link agentLink) []taskReconciliation {
	m.log.Info("agent re-registered", "agent_id", a.id, "hostname", r.info.Hostname, "tasks", len(r.tasks))
	a.link = link
	a.endpoint = r.endpoint
	a.connected = true
	a.active = true
	stopTimer(a.reregTimer)
	a.reregGen++

	reported := map[string]bool{}
	for _, rt := range r.tasks {
		reported[rt.frameworkID+"\x00"+rt.id] = true
	}
	var rec []taskReconciliation
	for _, fid := range sortedKeys(a.tasks) {
		fw := m.frameworks[fid]
		if fw == nil {
			continue
		}
		var ids []string
		for _, tid := range sortedKeys(a.tasks[fid]) {
			if !reported[fid+"\x00"+tid] {
				m.log.Warn("task unknown to the re-registering agent; reconciling it with the agent",
					"framework_id", fid, "task_id", tid, "agent_id", a.id)
				ids = append(ids, tid)
			}
		}
		if len(ids) > 0 {
			rec = append(rec, taskReconciliation{framework: *proto.Clone(&fw.info).(*mesos.FrameworkInfo), taskIDs: ids})
		}
	}
	executors := map[string]bool{}
	for _, e := range r.executors {
		executors[e.GetFrameworkID().GetValue()+"\x00"+e.ExecutorID.Value] = true
	}
	for fid, execs := range a.executors {
		for eid := range execs {
			if !executors[fid+"\x00"+eid] {
				m.log.Warn("executor possibly unknown to the re-registering agent", "framework_id", fid, "executor_id", eid)
				delete(execs, eid)
			}
		}
		if len(execs) == 0 {
			delete(a.executors, fid)
		}
	}
	m.addReportedTasks(a, r.tasks)
	for _, rt := range r.tasks {
		if !isTerminal(rt.state) && a.killed[rt.frameworkID][rt.id] {
			m.log.Warn("re-registered agent runs a task that was killed; killing it again", "framework_id", rt.frameworkID, "task_id", rt.id)
			link.killTask(rt.frameworkID, rt.id, nil)
		}
	}
	m.startPings(a)
	return rec
}

// startPings starts the agent's health check (SlaveObserver): a ping every
// AgentPingTimeout; MaxAgentPingTimeouts unanswered in a row mark it
// unreachable.
func (m *Master) startPings(a *agentEntry) {
	stopTimer(a.pingTimer)
	a.pingGen++
	a.pingTimeouts = 0
	a.pongReceived = false
	a.link.ping(m.id)
	m.armPing(a)
}

func (m *Master) armPing(a *agentEntry) {
	gen := a.pingGen
	a.pingTimer = m.clock.AfterFunc(m.cfg.AgentPingTimeout, func() {
		m.mb.post(func() { m.pingTimeout(a, gen) })
	})
}

func (m *Master) pingTimeout(a *agentEntry, gen int) {
	if m.stopping || a.pingGen != gen || m.agents[a.id] != a {
		return
	}
	if a.pongReceived {
		a.pingTimeouts = 0
	} else {
		a.pingTimeouts++
		m.log.Debug("agent did not answer a ping", "agent_id", a.id, "timeouts", a.pingTimeouts)
		if a.pingTimeouts >= m.cfg.MaxAgentPingTimeouts {
			m.markUnreachable(a, "health check timed out")
			return
		}
	}
	a.pongReceived = false
	a.link.ping(m.id)
	m.armPing(a)
}

func (m *Master) handlePong(agentID string) {
	if a := m.agents[agentID]; a != nil {
		a.pongReceived = true
	}
}

// handleAgentExited is Master::exited for an agent whose connection broke
// (it restarted): it stops being offered, the tasks of frameworks that do not
// checkpoint are lost at once, and it must re-register within
// AgentReregisterTimeout or be marked unreachable.
func (m *Master) handleAgentExited(agentID string) {
	a := m.agents[agentID]
	if a == nil || !a.connected || m.stopping {
		return
	}
	m.log.Info("agent disconnected", "agent_id", a.id, "hostname", a.info.Hostname)
	a.connected = false
	m.deactivateAgent(a)
	fids := map[string]bool{}
	for fid := range a.tasks {
		fids[fid] = true
	}
	for fid := range a.executors {
		fids[fid] = true
	}
	for _, fid := range sortedKeys(fids) {
		if fw := m.frameworks[fid]; fw != nil && !fw.info.GetCheckpoint() {
			m.removeFrameworkFromAgent(a, fw)
		}
	}
	a.reregGen++
	gen := a.reregGen
	a.reregTimer = m.clock.AfterFunc(m.cfg.AgentReregisterTimeout, func() {
		m.mb.post(func() {
			if a.reregGen == gen && !a.connected && m.agents[a.id] == a && !m.stopping {
				m.markUnreachable(a, "agent did not re-register within "+stoutDuration(m.cfg.AgentReregisterTimeout))
			}
		})
	})
}

// deactivateAgent stops offering the agent and rescinds what it has out.
func (m *Master) deactivateAgent(a *agentEntry) {
	a.active = false
	for _, id := range sortedKeys(a.offers) {
		m.removeOffer(a.offers[id], true)
	}
	for _, id := range sortedKeys(a.inverseOffers) {
		m.removeInverseOffer(a.inverseOffers[id], true)
	}
}

// removeFrameworkFromAgent is Master::removeFramework(Slave*, Framework*):
// the tasks of a non-checkpointing framework on a disconnected agent are
// lost.
func (m *Master) removeFrameworkFromAgent(a *agentEntry, fw *framework) {
	m.log.Info("removing a framework that does not checkpoint from a disconnected agent", "framework_id", fw.id, "agent_id", a.id)
	for _, tid := range sortedKeys(a.tasks[fw.id]) {
		t := a.tasks[fw.id][tid]
		st := m.masterStatus(t.id, &mesos.AgentID{Value: a.id}, mesos.TASK_LOST, mesos.REASON_AGENT_DISCONNECTED,
			"Agent "+a.info.Hostname+" disconnected")
		st.ExecutorID = &mesos.ExecutorID{Value: t.executorID}
		t.state = mesos.TASK_LOST
		m.removeTask(t)
		fw.send(updateEvent(st))
	}
	delete(a.executors, fw.id)
}

// removalKind says why an agent leaves the master, which decides what its
// tasks become.
type removalKind int

const (
	removalUnreachable removalKind = iota // markUnreachable
	removalGone                           // markGone
	removalMaintenance                    // START_MAINTENANCE (Master::_removeSlave)
)

// markUnreachable is Master::markUnreachable.
func (m *Master) markUnreachable(a *agentEntry, cause string) {
	m.log.Warn("marking agent unreachable", "agent_id", a.id, "hostname", a.info.Hostname, "cause", cause)
	m.removeAgent(a, removalUnreachable, cause)
}

// removeAgent takes an agent out of the master. Its tasks get an update
// from the master (no uuid): TASK_UNREACHABLE for PARTITION_AWARE frameworks
// when it became unreachable (with unreachable_time), TASK_GONE_BY_OPERATOR
// when it was marked gone, else TASK_LOST; then its executors are forgotten,
// its offers and inverse offers rescinded, and every framework gets
// FAILURE{agent_id}.
func (m *Master) removeAgent(a *agentEntry, kind removalKind, message string) {
	now := m.clock.Now()
	for _, fid := range sortedKeys(a.tasks) {
		fw := m.frameworks[fid]
		state, reason := mesos.TASK_LOST, mesos.REASON_AGENT_REMOVED
		switch {
		case fw == nil || !fw.partitionAware() || kind == removalMaintenance:
		case kind == removalUnreachable:
			state = mesos.TASK_UNREACHABLE
		case kind == removalGone:
			state, reason = mesos.TASK_GONE_BY_OPERATOR, mesos.REASON_AGENT_REMOVED_BY_OPERATOR
		}
		for _, tid := range sortedKeys(a.tasks[fid]) {
			t := a.tasks[fid][tid]
			st := m.masterStatus(t.id, &mesos.AgentID{Value: a.id}, state, reason, message)
			st.ExecutorID = &mesos.ExecutorID{Value: t.executorID}
			if kind == removalUnreachable {
				st.UnreachableTime = &mesos.TimeInfo{Nanoseconds: now.UnixNano()}
			}
			t.state = state
			m.removeTask(t)
			if fw == nil {
				continue
			}
			if kind == removalUnreachable {
				fw.unreachableTasks[t.id] = a.id
			}
			if fw.connected() {
				fw.send(updateEvent(st))
			} else {
				m.log.Warn("dropping update for a disconnected framework", "framework_id", fid, "task_id", t.id,
					"state", state.String())
			}
		}
	}
	a.executors = map[string]map[string]*mesos.ExecutorInfo{}
	a.active = false
	for _, id := range sortedKeys(a.offers) {
		m.removeOffer(a.offers[id], true)
	}
	for _, id := range sortedKeys(a.inverseOffers) {
		m.removeInverseOffer(a.inverseOffers[id], true)
	}
	stopTimer(a.pingTimer)
	stopTimer(a.reregTimer)
	a.pingGen++
	a.reregGen++
	delete(m.agents, a.id)
	for i, id := range m.agentOrder {
		if id == a.id {
			m.agentOrder = append(m.agentOrder[:i:i], m.agentOrder[i+1:]...)
			break
		}
	}
	switch kind {
	case removalUnreachable:
		m.unreachable[a.id] = now.UnixNano()
	case removalGone:
		m.gone[a.id] = now.UnixNano()
	case removalMaintenance:
		m.removed[a.id] = struct{}{}
	}
	m.sendAgentLost(a.id)
}

// sendAgentLost sends FAILURE{agent_id} to every connected framework.
func (m *Master) sendAgentLost(agentID string) {
	for _, fw := range m.sortedFrameworks() {
		fw.send(&scheduler.Event{Type: scheduler.Event_FAILURE,
			Failure: &scheduler.Event_Failure{AgentID: &mesos.AgentID{Value: agentID}}})
	}
}

// markGone is MARK_AGENT_GONE: a registered agent is removed (its tasks
// TASK_GONE_BY_OPERATOR for PARTITION_AWARE frameworks, else TASK_LOST) and
// told to shut down; an unreachable agent's tasks get the same update.
// A gone agent can never register again.
func (m *Master) markGone(agentID string) bool {
	if m.gone[agentID] != 0 {
		return true
	}
	const message = "Agent has been marked gone"
	if a := m.agents[agentID]; a != nil {
		m.log.Warn("marking agent gone", "agent_id", agentID)
		m.removeAgent(a, removalGone, message)
		a.link.shutdownAgent(m.id, message)
		return true
	}
	if _, ok := m.recovered[agentID]; ok {
		delete(m.recovered, agentID)
		m.gone[agentID] = m.clock.Now().UnixNano()
		return true
	}
	if _, ok := m.unreachable[agentID]; !ok {
		return false
	}
	m.log.Warn("marking unreachable agent gone", "agent_id", agentID)
	delete(m.unreachable, agentID)
	m.gone[agentID] = m.clock.Now().UnixNano()
	for _, fw := range m.sortedFrameworks() {
		var ids []string
		for tid, aid := range fw.unreachableTasks {
			if aid == agentID {
				ids = append(ids, tid)
			}
		}
		sort.Strings(ids)
		state, reason := mesos.TASK_GONE_BY_OPERATOR, mesos.REASON_AGENT_REMOVED_BY_OPERATOR
		if !fw.partitionAware() {
			state, reason = mesos.TASK_LOST, mesos.REASON_AGENT_REMOVED
		}
		for _, tid := range ids {
			delete(fw.unreachableTasks, tid)
			fw.send(updateEvent(m.masterStatus(tid, &mesos.AgentID{Value: agentID}, state, reason, message)))
		}
	}
	return true
}

// Messages from agents.

func (m *Master) pong(agentID string) { m.mb.post(func() { m.handlePong(agentID) }) }

func (m *Master) registerAgent(r agentReport, link agentLink) {
	m.mb.post(func() { m.handleRegisterAgent(r, link) })
}
