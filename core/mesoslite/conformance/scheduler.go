package conformance

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/encoding"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/codecs"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli/httpsched"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
)

// WaitTimeout bounds every wait for an event: generous for -race on a busy
// machine, and above a real master's 10 s status update retry.
const WaitTimeout = 20 * time.Second

// Codecs are both codecs of the v1 API.
var Codecs = []encoding.Codec{
	codecs.ByMediaType[codecs.MediaTypeProtobuf],
	codecs.ByMediaType[codecs.MediaTypeJSON],
}

// Scheduler is a framework driven through mesos-go's httpsched caller, as a
// production scheduler is.
type Scheduler struct {
	t      testing.TB
	Codec  encoding.Codec
	caller calls.Caller
	// FrameworkID is the id from SUBSCRIBED.
	FrameworkID string
	// Subscribed is the SUBSCRIBED event.
	Subscribed *scheduler.Event_Subscribed
	events     chan *scheduler.Event
	backlog    []*scheduler.Event
	ended      bool
}

// FrameworkInfo is a framework for the tests: the suite's user, optionally
// checkpointing with an hour of failover timeout, optionally
// PARTITION_AWARE.
func FrameworkInfo(name string, checkpoint, partitionAware bool) mesos.FrameworkInfo {
	timeout := 3600.0
	fi := mesos.FrameworkInfo{User: User(), Name: "conformance-" + name, Checkpoint: &checkpoint, FailoverTimeout: &timeout}
	if partitionAware {
		fi.Capabilities = []mesos.FrameworkInfo_Capability{{Type: mesos.FrameworkInfo_Capability_PARTITION_AWARE}}
	}
	return fi
}

// Subscribe subscribes fi to the master at baseURL and returns once
// SUBSCRIBED has arrived; the events after it stay queued in order. When
// the test ends the framework is torn down (unless Forget was called) and
// the stream closed.
func Subscribe(t testing.TB, baseURL string, codec encoding.Codec, fi mesos.FrameworkInfo) *Scheduler {
	t.Helper()
	s := Open(t, baseURL, codec, fi)
	first := s.Next(WaitTimeout)
	if first.Type != scheduler.Event_SUBSCRIBED {
		t.Fatalf("first event is %s, want SUBSCRIBED: %v", first.Type, first)
	}
	s.FrameworkID = first.Subscribed.FrameworkID.Value
	s.Subscribed = first.Subscribed
	return s
}

// Open sends SUBSCRIBE and returns the stream without reading from it.
func Open(t testing.TB, baseURL string, codec encoding.Codec, fi mesos.FrameworkInfo) *Scheduler {
	t.Helper()
	cli := httpcli.New(
		httpcli.Endpoint(baseURL+"/api/v1/scheduler"),
		httpcli.Codec(codec),
		httpcli.Do(httpcli.With(httpcli.Timeout(10*time.Second))),
	)
	caller := httpsched.NewCaller(cli, httpsched.EndpointCandidates(func() string { return "" }))
	call := calls.Subscribe(&fi)
	if fi.ID != nil {
		call = call.With(calls.SubscribeTo(fi.ID.Value))
	}
	ctx, cancel := context.WithCancel(context.Background())
	resp, err := caller.Call(ctx, call)
	if err != nil {
		cancel()
		t.Fatalf("SUBSCRIBE: %v", err)
	}
	s := &Scheduler{t: t, Codec: codec, caller: caller, events: make(chan *scheduler.Event, 1000)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(s.events)
		for {
			var e scheduler.Event
			if err := resp.Decode(&e); err != nil {
				return
			}
			s.events <- &e
		}
	}()
	t.Cleanup(func() {
		if !s.ended && s.FrameworkID != "" {
			_ = s.Call(&scheduler.Call{Type: scheduler.Call_TEARDOWN})
		}
		cancel()
		resp.Close()
		<-done
	})
	return s
}

// Forget stops the cleanup from tearing the framework down (another
// subscription took it over, or it was torn down already).
func (s *Scheduler) Forget() { s.ended = true }

// Next returns the next event from the stream, whatever it is.
func (s *Scheduler) Next(timeout time.Duration) *scheduler.Event {
	s.t.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			s.t.Fatalf("the event stream ended")
		}
		return e
	case <-time.After(timeout):
		s.t.Fatalf("no event within %v", timeout)
		return nil
	}
}

// ErrNoEvent is returned by AwaitWithin when nothing matched in time.
var ErrNoEvent = errors.New("no matching event")

// Await returns the first event (queued ones first) matching pred; the
// others, except heartbeats, stay queued.
func (s *Scheduler) Await(what string, pred func(*scheduler.Event) bool) *scheduler.Event {
	s.t.Helper()
	e, err := s.AwaitWithin(WaitTimeout, pred)
	if err != nil {
		s.t.Fatalf("waiting for %s: %v", what, err)
	}
	return e
}

// AwaitWithin is Await with a timeout and an error.
func (s *Scheduler) AwaitWithin(timeout time.Duration, pred func(*scheduler.Event) bool) (*scheduler.Event, error) {
	for i, e := range s.backlog {
		if pred(e) {
			s.backlog = append(s.backlog[:i:i], s.backlog[i+1:]...)
			return e, nil
		}
	}
	deadline := time.After(timeout)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				return nil, errors.New("the event stream ended")
			}
			if pred(e) {
				return e, nil
			}
			if e.Type != scheduler.Event_HEARTBEAT {
				s.backlog = append(s.backlog, e)
			}
		case <-deadline:
			return nil, ErrNoEvent
		}
	}
}

// ExpectNone fails if an event matching pred arrives within d.
func (s *Scheduler) ExpectNone(what string, d time.Duration, pred func(*scheduler.Event) bool) {
	s.t.Helper()
	if e, err := s.AwaitWithin(d, pred); err == nil {
		s.t.Fatalf("unexpected %s: %v", what, e)
	}
}

// AwaitEnd waits for the stream to end.
func (s *Scheduler) AwaitEnd() {
	s.t.Helper()
	deadline := time.After(WaitTimeout)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-deadline:
			s.t.Fatalf("the subscription stream did not end")
		}
	}
}

// AwaitUpdate returns the next UPDATE of the task in state.
func (s *Scheduler) AwaitUpdate(taskID string, state mesos.TaskState) mesos.TaskStatus {
	s.t.Helper()
	return s.Await("UPDATE "+taskID+" "+state.String(), IsUpdate(taskID, state)).Update.Status
}

// AwaitOffer returns the next offer, for any agent.
func (s *Scheduler) AwaitOffer() mesos.Offer {
	s.t.Helper()
	e := s.Await("OFFERS", IsType(scheduler.Event_OFFERS))
	if len(e.Offers.Offers) > 1 {
		rest := *e
		rest.Offers = &scheduler.Event_Offers{Offers: e.Offers.Offers[1:]}
		s.backlog = append([]*scheduler.Event{&rest}, s.backlog...)
	}
	return e.Offers.Offers[0]
}

// Call sends a non-SUBSCRIBE call for this framework.
func (s *Scheduler) Call(c *scheduler.Call) error {
	c = c.With(calls.Framework(s.FrameworkID))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := calls.CallNoData(ctx, s.caller, c); err != nil {
		return fmt.Errorf("%s: %w", c.Type, err)
	}
	return nil
}

// MustCall is Call, failing the test on error.
func (s *Scheduler) MustCall(c *scheduler.Call) {
	s.t.Helper()
	if err := s.Call(c); err != nil {
		s.t.Fatal(err)
	}
}

// Ack acknowledges a reliable update.
func (s *Scheduler) Ack(st mesos.TaskStatus) {
	s.t.Helper()
	if len(st.UUID) == 0 {
		s.t.Fatalf("acknowledgement of an update without uuid: %v", st)
	}
	s.MustCall(calls.Acknowledge(st.AgentID.Value, st.TaskID.Value, st.UUID))
}

// IsType matches events of a type.
func IsType(t scheduler.Event_Type) func(*scheduler.Event) bool {
	return func(e *scheduler.Event) bool { return e.Type == t }
}

// IsUpdate matches an UPDATE of the task in state.
func IsUpdate(taskID string, state mesos.TaskState) func(*scheduler.Event) bool {
	return func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_UPDATE && e.Update.Status.TaskID.Value == taskID &&
			e.Update.Status.GetState() == state
	}
}
