package scheduling

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/taskstate"
	"github.com/aurora-go/aurora/plugins/quota/static"
	"github.com/aurora-go/aurora/sdk"
)

// fakeAdmission checks placements by a fixed rule and quotas with the
// built-in static plugin.
type fakeAdmission struct {
	quota sdk.QuotaPlugin
	mu    sync.Mutex
	reqs  []*sdk.QuotaCheckRequest
}

func (a *fakeAdmission) ValidatePlacements(_ context.Context, ps []spec.Placement) spec.FieldErrors {
	var errs spec.FieldErrors
	for _, p := range ps {
		if p.Name != "zonespread" {
			errs.Add("placement["+p.Name+"]", "no enabled constraint plugin "+p.Name)
		}
	}
	return errs
}

func (a *fakeAdmission) ValidateExecutor(_ context.Context, name string) spec.FieldErrors {
	var errs spec.FieldErrors
	if name != "thermos" && name != "docker" && name != "customexec" {
		errs.Add("executor", "no enabled executor plugin "+name)
	}
	return errs
}

func (a *fakeAdmission) CheckQuota(ctx context.Context, req *sdk.QuotaCheckRequest) (*sdk.QuotaDecision, error) {
	a.mu.Lock()
	a.reqs = append(a.reqs, req)
	a.mu.Unlock()
	return a.quota.Check(ctx, req)
}

func newQuotaAdmission(t *testing.T, config string) *fakeAdmission {
	t.Helper()
	p := static.New(nil)
	if err := p.Configure(context.Background(), json.RawMessage(config)); err != nil {
		t.Fatal(err)
	}
	return &fakeAdmission{quota: p}
}

func TestCreateJobChecksQuota(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	a := newQuotaAdmission(t, `{"roles":{"www-data":{"cpus":2,"ram_mb":1024,"disk_mb":1024}}}`)
	h.s.SetAdmission(a)

	prod := testJob("prod", 3, true) // 3 x 0.5 cpus fits 2
	prod.Tier = spec.TierPreferred
	if _, err := h.s.CreateJob(ctx, prod); err != nil {
		t.Fatalf("within quota: %v", err)
	}
	more := testJob("more", 2, true) // 1.5 + 1.0 > 2
	more.Tier = spec.TierPreferred
	_, err := h.s.CreateJob(ctx, more)
	var re *RequestError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "Insufficient resource quota") || !strings.Contains(err.Error(), "cpus") {
		t.Fatalf("over quota must be a request error naming the resource, got %v", err)
	}
	if tasks := tasksOf(t, h, more.Key.String()); len(tasks) != 0 {
		t.Fatalf("a refused job commits nothing: %s", fmtTasks(tasks))
	}
	last := a.reqs[len(a.reqs)-1]
	if len(last.Current) != 1 || last.Current[0].Resources.CPUs != 1.5 || !last.Current[0].Production || last.Proposed[0].Resources.CPUs != 1.0 {
		t.Fatalf("current consumption and the proposal: %+v", last)
	}

	free := testJob("free", 10, true) // preemptible: consumes no quota
	if _, err := h.s.CreateJob(ctx, free); err != nil {
		t.Fatalf("a non-production job is not held to the quota: %v", err)
	}
	ded := testJob("ded", 10, true)
	ded.Tier = spec.TierPreferred
	ded.Constraints = map[string]string{"dedicated": "www-data/db"}
	if _, err := h.s.CreateJob(ctx, ded); err != nil {
		t.Fatalf("a dedicated job is not held to the quota: %v", err)
	}

	// Inactive tasks consume nothing: kill the production job and the
	// second one fits.
	if _, err := h.s.KillTasks(ctx, prod.Key.String(), nil, ""); err != nil {
		t.Fatal(err)
	}
	for _, task := range tasksOf(t, h, prod.Key.String()) {
		putTask(t, h, prod, task.ID, task.Instance, taskstate.Killed, 0)
	}
	if _, err := h.s.CreateJob(ctx, more); err != nil {
		t.Fatalf("after the kill the role has room: %v", err)
	}
}

func TestAddInstancesChecksQuota(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	h.s.SetAdmission(newQuotaAdmission(t, `{"roles":{"www-data":{"cpus":1.5,"ram_mb":4096,"disk_mb":4096}}}`))
	job := testJob("web", 2, true)
	job.Tier = spec.TierPreferred
	if _, err := h.s.CreateJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.s.AddInstances(ctx, job.Key.String(), 0, 2); err == nil || !strings.Contains(err.Error(), "quota") {
		t.Fatalf("2 more instances exceed the quota, got %v", err)
	}
	if _, _, err := h.s.AddInstances(ctx, job.Key.String(), 0, 1); err != nil {
		t.Fatalf("1 more instance fits: %v", err)
	}
}

func TestCreateJobValidatesPlacements(t *testing.T) {
	h := newHarness(t, nil)
	h.s.SetAdmission(newQuotaAdmission(t, `{"default":{"cpus":100}}`))
	job := testJob("web", 1, true)
	job.Placements = []spec.Placement{{Name: "nosuch", Config: json.RawMessage(`{}`)}}
	_, err := h.s.CreateJob(context.Background(), job)
	var fe spec.FieldErrors
	if !errors.As(err, &fe) || len(fe) != 1 || fe[0].Path != "placement[nosuch]" {
		t.Fatalf("a placement failure is a field error with its path, got %v", err)
	}
}

// spreadConstraints vetoes a host whose zone would run more than one task
// above the least loaded zone, from the request's ActiveTasks, when the
// job has a zonespread placement.
type spreadConstraints struct {
	mu    sync.Mutex
	calls int
	args  []string
}

func (f *spreadConstraints) Filter(_ context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	f.mu.Lock()
	f.calls++
	f.args = append(f.args, string(req.Group.Placements["zonespread"]))
	f.mu.Unlock()
	resp := &sdk.FilterResponse{}
	counts := map[string]int32{"a": 0, "b": 0}
	for v, n := range req.ActiveTasks["zone"] {
		counts[v] = n
	}
	low := min(counts["a"], counts["b"])
	for _, h := range req.Hosts {
		r := sdk.HostResult{HostID: h.ID}
		z := h.Attributes["zone"][0]
		if _, ok := req.Group.Placements["zonespread"]; ok && counts[z]+1-low > 1 {
			r.Vetoes = []sdk.Veto{{Type: sdk.VetoDynamic, Reason: "skew in zone " + z, Score: 10000}}
		}
		resp.Results = append(resp.Results, r)
	}
	return resp, nil
}

func TestPlacementsAskThePluginsBeforeEachTask(t *testing.T) {
	ctx := context.Background()
	c := &spreadConstraints{}
	h := newHarness(t, c)
	job := testJob("spread", 4, true)
	job.Placements = []spec.Placement{{Name: "zonespread", Config: json.RawMessage(`{"max_skew":1}`)}}
	if _, err := h.s.CreateJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	// Zone a has three big agents, zone b one: packing alone would put
	// three tasks in zone a.
	var offers []mesos.Offer
	for i, z := range []string{"a", "a", "a", "b"} {
		agent := fmt.Sprintf("agent-%d", i)
		offers = append(offers, offer("o-"+agent, agent, agent, 4, 4096, 4096, [][2]uint64{{31000, 31009}}, map[string]string{"zone": z}))
	}
	h.s.Offers(offers)
	h.s.schedule(ctx)
	zones := map[string]int{}
	for _, task := range tasksOf(t, h, job.Key.String()) {
		if task.AgentID == "" {
			continue
		}
		if task.AgentID == "agent-3" {
			zones["b"]++
		} else {
			zones["a"]++
		}
	}
	if zones["a"] != 2 || zones["b"] != 2 {
		t.Fatalf("4 tasks over zones a and b with max skew 1: %v", zones)
	}
	if c.calls < 4 || c.args[0] != `{"max_skew":1}` {
		t.Fatalf("the plugins are asked before each task with the block's arguments: calls %d, args %q", c.calls, c.args)
	}
}
