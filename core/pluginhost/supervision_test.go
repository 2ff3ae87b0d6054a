package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/aurora-go/aurora/sdk"
)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestBreakerOpensAfterThresholdAndProbes(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	var states []CircuitState
	b := newBreaker(3, time.Second, clock.Now, func(s CircuitState) { states = append(states, s) })
	fail := errors.New("boom")
	for range 2 {
		probe, err := b.allow()
		if err != nil {
			t.Fatal(err)
		}
		b.record(probe, fail)
	}
	if b.current() != CircuitClosed {
		t.Fatal("opened before the threshold")
	}
	b.record(false, sdk.ErrNotFound) // an answer, not a failure: resets
	for range 3 {
		probe, _ := b.allow()
		b.record(probe, fail)
	}
	if b.current() != CircuitOpen {
		t.Fatalf("state = %v after 3 failures, want open", b.current())
	}
	if _, err := b.allow(); !errors.Is(err, ErrCircuitOpen) || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("allow on an open circuit = %v", err)
	}
	clock.Advance(time.Second)
	probe, err := b.allow()
	if err != nil || !probe || b.current() != CircuitHalfOpen {
		t.Fatalf("after the cooldown: probe=%v err=%v state=%v", probe, err, b.current())
	}
	if _, err := b.allow(); !errors.Is(err, ErrCircuitOpen) {
		t.Fatal("a second call went through a half-open circuit")
	}
	b.record(true, fail)
	if b.current() != CircuitOpen {
		t.Fatal("a failed probe did not reopen the circuit")
	}
	clock.Advance(time.Second)
	probe, _ = b.allow()
	b.record(probe, nil)
	want := []CircuitState{CircuitOpen, CircuitHalfOpen, CircuitOpen, CircuitHalfOpen, CircuitClosed}
	if !reflect.DeepEqual(states, want) || b.current() != CircuitClosed {
		t.Fatalf("transitions = %v, want %v", states, want)
	}
}

// failing fails every Filter.
type failing struct{ err error }

func (f failing) Filter(context.Context, *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	return nil, f.err
}

func TestPolicyFilter(t *testing.T) {
	req := limitRequest
	closed := NewPolicyFilter("constraint/x", FailClosed, failing{errors.New("gone")}, nil)
	resp, err := closed.Filter(testContext(t), req)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range resp.Results {
		if r.HostID != req.Hosts[i].ID || len(r.Vetoes) != 1 || r.Vetoes[0].Type != sdk.VetoDynamic ||
			!strings.Contains(r.Vetoes[0].Reason, "constraint/x unavailable (fail_closed): gone") {
			t.Fatalf("fail_closed result %d = %+v", i, r)
		}
	}
	open := NewPolicyFilter("constraint/x", FailOpen, failing{errors.New("gone")}, nil)
	resp, err = open.Filter(testContext(t), req)
	if err != nil || len(resp.Results) != 2 || resp.Results[0].Vetoes != nil || resp.Results[1].HostID != "a2" {
		t.Fatalf("fail_open = %+v, %v", resp, err)
	}
}

// fixed returns canned vetoes per host position.
type fixed [][]sdk.Veto

func (f fixed) Filter(_ context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	resp := &sdk.FilterResponse{Results: make([]sdk.HostResult, len(req.Hosts))}
	for i := range req.Hosts {
		resp.Results[i] = sdk.HostResult{HostID: req.Hosts[i].ID, Vetoes: f[i]}
	}
	return resp, nil
}

func TestCombineFiltersOrdersVetoesByScore(t *testing.T) {
	limitVeto := sdk.Veto{Type: sdk.VetoDynamic, Reason: "Limit not satisfied: host", Score: 10000}
	dedicated := sdk.Veto{Type: sdk.VetoStatic, Reason: "Host is dedicated", Score: 1000000}
	f := CombineFilters(fixed{{limitVeto}, nil}, fixed{{dedicated}, nil})
	resp, err := f.Filter(testContext(t), limitRequest)
	if err != nil {
		t.Fatal(err)
	}
	want := []sdk.HostResult{{HostID: "a1", Vetoes: []sdk.Veto{dedicated, limitVeto}}, {HostID: "a2"}}
	if !reflect.DeepEqual(resp.Results, want) {
		t.Fatalf("combined = %+v, want %+v", resp.Results, want)
	}
	if _, err := CombineFilters(fixed{nil, nil}, failing{errors.New("x")}).Filter(testContext(t), limitRequest); err == nil {
		t.Fatal("a failing filter was hidden")
	}
}

// scoring is a filter without vetoes that scores hosts by position.
type scoring struct {
	fixed
	scores []float64
	err    error
}

func (s scoring) Score(_ context.Context, req *sdk.ScoreRequest) (*sdk.ScoreResponse, error) {
	if s.err != nil {
		return nil, s.err
	}
	resp := &sdk.ScoreResponse{}
	for i, h := range req.Hosts {
		resp.Scores = append(resp.Scores, sdk.HostScore{HostID: h.ID, Score: s.scores[i]})
	}
	return resp, nil
}

func TestCombineFiltersSumsTheScoresOfScoringPlugins(t *testing.T) {
	ctx := testContext(t)
	none := fixed{nil, nil}
	if _, err := CombineFilters(none, NewPolicyFilter("constraint/x", FailClosed, none, nil)).(Scorer).Score(ctx, limitRequest); !errors.Is(err, sdk.ErrUnimplemented) {
		t.Fatalf("Score without scoring plugins = %v, want ErrUnimplemented", err)
	}
	f := CombineFilters(none,
		NewPolicyFilter("constraint/a", FailClosed, scoring{fixed: none, scores: []float64{1, 2}}, nil),
		scoring{fixed: none, scores: []float64{10, 0.5}})
	resp, err := f.(Scorer).Score(ctx, limitRequest)
	if err != nil {
		t.Fatal(err)
	}
	want := []sdk.HostScore{{HostID: "a1", Score: 11}, {HostID: "a2", Score: 2.5}}
	if !reflect.DeepEqual(resp.Scores, want) {
		t.Fatalf("combined scores = %+v, want %+v", resp.Scores, want)
	}
	// A fail_open plugin whose Score fails still fails the ranking (the
	// scheduler then keeps the offer order); it never vetoes.
	failed := NewPolicyFilter("constraint/b", FailOpen, scoring{fixed: none, err: errors.New("gone")}, nil)
	if _, err := CombineFilters(none, failed).(Scorer).Score(ctx, limitRequest); err == nil || errors.Is(err, sdk.ErrUnimplemented) {
		t.Fatalf("Score with a failing scorer = %v, want its error", err)
	}
}

func TestConstraintClientScoresOnlyWithTheCapability(t *testing.T) {
	t.Parallel()
	h, _ := newTestHost(t, WithMetrics(prometheus.NewRegistry()))
	c, err := h.Constraint(testContext(t), builtinSpec(t, sdk.KindConstraint, "limit"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Filter(testContext(t), limitRequest); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Score(testContext(t), limitRequest); !errors.Is(err, sdk.ErrUnimplemented) {
		t.Fatalf("Score of constraint/limit (no score capability) = %v, want ErrUnimplemented", err)
	}
	// Refused here, without a call to the plugin.
	if got := value(t, h.metrics.calls.WithLabelValues("constraint", "limit", "Score")); got != 0 {
		t.Fatalf("%v Score calls reached the plugin, want 0", got)
	}
}

func TestCircuitOpensOnSlowPluginAndMetricsCountIt(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	clock := &fakeClock{now: time.Unix(0, 0)}
	h, _ := newTestHost(t, WithMetrics(reg), WithCircuitBreaker(2, time.Minute), WithClock(clock.Now))
	spec := builtinSpec(t, sdk.KindConstraint, "limit")
	spec.Timeout = time.Nanosecond
	c, err := h.Constraint(testContext(t), spec)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := c.Filter(context.Background(), limitRequest); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Filter past the entry's timeout: %v", err)
		}
	}
	if c.Circuit() != CircuitOpen {
		t.Fatalf("circuit = %v after 2 timeouts, want open", c.Circuit())
	}
	if _, err := c.Filter(context.Background(), limitRequest); !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("Filter on an open circuit: %v", err)
	}
	if got := value(t, h.metrics.calls.WithLabelValues("constraint", "limit", "Filter")); got != 3 {
		t.Errorf("calls = %v, want 3", got)
	}
	if got := value(t, h.metrics.errors.WithLabelValues("constraint", "limit", "Filter")); got != 3 {
		t.Errorf("errors = %v, want 3", got)
	}
	if got := value(t, h.metrics.circuit.WithLabelValues("constraint", "limit")); got != float64(CircuitOpen) {
		t.Errorf("circuit gauge = %v, want %d", got, CircuitOpen)
	}
	// Base calls share the breaker: the plugin is unhealthy as a whole.
	if _, err := c.Info(testContext(t)); !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("Info on an open circuit: %v", err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var histogram bool
	for _, f := range families {
		histogram = histogram || (f.GetName() == "aurora_plugin_call_duration_seconds" && len(f.GetMetric()) > 0)
	}
	if !histogram {
		t.Fatal("no latency histogram was gathered")
	}
}

func TestRestartsAreCounted(t *testing.T) {
	reg := prometheus.NewRegistry()
	h, _ := newTestHost(t, WithMetrics(reg))
	c, err := h.Constraint(testContext(t), builtinSpec(t, sdk.KindConstraint, "limit"))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(c.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	filter(t, c)
	if got := value(t, h.metrics.restarts.WithLabelValues("constraint", "limit")); got != 1 {
		t.Fatalf("restarts = %v, want 1", got)
	}
	// A second host on the same registry shares the collectors.
	h2 := New(nil, WithMetrics(reg))
	if h2.metrics == nil || h2.metrics.restarts != h.metrics.restarts {
		t.Fatal("a second host did not reuse the registered collectors")
	}
}

// TestKill9DuringBurstUnderFailClosed kills the plugin during a burst of
// Filter calls: every answer is either the plugin's or, under fail_closed,
// a veto of every host, so nothing is placed in violation; afterwards the
// restarted plugin answers again.
func TestKill9DuringBurstUnderFailClosed(t *testing.T) {
	h, _ := newTestHost(t, WithBackoff(50*time.Millisecond, time.Second))
	c, err := h.Constraint(testContext(t), builtinSpec(t, sdk.KindConstraint, "limit"))
	if err != nil {
		t.Fatal(err)
	}
	guarded := NewPolicyFilter("constraint/limit", FailClosed, c, nil)
	stop := make(chan struct{})
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := guarded.Filter(context.Background(), limitRequest)
				if err != nil {
					errs <- err
					return
				}
				// a1 is at its host limit: it must never be accepted.
				if len(resp.Results[0].Vetoes) == 0 {
					errs <- fmt.Errorf("host a1 accepted in violation of its limit: %+v", resp.Results)
					return
				}
			}
		}()
	}
	time.Sleep(100 * time.Millisecond)
	if err := syscall.Kill(c.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	filter(t, c) // scheduling resumes
	if c.Restarts() != 1 {
		t.Fatalf("Restarts() = %d, want 1", c.Restarts())
	}
}

func TestDiscoveryAndQuotaClients(t *testing.T) {
	t.Parallel()
	h, _ := newTestHost(t)
	spec := builtinSpec(t, sdk.KindQuota, "static")
	spec.Config = []byte(`{"roles":{"www-data":{"cpus":1,"ram_mb":10,"disk_mb":10}}}`)
	q, err := h.Quota(testContext(t), spec)
	if err != nil {
		t.Fatal(err)
	}
	d, err := q.Check(testContext(t), &sdk.QuotaCheckRequest{Role: "www-data",
		Proposed: []sdk.Usage{{Production: true, Resources: sdk.Resources{CPUs: 2}}}})
	if err != nil || d.Allowed || !strings.Contains(d.Reason, "cpus quota exceeded by 1.00") {
		t.Fatalf("Check = %+v, %v", d, err)
	}
	if err := syscall.Kill(q.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// The config is replayed on the restarted process.
	qs, err := q.Get(testContext(t), []string{"www-data"})
	if err != nil || qs[0].Quota.CPUs != 1 {
		t.Fatalf("Get after a restart = %+v, %v", qs, err)
	}
	if _, err := h.Discovery(testContext(t), builtinSpec(t, sdk.KindDiscovery, "nope")); err == nil {
		t.Fatal("started an unknown discovery plugin")
	}
	client, err := h.Start(testContext(t), builtinSpec(t, sdk.KindConstraint, "value"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := client.(*ConstraintClient); !ok {
		t.Fatalf("Start returned %T", client)
	}
}

// value reads a counter or gauge.
func value(t *testing.T, m prometheus.Metric) float64 {
	t.Helper()
	var out dto.Metric
	if err := m.Write(&out); err != nil {
		t.Fatal(err)
	}
	if c := out.GetCounter(); c != nil {
		return c.GetValue()
	}
	return out.GetGauge().GetValue()
}
