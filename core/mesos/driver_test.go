package mesos

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/mesoslite"
)

// waitTimeout bounds every wait for an event; generous for -race.
const waitTimeout = 10 * time.Second

const heartbeat = 200 * time.Millisecond

// recHandler records what the driver hands it. It never blocks the driver.
type recHandler struct {
	mu          sync.Mutex
	fids        []string
	disconnects int

	subs    chan string
	offers  chan mesos.Offer
	updates chan mesos.TaskStatus
}

func newRecHandler() *recHandler {
	return &recHandler{
		subs:    make(chan string, 16),
		offers:  make(chan mesos.Offer, 256),
		updates: make(chan mesos.TaskStatus, 256),
	}
}

func (h *recHandler) Subscribed(_ context.Context, fid string) {
	h.mu.Lock()
	h.fids = append(h.fids, fid)
	h.mu.Unlock()
	h.subs <- fid
}

func (h *recHandler) Disconnected() {
	h.mu.Lock()
	h.disconnects++
	h.mu.Unlock()
}

func (h *recHandler) Offers(offers []mesos.Offer) {
	for _, o := range offers {
		select {
		case h.offers <- o:
		default:
		}
	}
}

func (h *recHandler) Rescind(string) {}

func (h *recHandler) Update(st mesos.TaskStatus) {
	select {
	case h.updates <- st:
	default:
	}
}

func (h *recHandler) Failure(string, string, *int32) {}

// firstFID is the framework id of the first subscription, as a persisted id
// would be.
func (h *recHandler) firstFID() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.fids) == 0 {
		return ""
	}
	return h.fids[0]
}

func (h *recHandler) disconnectCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.disconnects
}

// stallingClock is the wall clock, except that while stalled, timers of the
// heartbeat interval never fire: the master goes silent without closing the
// connection, as behind a dead network path.
type stallingClock struct {
	mesoslite.Clock
	stalled atomic.Bool
}

type deadTimer struct{ c chan time.Time }

func (t deadTimer) C() <-chan time.Time      { return t.c }
func (deadTimer) Stop() bool                 { return true }
func (deadTimer) Reset(d time.Duration) bool { return true }

func (c *stallingClock) NewTimer(d time.Duration) mesoslite.Timer {
	if d == heartbeat && c.stalled.Load() {
		return deadTimer{c: make(chan time.Time)}
	}
	return c.Clock.NewTimer(d)
}

func startCluster(t *testing.T, clock mesoslite.Clock) *mesoslite.Cluster {
	t.Helper()
	c, err := mesoslite.New(mesoslite.Config{
		Agents:             []mesoslite.AgentConfig{{Hostname: "a1", CPUs: 2, MemMB: 1024, DiskMB: 1024}},
		WorkDir:            t.TempDir(),
		HeartbeatInterval:  heartbeat,
		AllocationInterval: 50 * time.Millisecond,
		Clock:              clock,
	})
	if err != nil {
		t.Fatalf("mesoslite.New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := c.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return c
}

// runDriver runs d until the test ends.
func runDriver(t *testing.T, d *Driver, h Handler) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, h) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run returned %v, want context.Canceled", err)
			}
		case <-time.After(waitTimeout):
			t.Error("Run did not return after its context ended")
		}
	})
}

func waitSubscribed(t *testing.T, h *recHandler) string {
	t.Helper()
	select {
	case fid := <-h.subs:
		return fid
	case <-time.After(waitTimeout):
		t.Fatal("timed out waiting for SUBSCRIBED")
		return ""
	}
}

func waitOffer(t *testing.T, h *recHandler) mesos.Offer {
	t.Helper()
	select {
	case o := <-h.offers:
		return o
	case <-time.After(waitTimeout):
		t.Fatal("timed out waiting for an offer")
		return mesos.Offer{}
	}
}

func scalars(o mesos.Offer) map[string]float64 {
	out := map[string]float64{}
	for _, r := range o.Resources {
		if r.Scalar != nil {
			out[r.Name] += r.Scalar.Value
		}
	}
	return out
}

func TestCallsBeforeSubscriptionFail(t *testing.T) {
	d := New(Config{MasterURL: "http://127.0.0.1:1"})
	ctx := context.Background()
	calls := map[string]error{
		"accept":      d.Accept(ctx, "o", nil, time.Second),
		"decline":     d.Decline(ctx, []string{"o"}, time.Second),
		"kill":        d.Kill(ctx, "t"),
		"acknowledge": d.Acknowledge(ctx, "a", "t", []byte("u")),
		"reconcile":   d.Reconcile(ctx, nil),
		"revive":      d.Revive(ctx),
	}
	for name, err := range calls {
		if !errors.Is(err, ErrNotSubscribed) {
			t.Errorf("%s before SUBSCRIBED = %v, want ErrNotSubscribed", name, err)
		}
	}
}

func TestDriverAgainstEmbeddedMaster(t *testing.T) {
	cluster := startCluster(t, nil)
	h := newRecHandler()
	d := New(Config{MasterURL: cluster.MasterURL(), User: "nobody", FailoverTimeout: time.Minute})
	runDriver(t, d, h)
	ctx := context.Background()

	fid := waitSubscribed(t, h)
	if fid == "" {
		t.Fatal("SUBSCRIBED with an empty framework id")
	}

	o := waitOffer(t, h)
	if o.Hostname != "a1" || o.FrameworkID.Value != fid {
		t.Errorf("offer from %q for framework %q, want a1 for %s", o.Hostname, o.FrameworkID.Value, fid)
	}
	if got := scalars(o); got["cpus"] != 2 || got["mem"] != 1024 || got["disk"] != 1024 {
		t.Errorf("offer resources = %v, want the agent's 2 cpus, 1024 mem, 1024 disk", got)
	}

	// Declined with a zero filter, the resources come back in a new offer
	// well before the 5s Mesos applies when a DECLINE names no filter.
	if err := d.Decline(ctx, []string{o.ID.Value}, 0); err != nil {
		t.Fatalf("Decline: %v", err)
	}
	var again mesos.Offer
	select {
	case again = <-h.offers:
	case <-time.After(3 * time.Second):
		t.Fatal("no new offer within 3s of a DECLINE with refuse_seconds 0")
	}
	if again.ID.Value == o.ID.Value || again.AgentID.Value != o.AgentID.Value {
		t.Errorf("re-offer %s from %s, want a new offer from %s", again.ID.Value, again.AgentID.Value, o.AgentID.Value)
	}
	// Declined for an hour, they do not.
	if err := d.Decline(ctx, []string{again.ID.Value}, time.Hour); err != nil {
		t.Fatalf("Decline: %v", err)
	}
	select {
	case o := <-h.offers:
		t.Errorf("offer %s arrived although the agent was refused for an hour", o.ID.Value)
	case <-time.After(6 * 50 * time.Millisecond):
	}
	// REVIVE clears the filter: the agent is offered again.
	if err := d.Revive(ctx); err != nil {
		t.Fatalf("Revive: %v", err)
	}
	select {
	case o := <-h.offers:
		if o.AgentID.Value != again.AgentID.Value {
			t.Errorf("offer from %s after REVIVE, want %s", o.AgentID.Value, again.AgentID.Value)
		}
	case <-time.After(waitTimeout):
		t.Fatal("no offer after REVIVE although the agent was refused only by a filter")
	}

	// Explicit reconciliation of a task the master never heard of.
	if err := d.Reconcile(ctx, map[string]string{"ghost-task": ""}); err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	select {
	case st := <-h.updates:
		if st.TaskID.Value != "ghost-task" || st.GetState() != mesos.TASK_LOST || len(st.UUID) != 0 {
			t.Errorf("update = %s %s uuid=%x, want ghost-task TASK_LOST without a uuid", st.TaskID.Value, st.GetState(), st.UUID)
		}
	case <-time.After(waitTimeout):
		t.Fatal("timed out waiting for the reconciliation update")
	}
	if n := h.disconnectCount(); n != 0 {
		t.Errorf("%d disconnects with a healthy master, want 0", n)
	}
}

func TestResubscribesAsFailoverAfterMissedHeartbeats(t *testing.T) {
	clock := &stallingClock{Clock: mesoslite.RealClock()}
	clock.stalled.Store(true)
	cluster := startCluster(t, clock)
	h := newRecHandler()
	d := New(Config{
		MasterURL:        cluster.MasterURL(),
		User:             "nobody",
		FailoverTimeout:  time.Minute,
		FrameworkID:      h.firstFID,
		MissedHeartbeats: 2,
	})
	runDriver(t, d, h)

	first := waitSubscribed(t, h)
	// The master sends no heartbeats, so the watchdog (2 x 200ms) ends the
	// subscription and the driver subscribes again with the persisted id,
	// which the master treats as a failover of the same framework.
	second := waitSubscribed(t, h)
	if second != first {
		t.Fatalf("re-subscribed as %q, want the same framework %q (a failover)", second, first)
	}
	if n := h.disconnectCount(); n < 1 {
		t.Errorf("Disconnected called %d times, want at least once before re-subscribing", n)
	}

	// Heartbeats resume. A subscription that began while stalled still
	// ends; the next one lasts, under the same id, and carries calls.
	clock.stalled.Store(false)
	deadline := time.After(waitTimeout)
	subscribed := false
	for {
		select {
		case fid := <-h.subs:
			if fid != first {
				t.Fatalf("re-subscribed as %q, want %q", fid, first)
			}
			subscribed = true
			continue
		case <-time.After(5 * heartbeat): // longer than the watchdog
		case <-deadline:
			t.Fatal("the driver did not settle on a subscription after heartbeats resumed")
		}
		if !subscribed {
			continue
		}
		err := d.Reconcile(context.Background(), map[string]string{"ghost": ""})
		if err == nil {
			break
		}
		if !errors.Is(err, ErrNotSubscribed) {
			t.Fatalf("Reconcile after failover: %v", err)
		}
		subscribed = false // between subscriptions; wait for the next
	}
	for {
		select {
		case st := <-h.updates:
			if st.TaskID.Value == "ghost" {
				if st.GetState() != mesos.TASK_LOST {
					t.Errorf("ghost is %s, want TASK_LOST", st.GetState())
				}
				return
			}
		case <-time.After(waitTimeout):
			t.Fatal("timed out waiting for the reconciliation update after failover")
		}
	}
}

func TestFrameworkInfoCapabilities(t *testing.T) {
	hasPA := func(fi *mesos.FrameworkInfo) bool {
		for _, c := range fi.Capabilities {
			if c.Type == mesos.FrameworkInfo_Capability_PARTITION_AWARE {
				return true
			}
		}
		return false
	}
	if fi := New(Config{}).frameworkInfo(); hasPA(fi) {
		t.Errorf("PARTITION_AWARE set without Config.PartitionAware: %v", fi.Capabilities)
	}
	fi := New(Config{PartitionAware: true, FrameworkID: func() string { return "fw-1" }}).frameworkInfo()
	if !hasPA(fi) {
		t.Errorf("capabilities = %v, want PARTITION_AWARE", fi.Capabilities)
	}
	if fi.GetID().GetValue() != "fw-1" || !fi.GetCheckpoint() {
		t.Errorf("framework info = %v, want id fw-1 and checkpoint", fi)
	}
}
