package mesoslite

import (
	"encoding/binary"
	"net"
	"sort"
	"strconv"
	"sync/atomic"

	hclog "github.com/hashicorp/go-hclog"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

// maxCompletedFrameworks bounds the memory of torn-down framework ids (Mesos
// keeps --max_completed_frameworks=50 for its UI; we only need the ids).
const maxCompletedFrameworks = 1000

// Master is the embedded Mesos master actor. All fields are owned by its
// mailbox goroutine.
type Master struct {
	id     string
	cfg    Config
	log    hclog.Logger
	clock  Clock
	mb     *mailbox
	info   mesos.MasterInfo
	addr   string // host:port of the listener
	faults *faults

	frameworks     map[string]*framework
	completed      map[string]struct{}
	completedOrder []string
	agents         map[string]*agentEntry // registered, connected or not
	agentOrder     []string
	offers         map[string]*offer
	inverseOffers  map[string]*inverseOffer
	nextFramework  int
	nextOffer      int
	nextAgent      int
	allocQueued    bool
	// timedAllocQueued is set while an allocation posted by the timer waits
	// in the mailbox (the timer runs on its own goroutine).
	timedAllocQueued atomic.Bool
	stopping         bool

	// What a Mesos master keeps in its registry and recovers after a
	// failover (see registry), and what it only keeps in memory.
	recovered      map[string]mesos.AgentInfo // admitted, not re-registered since the failover
	recoveredTimer Timer
	unreachable    map[string]int64 // agent id → unreachable time (ns)
	gone           map[string]int64 // agent id → gone time (ns)
	removed        map[string]struct{}
	machines       map[string]*machine // scheduled machines by hostname
	schedule       []MaintenanceWindow
}

// agentEntry is the master's view of an agent: its totals and what is
// allocated on it (tasks, executors, outstanding offers).
type agentEntry struct {
	id        string
	info      mesos.AgentInfo
	total     resVec
	link      agentLink
	endpoint  string                                    // ip:port of its executor API
	tasks     map[string]map[string]*task               // framework → task id
	executors map[string]map[string]*mesos.ExecutorInfo // framework → executor id
	offers    map[string]*offer
	killed    map[string]map[string]bool // framework → tasks killed, re-killed on re-registration

	// connected is false once its connection broke (it restarted) until it
	// re-registers; active is whether its resources are offered.
	connected bool
	active    bool

	pingTimer    Timer
	pingGen      int
	pongReceived bool
	pingTimeouts int
	reregTimer   Timer
	reregGen     int

	inverseOffers      map[string]*inverseOffer
	inverseOutstanding map[string]bool                // frameworks with an outstanding inverse offer
	inverseStatuses    map[string]*InverseOfferStatus // framework → its last answer
}

// task is the master's record of a launched task.
type task struct {
	id          string
	frameworkID string
	agentID     string
	executorID  string
	state       mesos.TaskState
	// statusUpdateState/UUID are those of the newest reliable update
	// forwarded (the head of the agent's stream); reconciliation reports it.
	statusUpdateState *mesos.TaskState
	statusUpdateUUID  []byte
	resources         resVec
	latest            *mesos.TaskStatus
}

func newMaster(id string, cfg Config, reg *registry, f *faults) *Master {
	m := &Master{
		id:            id,
		cfg:           cfg,
		log:           cfg.Logger.Named("master").With("master_id", id),
		clock:         cfg.Clock,
		mb:            newMailbox(),
		faults:        f,
		frameworks:    map[string]*framework{},
		completed:     map[string]struct{}{},
		agents:        map[string]*agentEntry{},
		offers:        map[string]*offer{},
		inverseOffers: map[string]*inverseOffer{},
		recovered:     map[string]mesos.AgentInfo{},
		unreachable:   map[string]int64{},
		gone:          map[string]int64{},
		removed:       map[string]struct{}{},
		machines:      map[string]*machine{},
	}
	m.recoverRegistry(reg)
	return m
}

// masterInfo is the MasterInfo of a master process with the given id
// listening on addr, as it appears in SUBSCRIBED and in ZooKeeper.
func masterInfo(id string, addr *net.TCPAddr, hostname string) mesos.MasterInfo {
	ip := addr.IP.To4()
	var ipNum uint32
	if ip != nil {
		// MasterInfo.ip is the in_addr in network byte order read as a
		// little-endian uint32 (MESOS-1201).
		ipNum = binary.LittleEndian.Uint32(ip)
	}
	port := uint32(addr.Port)
	ipStr := addr.IP.String()
	pid := "master@" + net.JoinHostPort(ipStr, strconv.Itoa(addr.Port))
	version := mesosVersion
	return mesos.MasterInfo{
		ID:           id,
		IP:           ipNum,
		Port:         &port,
		PID:          &pid,
		Hostname:     &hostname,
		Version:      &version,
		Address:      &mesos.Address{Hostname: &hostname, IP: &ipStr, Port: int32(addr.Port)},
		Capabilities: []mesos.MasterInfo_Capability{{Type: mesos.MasterInfo_Capability_AGENT_UPDATE}},
	}
}

// setAddress fills MasterInfo once the listener is bound. Called before the
// actor starts.
func (m *Master) setAddress(addr *net.TCPAddr, hostname string) {
	m.addr = addr.String()
	m.info = masterInfo(m.id, addr, hostname)
}

// newAgentID allocates the next agent id; only before the actor starts.
func (m *Master) newAgentID() string {
	id := agentIDFor(m.id, m.nextAgent)
	m.nextAgent++
	return id
}

// stop closes every subscription and stops every timer; the master refuses
// new subscriptions from now on. With cut the streams end abruptly, as when a
// master process dies; otherwise after the events already queued.
func (m *Master) stop(cut bool) {
	m.stopping = true
	stopTimer(m.recoveredTimer)
	for _, fw := range m.sortedFrameworks() {
		stopTimer(fw.failoverTimer)
		fw.failoverGen++
		if fw.stream != nil {
			if cut {
				fw.stream.cut()
			} else {
				fw.stream.close()
			}
			fw.stream = nil
		}
		for _, o := range fw.offers {
			m.removeOffer(o, false)
		}
		m.discardInverseOffers(fw)
	}
	for _, a := range m.agents {
		stopTimer(a.pingTimer)
		stopTimer(a.reregTimer)
		a.pingGen++
		a.reregGen++
	}
}

func (m *Master) sortedFrameworks() []*framework {
	out := make([]*framework, 0, len(m.frameworks))
	for _, fw := range m.frameworks {
		out = append(out, fw)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (m *Master) addCompleted(id string) {
	if _, ok := m.completed[id]; ok {
		return
	}
	m.completed[id] = struct{}{}
	m.completedOrder = append(m.completedOrder, id)
	if len(m.completedOrder) > maxCompletedFrameworks {
		delete(m.completed, m.completedOrder[0])
		m.completedOrder = m.completedOrder[1:]
	}
}

// available is what is left of the agent's total once everything in use on
// it is taken out: live tasks, executors and outstanding offers. A task stops
// counting once its latest state is terminal; an executor once the agent
// reports it exited. Subtracting each in turn leaves what subtracting their
// sum would.
func (m *Master) available(a *agentEntry) resVec {
	avail := a.total.clone()
	for _, tasks := range a.tasks {
		for _, t := range tasks {
			if !isTerminal(t.state) {
				avail.subVec(t.resources)
			}
		}
	}
	for _, execs := range a.executors {
		for _, e := range execs {
			avail.sub(e.Resources)
		}
	}
	for _, o := range a.offers {
		avail.subVec(o.resources)
	}
	return avail
}

func (m *Master) removeTask(t *task) {
	if fw := m.frameworks[t.frameworkID]; fw != nil {
		delete(fw.tasks, t.id)
	}
	if a := m.agents[t.agentID]; a != nil {
		if killed := a.killed[t.frameworkID]; killed != nil {
			delete(killed, t.id)
			if len(killed) == 0 {
				delete(a.killed, t.frameworkID)
			}
		}
		if tasks := a.tasks[t.frameworkID]; tasks != nil {
			delete(tasks, t.id)
			if len(tasks) == 0 {
				delete(a.tasks, t.frameworkID)
			}
		}
	}
}

func (m *Master) now() float64 { return nowSeconds(m.clock) }

// isTerminal is protobuf::isTerminalState.
func isTerminal(s mesos.TaskState) bool {
	switch s {
	case mesos.TASK_FINISHED, mesos.TASK_FAILED, mesos.TASK_KILLED, mesos.TASK_LOST,
		mesos.TASK_ERROR, mesos.TASK_DROPPED, mesos.TASK_GONE, mesos.TASK_GONE_BY_OPERATOR:
		return true
	}
	return false
}

// masterStatus builds a status generated by the master: SOURCE_MASTER, no uuid,
// so never retried and never to be acknowledged.
func (m *Master) masterStatus(taskID string, agentID *mesos.AgentID, state mesos.TaskState,
	reason mesos.TaskStatus_Reason, message string) mesos.TaskStatus {
	ts := m.now()
	return mesos.TaskStatus{
		TaskID:    mesos.TaskID{Value: taskID},
		State:     state.Enum(),
		Source:    mesos.SOURCE_MASTER.Enum(),
		Reason:    reason.Enum(),
		Message:   &message,
		AgentID:   agentID,
		Timestamp: &ts,
	}
}

func updateEvent(status mesos.TaskStatus) *scheduler.Event {
	return &scheduler.Event{Type: scheduler.Event_UPDATE, Update: &scheduler.Event_Update{Status: status}}
}

func errorEvent(message string) *scheduler.Event {
	return &scheduler.Event{Type: scheduler.Event_ERROR, Error: &scheduler.Event_Error{Message: message}}
}

func heartbeatEvent() *scheduler.Event { return &scheduler.Event{Type: scheduler.Event_HEARTBEAT} }
