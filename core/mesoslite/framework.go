package mesoslite

import (
	"sort"
	"time"

	"github.com/gogo/protobuf/proto"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

// framework is the master's record of a framework.
type framework struct {
	id     string
	info   mesos.FrameworkInfo
	stream *eventStream // the current subscription; nil while disconnected

	failoverTimer Timer
	failoverGen   int

	tasks map[string]*task
	// unreachableTasks are the tasks of unreachable agents (task → agent
	// id); their ids may not be reused.
	unreachableTasks map[string]string
	offers           map[string]*offer
	inverseOffers    map[string]*inverseOffer
	inverseFilters   map[string]time.Time      // agent id → no inverse offers until
	filters          map[string][]*offerFilter // agent id → refusal filters
	suppressed       map[string]bool           // roles
}

func newFramework(id string, info mesos.FrameworkInfo) *framework {
	return &framework{
		id:               id,
		info:             info,
		tasks:            map[string]*task{},
		unreachableTasks: map[string]string{},
		offers:           map[string]*offer{},
		inverseOffers:    map[string]*inverseOffer{},
		inverseFilters:   map[string]time.Time{},
		filters:          map[string][]*offerFilter{},
		suppressed:       map[string]bool{},
	}
}

func (fw *framework) connected() bool { return fw.stream != nil }

// send queues an event on the current subscription. Events for a disconnected
// framework are dropped, as Mesos does.
func (fw *framework) send(e *scheduler.Event) {
	if fw.stream != nil {
		fw.stream.send(e)
	}
}

func (fw *framework) hasCapability(c mesos.FrameworkInfo_Capability_Type) bool {
	for _, cap := range fw.info.Capabilities {
		if cap.Type == c {
			return true
		}
	}
	return false
}

func (fw *framework) partitionAware() bool {
	return fw.hasCapability(mesos.FrameworkInfo_Capability_PARTITION_AWARE)
}

func (fw *framework) multiRole() bool {
	return fw.hasCapability(mesos.FrameworkInfo_Capability_MULTI_ROLE)
}

// roles are the framework's roles: FrameworkInfo.roles for MULTI_ROLE
// frameworks, else the single (deprecated) role, "*" by default.
func (fw *framework) roles() []string {
	if fw.multiRole() {
		out := append([]string(nil), fw.info.Roles...)
		sort.Strings(out)
		return out
	}
	return []string{fw.info.GetRole()}
}

// offerRole is the first role that is not suppressed, or "" if all are.
func (fw *framework) offerRole() string {
	for _, r := range fw.roles() {
		if !fw.suppressed[r] {
			return r
		}
	}
	return ""
}

// subscribe handles SUBSCRIBE (Master::subscribe/_subscribe): a new framework,
// a recovered one (unknown id) or a failover of a known one.
func (m *Master) subscribe(s *eventStream, call *scheduler.Call) {
	if m.stopping {
		s.send(errorEvent("Master is shutting down"))
		s.close()
		return
	}
	info := *proto.Clone(call.Subscribe.FrameworkInfo).(*mesos.FrameworkInfo)
	id := info.GetID().GetValue()
	if id == "" && call.FrameworkID != nil {
		id = call.FrameworkID.Value
	}
	if id != "" {
		if _, removed := m.completed[id]; removed {
			m.log.Warn("refusing subscription of a removed framework", "framework_id", id)
			s.send(errorEvent("Framework has been removed"))
			s.close()
			return
		}
	}

	var fw *framework
	switch {
	case id == "":
		id = frameworkIDFor(m.id, m.nextFramework)
		m.nextFramework++
		info.ID = &mesos.FrameworkID{Value: id}
		fw = newFramework(id, info)
		m.frameworks[id] = fw
		m.log.Info("framework subscribed", "framework_id", id, "name", info.Name)
	case m.frameworks[id] == nil:
		// After a master failover frameworks re-subscribe with their ids; any
		// id that was not removed is accepted and the framework recovered.
		info.ID = &mesos.FrameworkID{Value: id}
		fw = newFramework(id, info)
		m.frameworks[id] = fw
		m.log.Info("framework recovered on subscription", "framework_id", id, "name", info.Name)
	default:
		fw = m.frameworks[id]
		m.failover(fw, info)
	}

	fw.stream = s
	fw.suppressed = map[string]bool{}
	for _, r := range call.Subscribe.SuppressedRoles {
		fw.suppressed[r] = true
	}
	hb := m.cfg.HeartbeatInterval.Seconds()
	fid := mesos.FrameworkID{Value: id}
	info2 := m.info
	s.send(&scheduler.Event{
		Type: scheduler.Event_SUBSCRIBED,
		Subscribed: &scheduler.Event_Subscribed{
			FrameworkID:              &fid,
			HeartbeatIntervalSeconds: &hb,
			MasterInfo:               &info2,
		},
	})
	s.send(heartbeatEvent())
	m.requestAllocation()
}

// failover replaces the subscription of a known framework: the old stream
// gets ERROR "Framework failed over" and is closed, outstanding offers are
// discarded without RESCIND, and the agents resend the head of every pending
// status-update stream.
func (m *Master) failover(fw *framework, info mesos.FrameworkInfo) {
	m.log.Info("framework failed over", "framework_id", fw.id, "was_connected", fw.connected())
	if fw.stream != nil {
		fw.stream.send(errorEvent("Framework failed over"))
		fw.stream.close()
		fw.stream = nil
	}
	stopTimer(fw.failoverTimer)
	fw.failoverGen++
	// Immutable fields keep their old values.
	info.ID = &mesos.FrameworkID{Value: fw.id}
	info.User = fw.info.User
	info.Checkpoint = fw.info.Checkpoint
	info.Principal = fw.info.Principal
	fw.info = info
	for _, o := range fw.offers {
		m.removeOffer(o, false)
	}
	m.discardInverseOffers(fw)
	fw.filters = map[string][]*offerFilter{}
	fw.inverseFilters = map[string]time.Time{}
	for _, aid := range m.agentOrder {
		m.agents[aid].link.updateFramework(fw.info)
	}
}

// streamClosed runs when a subscription's connection ends. If it is still the
// framework's current one, the framework is disconnected: inactive, its offers
// rescinded, calls answered 403, and removed after failover_timeout.
func (m *Master) streamClosed(s *eventStream) {
	for _, fw := range m.frameworks {
		if fw.stream != s {
			continue
		}
		fw.stream = nil
		for _, o := range fw.offers {
			m.removeOffer(o, false)
		}
		m.discardInverseOffers(fw)
		fw.filters = map[string][]*offerFilter{}
		if m.stopping {
			return
		}
		timeout := secondsDuration(fw.info.GetFailoverTimeout())
		m.log.Info("framework disconnected", "framework_id", fw.id, "failover_timeout", timeout)
		fw.failoverGen++
		gen := fw.failoverGen
		fw.failoverTimer = m.clock.AfterFunc(timeout, func() {
			m.mb.post(func() {
				if fw.failoverGen == gen && !fw.connected() && m.frameworks[fw.id] == fw {
					m.log.Info("framework failover timeout expired", "framework_id", fw.id)
					m.removeFramework(fw)
				}
			})
		})
		return
	}
}

// removeFramework tears a framework down (TEARDOWN or failover timeout): its
// executors are shut down, its tasks and offers forgotten, its stream closed,
// and its id can never subscribe again.
func (m *Master) removeFramework(fw *framework) {
	m.log.Info("removing framework", "framework_id", fw.id, "tasks", len(fw.tasks))
	stopTimer(fw.failoverTimer)
	fw.failoverGen++
	if fw.stream != nil {
		fw.stream.close()
		fw.stream = nil
	}
	for _, o := range fw.offers {
		m.removeOffer(o, false)
	}
	m.discardInverseOffers(fw)
	for _, aid := range m.agentOrder {
		a := m.agents[aid]
		a.link.shutdownFramework(fw.id)
		delete(a.tasks, fw.id)
		delete(a.executors, fw.id)
		delete(a.killed, fw.id)
		delete(a.inverseStatuses, fw.id)
	}
	delete(m.frameworks, fw.id)
	m.addCompleted(fw.id)
}

// updateFramework handles UPDATE_FRAMEWORK: the mutable fields change, the
// immutable ones (user, checkpoint, principal) may not.
func (m *Master) updateFramework(fw *framework, u *scheduler.Call_UpdateFramework) httpStatus {
	info := *proto.Clone(&u.FrameworkInfo).(*mesos.FrameworkInfo)
	if info.GetID().GetValue() != fw.id {
		return statusf(400, "'UpdateFramework.framework_info.id' is not equal to 'Call.framework_id'")
	}
	if info.User != fw.info.User || info.GetCheckpoint() != fw.info.GetCheckpoint() ||
		info.GetPrincipal() != fw.info.GetPrincipal() {
		return statusf(400, "Updating immutable FrameworkInfo fields (user, checkpoint, principal) is not allowed")
	}
	fw.info = info
	fw.suppressed = map[string]bool{}
	for _, r := range u.SuppressedRoles {
		fw.suppressed[r] = true
	}
	m.requestAllocation()
	return httpStatus{code: 200}
}

// cutStream ends a framework's subscription abruptly, as a broken connection
// would: no ERROR, the stream just stops, and the framework is disconnected.
func (m *Master) cutStream(frameworkID string) bool {
	fw := m.frameworks[frameworkID]
	if fw == nil || fw.stream == nil {
		return false
	}
	m.log.Info("cutting the subscription stream", "framework_id", fw.id, "stream_id", fw.stream.id)
	s := fw.stream
	s.cut()
	m.streamClosed(s)
	return true
}
