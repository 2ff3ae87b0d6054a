package mesoslite

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/mesos/mesos-go/api/v1/lib/encoding"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

const streamIDHeader = "Mesos-Stream-Id"

// serveScheduler is POST /api/v1/scheduler (Master::Http::scheduler).
func (m *Master) serveScheduler(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, r)
		return
	}
	codec, bad := requestCodec(r)
	if bad != nil {
		bad.write(w)
		return
	}
	var call scheduler.Call
	if err := decodeCall(codec, r.Body, r.ContentLength, &call); err != nil {
		statusf(http.StatusBadRequest, "Failed to parse body into Call: %v", err).write(w)
		return
	}
	if err := validateSchedulerCall(&call); err != nil {
		statusf(http.StatusBadRequest, "Failed to validate scheduler::Call: %v", err).write(w)
		return
	}
	switch call.Type {
	case scheduler.Call_SUBSCRIBE:
		m.serveSubscribe(w, r, &call)
		return
	case scheduler.Call_UNKNOWN:
		statusf(http.StatusNotImplemented, "Received an unexpected 'UNKNOWN' call").write(w)
		return
	}
	out, ok := acceptCodec(r.Header)
	if call.Type == scheduler.Call_UPDATE_FRAMEWORK && !ok {
		notAcceptable(w)
		return
	}
	var res httpStatus
	err := m.mb.call(r.Context(), func() { res = m.handleCall(&call, r.Header.Get(streamIDHeader)) })
	if err != nil {
		unavailable(w, err)
		return
	}
	if res.code == http.StatusOK {
		// UPDATE_FRAMEWORK answers 200 with no body. mesos-go insists on the
		// codec's Content-Type for every 200, so send it.
		w.Header().Set("Content-Type", out.Type.ContentType())
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return
	}
	res.write(w)
}

func unavailable(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrStopped) {
		statusf(http.StatusServiceUnavailable, "Master is shutting down").write(w)
		return
	}
	statusf(http.StatusServiceUnavailable, "%v", err).write(w)
}

// serveSubscribe answers SUBSCRIBE with a 200 stream of events.
func (m *Master) serveSubscribe(w http.ResponseWriter, r *http.Request, call *scheduler.Call) {
	out, ok := acceptCodec(r.Header)
	if !ok {
		notAcceptable(w)
		return
	}
	if r.Header.Get(streamIDHeader) != "" {
		statusf(http.StatusBadRequest, "Subscribe calls should not include the '%s' header", streamIDHeader).write(w)
		return
	}
	s := newEventStream(out, uuidString(newUUID()))
	if err := m.mb.call(r.Context(), func() { m.subscribe(s, call) }); err != nil {
		// The subscription may still be made after we give up waiting;
		// disconnect it again behind it in the mailbox.
		s.close()
		m.mb.post(func() { m.streamClosed(s) })
		unavailable(w, err)
		return
	}
	header := http.Header{}
	header.Set("Content-Type", out.Type.ContentType())
	header.Set(streamIDHeader, s.id)
	header.Set("Cache-Control", "no-cache")
	err := s.serve(r.Context(), w, header, &heartbeats{
		clock:    m.clock,
		interval: m.cfg.HeartbeatInterval,
		event:    func() encoding.Marshaler { return heartbeatEvent() },
	})
	if err != nil {
		m.log.Debug("subscription stream ended", "stream_id", s.id, "error", err)
	}
	m.mb.post(func() { m.streamClosed(s) })
	abortIfCut(err)
}

// handleCall runs a non-SUBSCRIBE call on the actor: the framework must be
// known (else 400), subscribed (else 403) and the call must carry its current
// stream id (else 400). Accepted calls answer 202.
func (m *Master) handleCall(call *scheduler.Call, streamID string) httpStatus {
	fid := call.FrameworkID.Value
	fw := m.frameworks[fid]
	switch {
	case fw == nil:
		return statusf(http.StatusBadRequest, "Framework cannot be found")
	case !fw.connected():
		return statusf(http.StatusForbidden, "Framework is not subscribed")
	case streamID == "":
		return statusf(http.StatusBadRequest, "All non-subscribe calls should include the '%s' header", streamIDHeader)
	case streamID != fw.stream.id:
		return statusf(http.StatusBadRequest,
			"The stream ID '%s' included in this request didn't match the stream ID currently associated with framework ID %s",
			streamID, fid)
	}
	switch call.Type {
	case scheduler.Call_TEARDOWN:
		m.removeFramework(fw)
	case scheduler.Call_ACCEPT:
		m.accept(fw, call.Accept)
	case scheduler.Call_DECLINE:
		m.decline(fw, call.Decline)
	case scheduler.Call_REVIVE:
		var roles []string
		if call.Revive != nil {
			roles = call.Revive.Roles
		}
		m.revive(fw, roles)
	case scheduler.Call_SUPPRESS:
		var roles []string
		if call.Suppress != nil {
			roles = call.Suppress.Roles
		}
		m.suppress(fw, roles)
	case scheduler.Call_KILL:
		m.kill(fw, call.Kill)
	case scheduler.Call_SHUTDOWN:
		m.shutdownExecutor(fw, call.Shutdown)
	case scheduler.Call_ACKNOWLEDGE:
		m.acknowledge(fw, call.Acknowledge)
	case scheduler.Call_RECONCILE:
		m.reconcile(fw, call.Reconcile.Tasks)
	case scheduler.Call_MESSAGE:
		m.message(fw, call.Message)
	case scheduler.Call_UPDATE_FRAMEWORK:
		return m.updateFramework(fw, call.UpdateFramework)
	case scheduler.Call_ACCEPT_INVERSE_OFFERS:
		m.answerInverseOffers(fw, call.AcceptInverseOffers.InverseOfferIDs, call.AcceptInverseOffers.Filters, true)
	case scheduler.Call_DECLINE_INVERSE_OFFERS:
		m.answerInverseOffers(fw, call.DeclineInverseOffers.InverseOfferIDs, call.DeclineInverseOffers.Filters, false)
	case scheduler.Call_REQUEST, scheduler.Call_ACKNOWLEDGE_OPERATION_STATUS, scheduler.Call_RECONCILE_OPERATIONS:
		// Accepted without effect: the built-in allocator ignores requests
		// and no operation carries feedback.
		m.log.Debug("accepting call without effect", "framework_id", fid, "type", call.Type.String())
	default:
		return statusf(http.StatusNotImplemented, "Received an unexpected '%s' call", call.Type.String())
	}
	return accepted
}

// validateSchedulerCall is validation::scheduler::call::validate.
func validateSchedulerCall(c *scheduler.Call) error {
	if c.Type == scheduler.Call_SUBSCRIBE {
		if c.Subscribe == nil || c.Subscribe.FrameworkInfo == nil {
			return errors.New("Expecting 'subscribe' to be present")
		}
		fi := c.Subscribe.FrameworkInfo
		if c.FrameworkID != nil && fi.ID != nil && fi.ID.Value != c.FrameworkID.Value {
			return errors.New("'framework_id' differs from 'subscribe.framework_info.id'")
		}
		return nil
	}
	if c.FrameworkID == nil || c.FrameworkID.Value == "" {
		return errors.New("Expecting 'framework_id' to be present")
	}
	missing := func(name string) error { return fmt.Errorf("Expecting '%s' to be present", name) }
	switch c.Type {
	case scheduler.Call_ACCEPT:
		if c.Accept == nil {
			return missing("accept")
		}
	case scheduler.Call_DECLINE:
		if c.Decline == nil {
			return missing("decline")
		}
	case scheduler.Call_ACCEPT_INVERSE_OFFERS:
		if c.AcceptInverseOffers == nil {
			return missing("accept_inverse_offers")
		}
	case scheduler.Call_DECLINE_INVERSE_OFFERS:
		if c.DeclineInverseOffers == nil {
			return missing("decline_inverse_offers")
		}
	case scheduler.Call_KILL:
		if c.Kill == nil {
			return missing("kill")
		}
	case scheduler.Call_SHUTDOWN:
		if c.Shutdown == nil {
			return missing("shutdown")
		}
	case scheduler.Call_ACKNOWLEDGE:
		if c.Acknowledge == nil {
			return missing("acknowledge")
		}
		if err := validateUUID(c.Acknowledge.UUID); err != nil {
			return err
		}
	case scheduler.Call_ACKNOWLEDGE_OPERATION_STATUS:
		if c.AcknowledgeOperationStatus == nil {
			return missing("acknowledge_operation_status")
		}
		if err := validateUUID(c.AcknowledgeOperationStatus.UUID); err != nil {
			return err
		}
	case scheduler.Call_RECONCILE:
		if c.Reconcile == nil {
			return missing("reconcile")
		}
	case scheduler.Call_RECONCILE_OPERATIONS:
		if c.ReconcileOperations == nil {
			return missing("reconcile_operations")
		}
	case scheduler.Call_MESSAGE:
		if c.Message == nil {
			return missing("message")
		}
	case scheduler.Call_REQUEST:
		if c.Request == nil {
			return missing("request")
		}
	case scheduler.Call_UPDATE_FRAMEWORK:
		if c.UpdateFramework == nil {
			return missing("update_framework")
		}
	}
	return nil
}
