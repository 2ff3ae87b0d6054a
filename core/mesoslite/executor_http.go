package mesoslite

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gogo/protobuf/proto"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/executor"
)

// serveExecutor is POST /api/v1/executor (Slave::Http::executor).
func (a *Agent) serveExecutor(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, r)
		return
	}
	codec, bad := requestCodec(r)
	if bad != nil {
		bad.write(w)
		return
	}
	var call executor.Call
	if err := decodeCall(codec, r.Body, r.ContentLength, &call); err != nil {
		statusf(http.StatusBadRequest, "Failed to parse body into Call: %v", err).write(w)
		return
	}
	if err := validateExecutorCall(&call); err != nil {
		statusf(http.StatusBadRequest, "Failed to validate executor::Call: %v", err).write(w)
		return
	}
	switch call.Type {
	case executor.Call_HEARTBEAT:
		accepted.write(w)
		return
	case executor.Call_UNKNOWN:
		statusf(http.StatusNotImplemented, "Received an unexpected 'UNKNOWN' call").write(w)
		return
	case executor.Call_SUBSCRIBE:
		a.serveSubscribe(w, r, &call)
		return
	}
	var res httpStatus
	if err := a.mb.call(r.Context(), func() { res = a.handleExecutorCall(&call) }); err != nil {
		statusf(http.StatusServiceUnavailable, "Agent is shutting down").write(w)
		return
	}
	res.write(w)
}

func (a *Agent) serveSubscribe(w http.ResponseWriter, r *http.Request, call *executor.Call) {
	out, ok := acceptCodec(r.Header)
	if !ok {
		notAcceptable(w)
		return
	}
	s := newEventStream(out, "")
	var res httpStatus
	if err := a.mb.call(r.Context(), func() { res = a.subscribeExecutor(s, call) }); err != nil {
		s.close()
		a.mb.post(func() { a.executorStreamClosed(s) })
		statusf(http.StatusServiceUnavailable, "Agent is shutting down").write(w)
		return
	}
	if res.code != http.StatusOK {
		res.write(w)
		return
	}
	header := http.Header{}
	header.Set("Content-Type", out.Type.ContentType())
	header.Set("Cache-Control", "no-cache")
	err := s.serve(r.Context(), w, header, executorHeartbeats(a.clock))
	if err != nil {
		a.log.Debug("executor stream ended", "executor_id", call.ExecutorID.Value, "error", err)
	}
	a.mb.post(func() { a.executorStreamClosed(s) })
	abortIfCut(err)
}

// lookupExecutor finds the framework and executor of a call (400 if unknown).
func (a *Agent) lookupExecutor(call *executor.Call) (*agentFramework, *agentExecutor, *httpStatus) {
	fw := a.frameworks[call.FrameworkID.Value]
	if fw == nil {
		s := statusf(http.StatusBadRequest, "Framework cannot be found")
		return nil, nil, &s
	}
	ex := fw.executors[call.ExecutorID.Value]
	if ex == nil {
		s := statusf(http.StatusBadRequest, "Executor cannot be found")
		return nil, nil, &s
	}
	return fw, ex, nil
}

// subscribeExecutor is Slave::subscribe. A terminating executor gets SHUTDOWN.
// Otherwise any older connection is closed, the unacknowledged updates are
// replayed, launched tasks still STAGING that the executor does not know are
// lost, then SUBSCRIBED and the queued tasks as LAUNCH events.
func (a *Agent) subscribeExecutor(s *eventStream, call *executor.Call) httpStatus {
	fw, ex, bad := a.lookupExecutor(call)
	if bad != nil {
		return *bad
	}
	if a.stopping || a.down || fw.terminating || ex.state == executorTerminating || ex.state == executorTerminated {
		a.log.Info("shutting down a subscribing executor that is terminating", "framework_id", fw.id, "executor_id", ex.id)
		s.send(&executor.Event{Type: executor.Event_SHUTDOWN})
		s.close()
		return httpStatus{code: http.StatusOK}
	}
	ex.closeStream()
	ex.stream = s

	var acks []*executor.Event
	for _, u := range call.Subscribe.UnacknowledgedUpdates {
		status := *proto.Clone(&u.Status).(*mesos.TaskStatus)
		if err := validateExecutorStatus(ex.id, &status); err != nil {
			a.log.Warn("ignoring an invalid unacknowledged update", "executor_id", ex.id, "error", err)
			continue
		}
		a.executorUpdate(fw, ex, status)
		acks = append(acks, acknowledgedEvent(status))
	}
	known := map[string]bool{}
	for _, t := range call.Subscribe.UnacknowledgedTasks {
		known[t.TaskID.Value] = true
	}
	for _, t := range ex.orderedTasks() {
		if !t.queued && t.state == mesos.TASK_STAGING && !known[t.info.TaskID.Value] {
			a.agentUpdate(fw, ex, t.info.TaskID.Value, a.lostState(fw), mesos.REASON_AGENT_RESTARTED,
				"Task launched during agent restart")
		}
	}

	ex.state = executorRunning
	stopTimer(ex.regTimer)
	a.markDirty(ex)
	a.flushCheckpoints()
	agentInfo := a.info
	containerID := mesos.ContainerID{Value: ex.containerID}
	s.send(&executor.Event{Type: executor.Event_SUBSCRIBED, Subscribed: &executor.Event_Subscribed{
		ExecutorInfo:  ex.info,
		FrameworkInfo: fw.info,
		AgentInfo:     agentInfo,
		ContainerID:   &containerID,
	}})
	for _, e := range acks {
		s.send(e)
	}
	for _, id := range ex.queue {
		if t := ex.tasks[id]; t != nil {
			t.queued = false
			s.send(&executor.Event{Type: executor.Event_LAUNCH, Launch: &executor.Event_Launch{Task: t.info}})
		}
	}
	ex.queue = nil
	a.log.Info("executor subscribed", "framework_id", fw.id, "executor_id", ex.id, "tasks", len(ex.tasks))
	if ex.recovered {
		a.executorResubscribed(ex)
		if !ex.hasLiveTasks() {
			// Everything it was given was dropped: nothing left to run.
			a.log.Info("shutting down a re-subscribed executor without live tasks", "framework_id", fw.id, "executor_id", ex.id)
			a.terminateExecutor(fw, ex)
		}
	}
	return httpStatus{code: http.StatusOK}
}

func (a *Agent) executorStreamClosed(s *eventStream) {
	for _, fw := range a.frameworks {
		for _, ex := range fw.executors {
			if ex.stream == s {
				ex.stream = nil
				a.log.Info("executor disconnected", "framework_id", fw.id, "executor_id", ex.id)
				return
			}
		}
	}
}

// handleExecutorCall runs UPDATE and MESSAGE. The executor must have
// subscribed (else 403).
func (a *Agent) handleExecutorCall(call *executor.Call) httpStatus {
	fw, ex, bad := a.lookupExecutor(call)
	if bad != nil {
		return *bad
	}
	if ex.state == executorRegistering {
		return statusf(http.StatusForbidden, "Executor is not subscribed")
	}
	switch call.Type {
	case executor.Call_UPDATE:
		status := clone(&call.Update.Status)
		a.executorUpdate(fw, ex, status)
		// The update is recorded (and checkpointed): tell the executor to
		// stop resending it.
		a.flushCheckpoints()
		ex.send(acknowledgedEvent(status))
	case executor.Call_MESSAGE:
		a.master.executorMessage(a.id, fw.id, ex.id, append([]byte(nil), call.Message.Data...))
	default:
		return statusf(http.StatusNotImplemented, "Received an unexpected '%s' call", call.Type.String())
	}
	return accepted
}

// executorUpdate records a status update from an executor.
func (a *Agent) executorUpdate(fw *agentFramework, ex *agentExecutor, status mesos.TaskStatus) {
	status.AgentID = &mesos.AgentID{Value: a.id}
	if status.ExecutorID == nil {
		status.ExecutorID = &mesos.ExecutorID{Value: ex.id}
	}
	if status.Timestamp == nil {
		ts := nowSeconds(a.clock)
		status.Timestamp = &ts
	}
	a.statusUpdate(fw.id, ex, status)
}

func acknowledgedEvent(status mesos.TaskStatus) *executor.Event {
	return &executor.Event{Type: executor.Event_ACKNOWLEDGED, Acknowledged: &executor.Event_Acknowledged{
		TaskID: status.TaskID, UUID: append([]byte(nil), status.UUID...)}}
}

// validateExecutorCall is validation::executor::call::validate.
func validateExecutorCall(c *executor.Call) error {
	if c.ExecutorID.Value == "" {
		return errors.New("Expecting 'executor_id' to be present")
	}
	if c.FrameworkID.Value == "" {
		return errors.New("Expecting 'framework_id' to be present")
	}
	switch c.Type {
	case executor.Call_SUBSCRIBE:
		if c.Subscribe == nil {
			return errors.New("Expecting 'subscribe' to be present")
		}
	case executor.Call_UPDATE:
		if c.Update == nil {
			return errors.New("Expecting 'update' to be present")
		}
		return validateExecutorStatus(c.ExecutorID.Value, &c.Update.Status)
	case executor.Call_MESSAGE:
		if c.Message == nil {
			return errors.New("Expecting 'message' to be present")
		}
	}
	return nil
}

// validateExecutorStatus checks an executor's TaskStatus as Mesos does.
func validateExecutorStatus(executorID string, s *mesos.TaskStatus) error {
	if len(s.UUID) == 0 {
		return errors.New("Expecting 'uuid' to be present")
	}
	if err := validateUUID(s.UUID); err != nil {
		return fmt.Errorf("Invalid UUID: %w", err)
	}
	if s.ExecutorID != nil && s.ExecutorID.Value != executorID {
		return fmt.Errorf("ExecutorID in Call: %s does not match ExecutorID in TaskStatus: %s", executorID, s.ExecutorID.Value)
	}
	if s.GetSource() != mesos.SOURCE_EXECUTOR {
		return fmt.Errorf("Received Call from executor %s with invalid source, expecting 'SOURCE_EXECUTOR'", executorID)
	}
	if s.GetState() == mesos.TASK_STAGING {
		return fmt.Errorf("Received TASK_STAGING from executor %s which is not allowed", executorID)
	}
	return nil
}
