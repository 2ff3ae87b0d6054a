package mesoslite

import (
	"bytes"
	"errors"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// Errors of the task status update manager. The master only logs them.
var (
	errNoUpdateStream = errors.New("cannot find the status update stream")
	errUnexpectedAck  = errors.New("unexpected status update acknowledgement")
	errDuplicateAck   = errors.New("duplicate status update acknowledgement")
)

// pendingUpdate is one reliable status update of a task stream.
type pendingUpdate struct {
	frameworkID string
	status      mesos.TaskStatus // UUID is always set
}

// updateStream is the per-task stream of the task status update manager:
// updates in the order received, only the head in flight to the master.
type updateStream struct {
	frameworkID string
	taskID      string
	pending     []*pendingUpdate
	received    map[string]struct{}
	acked       map[string]struct{}
	timer       Timer
	interval    time.Duration
	gen         int
}

// statusUpdateManager is the agent's TaskStatusUpdateManager (mesos.md §1.8):
// one stream per task, the head forwarded to the master and retried after
// StatusUpdateRetry doubling up to StatusUpdateRetryMax until the scheduler
// acknowledges it; duplicates (same uuid) are dropped; a terminal ACK ends the
// stream. It lives inside the agent actor; its timers post to the agent's
// mailbox.
type statusUpdateManager struct {
	log      hclog.Logger
	clock    Clock
	post     func(func()) bool
	forward  func(*pendingUpdate)
	min, max time.Duration
	streams  map[string]map[string]*updateStream // framework → task
	// paused holds every update back while the agent is not registered
	// with a master; resumeAll sends the heads again.
	paused bool
}

func newStatusUpdateManager(log hclog.Logger, clock Clock, post func(func()) bool,
	forward func(*pendingUpdate), min, max time.Duration) *statusUpdateManager {
	return &statusUpdateManager{log: log, clock: clock, post: post, forward: forward, min: min, max: max,
		streams: map[string]map[string]*updateStream{}}
}

func (m *statusUpdateManager) stream(frameworkID, taskID string) *updateStream {
	return m.streams[frameworkID][taskID]
}

// isDuplicate reports whether the update's uuid was already received.
func (m *statusUpdateManager) isDuplicate(frameworkID string, status *mesos.TaskStatus) bool {
	s := m.stream(frameworkID, status.TaskID.Value)
	if s == nil {
		return false
	}
	key := string(status.UUID)
	_, r := s.received[key]
	_, a := s.acked[key]
	return r || a
}

// update records a new reliable update and forwards it if it is the head.
// Duplicates are ignored (reported as nil: they are recorded already).
func (m *statusUpdateManager) update(u *pendingUpdate) error {
	fid, tid := u.frameworkID, u.status.TaskID.Value
	if m.isDuplicate(fid, &u.status) {
		m.log.Debug("ignoring duplicate status update", "framework_id", fid, "task_id", tid,
			"uuid", uuidString(u.status.UUID))
		return nil
	}
	if m.streams[fid] == nil {
		m.streams[fid] = map[string]*updateStream{}
	}
	s := m.streams[fid][tid]
	if s == nil {
		s = &updateStream{frameworkID: fid, taskID: tid, received: map[string]struct{}{}, acked: map[string]struct{}{}}
		m.streams[fid][tid] = s
	}
	s.received[string(u.status.UUID)] = struct{}{}
	s.pending = append(s.pending, u)
	if len(s.pending) == 1 {
		m.forwardHead(s, m.min)
	}
	return nil
}

// forwardHead sends the head to the master and arms the retry timer, unless
// the manager is paused.
func (m *statusUpdateManager) forwardHead(s *updateStream, interval time.Duration) {
	stopTimer(s.timer)
	s.gen++
	if m.paused {
		return
	}
	m.forward(s.pending[0])
	s.interval = interval
	gen := s.gen
	s.timer = m.clock.AfterFunc(interval, func() {
		m.post(func() { m.retry(s, gen) })
	})
}

func (m *statusUpdateManager) retry(s *updateStream, gen int) {
	if s.gen != gen || len(s.pending) == 0 || m.stream(s.frameworkID, s.taskID) != s {
		return
	}
	next := 2 * s.interval
	if next > m.max {
		next = m.max
	}
	m.log.Debug("resending unacknowledged status update", "framework_id", s.frameworkID, "task_id", s.taskID,
		"uuid", uuidString(s.pending[0].status.UUID), "next_retry", next)
	m.forwardHead(s, next)
}

// acknowledge pops the head if uuid is its uuid, then forwards the next one.
// It returns the acknowledged update, and whether it ended the stream.
func (m *statusUpdateManager) acknowledge(frameworkID, taskID string, uuid []byte) (*pendingUpdate, bool, error) {
	s := m.stream(frameworkID, taskID)
	if s == nil {
		return nil, false, errNoUpdateStream
	}
	if len(s.pending) == 0 || !bytes.Equal(s.pending[0].status.UUID, uuid) {
		if _, ok := s.acked[string(uuid)]; ok {
			return nil, false, errDuplicateAck
		}
		return nil, false, errUnexpectedAck
	}
	head := s.pending[0]
	s.pending = s.pending[1:]
	s.acked[string(uuid)] = struct{}{}
	stopTimer(s.timer)
	s.gen++
	if isTerminal(head.status.GetState()) {
		if len(s.pending) > 0 {
			m.log.Warn("dropping status updates queued after a terminal one", "framework_id", frameworkID,
				"task_id", taskID, "dropped", len(s.pending))
		}
		m.remove(s)
		return head, true, nil
	}
	if len(s.pending) > 0 {
		m.forwardHead(s, m.min)
	}
	return head, false, nil
}

// resume resends the head of every stream of the framework at once (after a
// framework failover) and restarts its retry backoff.
func (m *statusUpdateManager) resume(frameworkID string) {
	if m.paused {
		return
	}
	for _, s := range m.streams[frameworkID] {
		if len(s.pending) > 0 {
			m.log.Info("resending status update", "framework_id", frameworkID, "task_id", s.taskID,
				"uuid", uuidString(s.pending[0].status.UUID))
			m.forwardHead(s, m.min)
		}
	}
}

// pause holds every update back (the agent lost its master).
func (m *statusUpdateManager) pause() {
	m.paused = true
	for _, tasks := range m.streams {
		for _, s := range tasks {
			stopTimer(s.timer)
			s.gen++
		}
	}
}

// resumeAll sends the head of every stream again (the agent registered).
func (m *statusUpdateManager) resumeAll() {
	m.paused = false
	for _, fid := range sortedKeys(m.streams) {
		for _, tid := range sortedKeys(m.streams[fid]) {
			if s := m.streams[fid][tid]; len(s.pending) > 0 {
				m.forwardHead(s, m.min)
			}
		}
	}
}

// restore brings back a checkpointed stream without forwarding anything;
// resumeAll does once the agent has registered.
func (m *statusUpdateManager) restore(frameworkID, taskID string, pending []mesos.TaskStatus, acked [][]byte) {
	if m.streams[frameworkID] == nil {
		m.streams[frameworkID] = map[string]*updateStream{}
	}
	s := &updateStream{frameworkID: frameworkID, taskID: taskID, received: map[string]struct{}{}, acked: map[string]struct{}{}}
	for _, st := range pending {
		s.received[string(st.UUID)] = struct{}{}
		s.pending = append(s.pending, &pendingUpdate{frameworkID: frameworkID, status: st})
	}
	for _, u := range acked {
		s.acked[string(u)] = struct{}{}
	}
	m.streams[frameworkID][taskID] = s
}

// head is the update of a task's stream waiting for its acknowledgement.
func (m *statusUpdateManager) head(frameworkID, taskID string) *pendingUpdate {
	if s := m.stream(frameworkID, taskID); s != nil && len(s.pending) > 0 {
		return s.pending[0]
	}
	return nil
}

// latestState is the state of the newest update received on the task's stream.
func (m *statusUpdateManager) latestState(frameworkID, taskID string) (mesos.TaskState, bool) {
	s := m.stream(frameworkID, taskID)
	if s == nil || len(s.pending) == 0 {
		return 0, false
	}
	return s.pending[len(s.pending)-1].status.GetState(), true
}

func (m *statusUpdateManager) hasStreams(frameworkID string) bool {
	return len(m.streams[frameworkID]) > 0
}

// cleanup drops all streams of a framework (it was shut down).
func (m *statusUpdateManager) cleanup(frameworkID string) {
	for _, s := range m.streams[frameworkID] {
		stopTimer(s.timer)
		s.gen++
	}
	delete(m.streams, frameworkID)
}

func (m *statusUpdateManager) remove(s *updateStream) {
	stopTimer(s.timer)
	s.gen++
	if tasks := m.streams[s.frameworkID]; tasks != nil {
		delete(tasks, s.taskID)
		if len(tasks) == 0 {
			delete(m.streams, s.frameworkID)
		}
	}
}

// stop cancels every retry timer.
func (m *statusUpdateManager) stop() {
	for fid := range m.streams {
		m.cleanup(fid)
	}
}
