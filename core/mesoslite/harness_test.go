package mesoslite

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/encoding"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/codecs"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli/httpsched"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"

	"github.com/aurora-go/aurora/core/mesoslite/testexec"
)

// waitTimeout bounds every wait for an event; generous for -race on a busy
// two-core machine.
const waitTimeout = 15 * time.Second

var bothCodecs = []encoding.Codec{
	codecs.ByMediaType[codecs.MediaTypeProtobuf],
	codecs.ByMediaType[codecs.MediaTypeJSON],
}

// testLogWriter sends cluster logs to t.Log until the test ends.
type testLogWriter struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// testConfig is a fast cluster with one agent.
func testConfig(t *testing.T) Config {
	return Config{
		Agents: []AgentConfig{{
			Hostname:   "agent-1",
			Attributes: map[string]string{"host": "agent-1", "rack": "r1"},
			CPUs:       4, MemMB: 4096, DiskMB: 10240,
		}},
		WorkDir:                     t.TempDir(),
		HeartbeatInterval:           time.Second,
		AllocationInterval:          50 * time.Millisecond,
		StatusUpdateRetry:           time.Second,
		ExecutorShutdownGrace:       time.Second,
		ExecutorRegistrationTimeout: 30 * time.Second,
	}
}

// startCluster starts a cluster and shuts it down when the test ends.
func startCluster(t *testing.T, cfg Config) *Cluster {
	t.Helper()
	lw := &testLogWriter{t: t}
	if cfg.Logger == nil {
		cfg.Logger = hclog.New(&hclog.LoggerOptions{Name: "mesoslite", Level: hclog.Debug, Output: lw})
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		lw.mu.Lock()
		lw.done = true
		lw.mu.Unlock()
	})
	return c
}

// testScheduler is a framework driven through mesos-go's httpsched caller.
type testScheduler struct {
	t       *testing.T
	codec   encoding.Codec
	caller  calls.Caller
	fwID    string
	resp    interface{ Close() error }
	events  chan *scheduler.Event
	backlog []*scheduler.Event
}

// subscribe subscribes fi and returns once SUBSCRIBED has arrived. The first
// two events (SUBSCRIBED, HEARTBEAT) are kept in order in the backlog.
func subscribe(t *testing.T, c *Cluster, codec encoding.Codec, fi mesos.FrameworkInfo) *testScheduler {
	t.Helper()
	cli := httpcli.New(
		httpcli.Endpoint(c.MasterURL()+"/api/v1/scheduler"),
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
	s := &testScheduler{t: t, codec: codec, caller: caller, resp: resp, events: make(chan *scheduler.Event, 1000)}
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
		cancel()
		resp.Close()
		<-done
	})
	first := s.next(waitTimeout)
	if first.Type != scheduler.Event_SUBSCRIBED {
		t.Fatalf("first event is %s, want SUBSCRIBED", first.Type)
	}
	s.fwID = first.Subscribed.FrameworkID.Value
	s.backlog = append(s.backlog, first)
	return s
}

func testFrameworkInfo() mesos.FrameworkInfo {
	return mesos.FrameworkInfo{User: "nobody", Name: "mesoslite-test"}
}

// next returns the next event from the stream, whatever it is.
func (s *testScheduler) next(timeout time.Duration) *scheduler.Event {
	s.t.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			s.t.Fatalf("event stream ended")
		}
		return e
	case <-time.After(timeout):
		s.t.Fatalf("no event within %v", timeout)
		return nil
	}
}

// await returns the first event (backlog first) matching pred, keeping the
// others except heartbeats in the backlog.
func (s *testScheduler) await(what string, pred func(*scheduler.Event) bool) *scheduler.Event {
	s.t.Helper()
	e, err := s.awaitWithin(waitTimeout, pred)
	if err != nil {
		s.t.Fatalf("waiting for %s: %v", what, err)
	}
	return e
}

var errNoEvent = errors.New("no matching event")

func (s *testScheduler) awaitWithin(timeout time.Duration, pred func(*scheduler.Event) bool) (*scheduler.Event, error) {
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
				return nil, errors.New("event stream ended")
			}
			if pred(e) {
				return e, nil
			}
			if e.Type != scheduler.Event_HEARTBEAT {
				s.backlog = append(s.backlog, e)
			}
		case <-deadline:
			return nil, errNoEvent
		}
	}
}

// expectNone fails if an event matching pred arrives within d.
func (s *testScheduler) expectNone(what string, d time.Duration, pred func(*scheduler.Event) bool) {
	s.t.Helper()
	if e, err := s.awaitWithin(d, pred); err == nil {
		s.t.Fatalf("unexpected %s: %v", what, e)
	}
}

func isType(t scheduler.Event_Type) func(*scheduler.Event) bool {
	return func(e *scheduler.Event) bool { return e.Type == t }
}

func isUpdate(taskID string, state mesos.TaskState) func(*scheduler.Event) bool {
	return func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_UPDATE && e.Update.Status.TaskID.Value == taskID &&
			e.Update.Status.GetState() == state
	}
}

func (s *testScheduler) awaitUpdate(taskID string, state mesos.TaskState) mesos.TaskStatus {
	s.t.Helper()
	return s.await("UPDATE "+taskID+" "+state.String(), isUpdate(taskID, state)).Update.Status
}

// awaitOffer returns the next offer, for any agent.
func (s *testScheduler) awaitOffer() mesos.Offer {
	s.t.Helper()
	e := s.await("OFFERS", isType(scheduler.Event_OFFERS))
	if len(e.Offers.Offers) > 1 {
		// Keep the rest for later.
		rest := *e
		rest.Offers = &scheduler.Event_Offers{Offers: e.Offers.Offers[1:]}
		s.backlog = append([]*scheduler.Event{&rest}, s.backlog...)
	}
	return e.Offers.Offers[0]
}

// call sends a non-SUBSCRIBE call for this framework.
func (s *testScheduler) call(c *scheduler.Call) error {
	s.t.Helper()
	c = c.With(calls.Framework(s.fwID))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return calls.CallNoData(ctx, s.caller, c)
}

func (s *testScheduler) mustCall(c *scheduler.Call) {
	s.t.Helper()
	if err := s.call(c); err != nil {
		s.t.Fatalf("%s: %v", c.Type, err)
	}
}

func (s *testScheduler) ack(st mesos.TaskStatus) {
	s.t.Helper()
	if len(st.UUID) == 0 {
		s.t.Fatalf("ack of an update without uuid: %v", st)
	}
	s.mustCall(calls.Acknowledge(st.AgentID.Value, st.TaskID.Value, st.UUID))
}

// testExecutor is an ExecutorInfo running this test binary as the test
// executor (package testexec).
func testExecutor(t *testing.T, id string, codec encoding.Codec, mode string) *mesos.ExecutorInfo {
	t.Helper()
	name := "protobuf"
	if codec.Type == codecs.MediaTypeJSON {
		name = "json"
	}
	ex, err := testexec.ExecutorInfo(id, testexec.Options{Codec: name, Mode: mode})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// shellExecutor is an executor that never subscribes.
func shellExecutor(id, command string) *mesos.ExecutorInfo {
	return &mesos.ExecutorInfo{
		ExecutorID: mesos.ExecutorID{Value: id},
		Command:    &mesos.CommandInfo{Value: &command},
		Resources:  []mesos.Resource{scalarResource("cpus", 0.1), scalarResource("mem", 32)},
	}
}

func envVar(name, value string) mesos.Environment_Variable {
	return mesos.Environment_Variable{Name: name, Value: &value}
}

func testTask(id string, o mesos.Offer, ex *mesos.ExecutorInfo) mesos.TaskInfo {
	return mesos.TaskInfo{
		Name:      id,
		TaskID:    mesos.TaskID{Value: id},
		AgentID:   o.AgentID,
		Resources: []mesos.Resource{scalarResource("cpus", 0.5), scalarResource("mem", 64)},
		Executor:  ex,
	}
}

func launch(o mesos.Offer, tasks ...mesos.TaskInfo) *scheduler.Call {
	return calls.Accept(calls.OfferOperations{calls.OpLaunch(tasks...)}.WithOffers(o.ID)).
		With(calls.RefuseSeconds(0))
}

// executorPID returns the pid of a running executor from the cluster state.
func executorPID(t *testing.T, c *Cluster, executorID string) (int, ExecutorSnapshot) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for time.Now().Before(deadline) {
		st, err := c.State(context.Background())
		if err != nil {
			t.Fatalf("State: %v", err)
		}
		for _, a := range st.Agents {
			for _, e := range a.Executors {
				if e.ID == executorID && e.PID > 0 {
					return e.PID, e
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("executor %s has no pid", executorID)
	return 0, ExecutorSnapshot{}
}
