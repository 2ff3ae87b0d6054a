package mesos

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/codecs"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli/httpsched"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
)

// idleConns is how many idle connections to the master the driver keeps:
// enough for every call the scheduler sends at once (its 16 senders).
const idleConns = 32

// ErrNotSubscribed is returned by calls made while no subscription is up.
var ErrNotSubscribed = errors.New("not subscribed to the Mesos master")

// Handler receives the events of a subscription, in stream order, on the
// driver's goroutine: it must hand slow work off.
type Handler interface {
	// Subscribed is called after every SUBSCRIBED, with the framework id.
	Subscribed(ctx context.Context, frameworkID string)
	// Disconnected is called when a subscription ends; held offers are void.
	Disconnected()
	Offers(offers []mesos.Offer)
	Rescind(offerID string)
	// Update delivers a status update. If status.UUID is set the handler
	// must Acknowledge it once the change is durable.
	Update(status mesos.TaskStatus)
	// Failure reports an executor exit or an agent removal.
	Failure(agentID, executorID string, status *int32)
}

// Config describes the framework and its master.
type Config struct {
	// MasterURL is the master's base URL, such as http://127.0.0.1:5050,
	// or zk://host:2181,host:2181/mesos to follow the leader the masters
	// elect in ZooKeeper.
	MasterURL string
	Name      string // framework name, "Aurora" by default
	User      string // user tasks run as when the job names none
	Hostname  string
	WebUIURL  string
	// FailoverTimeout is how long the master keeps our tasks while we are
	// away. Aurora uses 21 days.
	FailoverTimeout time.Duration
	// FrameworkID returns the persisted framework id, or "".
	FrameworkID func() string
	// Codec is "protobuf" (default) or "json".
	Codec  string
	Logger hclog.Logger
	// MissedHeartbeats is how many heartbeat intervals of silence end a
	// subscription (default 5, as the Mesos docs advise).
	MissedHeartbeats int
	// BackoffMax caps the wait between subscription attempts (default 15s).
	BackoffMax time.Duration
	// PartitionAware sets the PARTITION_AWARE capability, as Aurora's
	// -partition_aware does: tasks on an unreachable agent are reported
	// TASK_UNREACHABLE (and may come back) instead of TASK_LOST.
	PartitionAware bool
}

// Driver keeps a framework subscribed to a master and sends its calls.
type Driver struct {
	cfg     Config
	handler Handler
	logger  hclog.Logger

	detector Detector

	mu     sync.Mutex
	caller calls.Caller // nil while not subscribed
	fid    string
}

// New returns a driver; Run starts it.
func New(cfg Config) *Driver {
	if cfg.Name == "" {
		cfg.Name = "Aurora"
	}
	if cfg.MissedHeartbeats == 0 {
		cfg.MissedHeartbeats = 5
	}
	if cfg.BackoffMax == 0 {
		cfg.BackoffMax = 15 * time.Second
	}
	if cfg.FrameworkID == nil {
		cfg.FrameworkID = func() string { return "" }
	}
	logger := cfg.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &Driver{cfg: cfg, logger: logger.Named("mesos")}
}

// Run subscribes and re-subscribes until ctx ends, handing events to h.
// Before every subscription it finds the leading master; when the leader
// moves, it subscribes to the new one. Run must not be called twice at
// once.
func (d *Driver) Run(ctx context.Context, h Handler) error {
	d.handler = h
	detector, err := NewDetector(d.cfg.MasterURL, d.logger)
	if err != nil {
		return err
	}
	defer detector.Close()
	d.detector = detector
	backoff := 500 * time.Millisecond
	for {
		start := time.Now()
		err := d.subscribeOnce(ctx)
		d.setCaller(nil)
		d.handler.Disconnected()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Since(start) > 30*time.Second {
			backoff = 500 * time.Millisecond
		}
		wait := backoff/2 + time.Duration(rand.Int63n(int64(backoff/2)+1))
		d.logger.Warn("subscription ended; subscribing again", "error", err, "wait", wait)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		backoff *= 2
		if backoff > d.cfg.BackoffMax {
			backoff = d.cfg.BackoffMax
		}
	}
}

func (d *Driver) frameworkInfo() *mesos.FrameworkInfo {
	failover := d.cfg.FailoverTimeout.Seconds()
	checkpoint := true
	fi := &mesos.FrameworkInfo{
		User:            d.cfg.User,
		Name:            d.cfg.Name,
		Checkpoint:      &checkpoint,
		FailoverTimeout: &failover,
	}
	if d.cfg.Hostname != "" {
		fi.Hostname = &d.cfg.Hostname
	}
	if d.cfg.WebUIURL != "" {
		fi.WebUiURL = &d.cfg.WebUIURL
	}
	if id := d.cfg.FrameworkID(); id != "" {
		fi.ID = &mesos.FrameworkID{Value: id}
	}
	if d.cfg.PartitionAware {
		fi.Capabilities = append(fi.Capabilities, mesos.FrameworkInfo_Capability{
			Type: mesos.FrameworkInfo_Capability_PARTITION_AWARE,
		})
	}
	return fi
}

func (d *Driver) newCaller(master string) calls.Caller {
	codec := codecs.ByMediaType[codecs.MediaTypeProtobuf]
	if d.cfg.Codec == "json" {
		codec = codecs.ByMediaType[codecs.MediaTypeJSON]
	}
	cli := httpcli.New(
		httpcli.Endpoint(master+"/api/v1/scheduler"),
		httpcli.Codec(codec),
		httpcli.Do(httpcli.With(
			httpcli.Timeout(15*time.Second),
			// Calls are sent concurrently (the scheduler's senders). Go keeps
			// two idle connections per host by default, so bursts of calls
			// opened and closed connections of their own: about 225 while
			// 10 000 tasks were placed (13 with this).
			httpcli.Transport(func(t *http.Transport) { t.MaxIdleConnsPerHost = idleConns }),
		)),
	)
	// An empty candidate keeps mesos-go from turning every error into a
	// redirect and tearing the subscription down (reference mesos.md §0).
	return httpsched.NewCaller(cli, httpsched.EndpointCandidates(func() string { return "" }))
}

func (d *Driver) subscribeOnce(ctx context.Context) error {
	subCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	master, leaderMoved, err := d.detector.Leader(subCtx)
	if err != nil {
		return fmt.Errorf("find the leading master: %w", err)
	}
	caller := d.newCaller(master)
	fi := d.frameworkInfo()
	call := calls.Subscribe(fi)
	if fi.ID != nil {
		call = call.With(calls.SubscribeTo(fi.ID.Value))
	}
	resp, err := caller.Call(subCtx, call)
	if err != nil {
		return fmt.Errorf("subscribe to %s: %w", master, err)
	}
	defer resp.Close()

	events := make(chan *scheduler.Event)
	decodeErr := make(chan error, 1)
	go func() {
		defer close(events)
		for {
			var e scheduler.Event
			if err := resp.Decode(&e); err != nil {
				decodeErr <- err
				return
			}
			select {
			case events <- &e:
			case <-subCtx.Done():
				return
			}
		}
	}()

	// The first heartbeat interval comes with SUBSCRIBED; until then allow
	// the Mesos default of 15s.
	silence := time.Duration(d.cfg.MissedHeartbeats) * 15 * time.Second
	watchdog := time.NewTimer(silence)
	defer watchdog.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-watchdog.C:
			return fmt.Errorf("no event from the master for %s (missed heartbeats)", silence)
		case <-leaderMoved:
			return fmt.Errorf("the leading master changed (was %s)", master)
		case e, ok := <-events:
			if !ok {
				select {
				case err := <-decodeErr:
					return fmt.Errorf("event stream: %w", err)
				default:
					return errors.New("event stream closed")
				}
			}
			if !watchdog.Stop() {
				<-watchdog.C
			}
			watchdog.Reset(silence)
			if e.Type == scheduler.Event_SUBSCRIBED {
				sub := e.GetSubscribed()
				if hb := sub.GetHeartbeatIntervalSeconds(); hb > 0 {
					silence = time.Duration(float64(d.cfg.MissedHeartbeats) * hb * float64(time.Second))
					watchdog.Reset(silence)
				}
				d.mu.Lock()
				d.caller = caller
				d.fid = sub.FrameworkID.Value
				d.mu.Unlock()
				d.logger.Info("subscribed", "framework_id", sub.FrameworkID.Value, "master", master)
				d.handler.Subscribed(ctx, sub.FrameworkID.Value)
				continue
			}
			if err := d.dispatch(e); err != nil {
				return err
			}
		}
	}
}

func (d *Driver) dispatch(e *scheduler.Event) error {
	switch e.Type {
	case scheduler.Event_OFFERS:
		d.handler.Offers(e.GetOffers().Offers)
	case scheduler.Event_RESCIND:
		d.handler.Rescind(e.GetRescind().OfferID.Value)
	case scheduler.Event_UPDATE:
		d.handler.Update(e.GetUpdate().Status)
	case scheduler.Event_FAILURE:
		f := e.GetFailure()
		var agent, exec string
		if f.AgentID != nil {
			agent = f.AgentID.Value
		}
		if f.ExecutorID != nil {
			exec = f.ExecutorID.Value
		}
		d.handler.Failure(agent, exec, f.Status)
	case scheduler.Event_ERROR:
		return fmt.Errorf("master sent ERROR: %s", e.GetError().Message)
	case scheduler.Event_HEARTBEAT, scheduler.Event_MESSAGE:
	default:
		d.logger.Debug("ignoring event", "type", e.Type.String())
	}
	return nil
}

func (d *Driver) setCaller(c calls.Caller) {
	d.mu.Lock()
	d.caller = c
	d.mu.Unlock()
}

// send makes a non-subscribe call on the current subscription.
func (d *Driver) send(ctx context.Context, call *scheduler.Call) error {
	d.mu.Lock()
	caller, fid := d.caller, d.fid
	d.mu.Unlock()
	if caller == nil {
		return ErrNotSubscribed
	}
	call = call.With(calls.Framework(fid))
	if err := calls.CallNoData(ctx, caller, call); err != nil {
		return fmt.Errorf("mesos %s: %w", call.Type, err)
	}
	return nil
}

// Accept launches tasks on one offer; whatever the tasks leave unused is
// refused for refuse.
func (d *Driver) Accept(ctx context.Context, offerID string, tasks []mesos.TaskInfo, refuse time.Duration) error {
	call := calls.Accept(calls.OfferOperations{calls.OpLaunch(tasks...)}.WithOffers(mesos.OfferID{Value: offerID})).
		With(calls.RefuseSeconds(refuse))
	return d.send(ctx, call)
}

// Decline returns offers, refusing their resources for refuse.
func (d *Driver) Decline(ctx context.Context, offerIDs []string, refuse time.Duration) error {
	ids := make([]mesos.OfferID, len(offerIDs))
	for i, id := range offerIDs {
		ids[i] = mesos.OfferID{Value: id}
	}
	return d.send(ctx, calls.Decline(ids...).With(calls.RefuseSeconds(refuse)))
}

// Revive clears every offer filter of the framework, for all its roles,
// and asks the master to allocate again.
func (d *Driver) Revive(ctx context.Context) error {
	return d.send(ctx, calls.Revive())
}

// Kill asks Mesos to kill a task. Like Aurora it names no agent.
func (d *Driver) Kill(ctx context.Context, taskID string) error {
	return d.send(ctx, calls.Kill(taskID, ""))
}

// Acknowledge confirms a status update that carried a uuid.
func (d *Driver) Acknowledge(ctx context.Context, agentID, taskID string, uuid []byte) error {
	return d.send(ctx, calls.Acknowledge(agentID, taskID, uuid))
}

// Reconcile asks for the latest state of tasks (task id → agent id, agent
// may be ""); an empty map asks for every task the master knows.
func (d *Driver) Reconcile(ctx context.Context, tasks map[string]string) error {
	return d.send(ctx, calls.Reconcile(calls.ReconcileTasks(tasks)))
}
