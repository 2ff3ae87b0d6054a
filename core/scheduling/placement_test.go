package scheduling

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/taskstate"
	"github.com/aurora-go/aurora/plugins/constraint/limit"
	"github.com/aurora-go/aurora/sdk"
)

func resourceMap(rs []mesos.Resource) map[string]float64 {
	out := map[string]float64{}
	for _, r := range rs {
		if r.Scalar != nil {
			out[r.Name] += r.Scalar.Value
		}
	}
	return out
}

func portsOf(rs []mesos.Resource) []uint64 {
	var out []uint64
	for _, r := range rs {
		if r.Name != "ports" {
			continue
		}
		for _, rg := range r.GetRanges().GetRange() {
			for p := rg.Begin; p <= rg.End; p++ {
				out = append(out, p)
			}
		}
	}
	return out
}

func TestPlacementAcceptsOneTaskPerOffer(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	job := testJob("web", 2, true)
	job.Task.Resources.Ports = []string{"http", "admin"}
	if _, err := h.s.CreateJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	h.s.Offers([]mesos.Offer{
		offer("o-2", "agent-2", "host-b", 2, 1024, 1024, [][2]uint64{{32000, 32000}, {32005, 32010}}, map[string]string{"rack": "r2"}),
		offer("o-1", "agent-1", "host-a", 2, 1024, 1024, [][2]uint64{{31000, 31009}}, map[string]string{"rack": "r1"}),
	})
	h.s.schedule(ctx)

	accepts, declines, _, _ := h.mesos.snapshot()
	if len(declines) != 0 {
		t.Errorf("offers declined: %v", declines)
	}
	if len(accepts) != 2 {
		t.Fatalf("got %d ACCEPTs, want 2 (one task per offer)", len(accepts))
	}
	offerAgent := map[string]string{"o-1": "agent-1", "o-2": "agent-2"}
	offerPorts := map[string]map[string]uint64{
		"o-1": {"http": 31000, "admin": 31001},
		"o-2": {"http": 32000, "admin": 32005}, // lowest first, across ranges
	}
	seenOffers := map[string]bool{}
	seenInstances := map[int]bool{}
	for _, a := range accepts {
		if seenOffers[a.offerID] {
			t.Errorf("offer %s accepted twice", a.offerID)
		}
		seenOffers[a.offerID] = true
		if a.refuse != 5*time.Second {
			t.Errorf("ACCEPT refuse = %s, want the 5s offer filter", a.refuse)
		}
		if len(a.tasks) != 1 {
			t.Fatalf("offer %s launches %d tasks, want 1", a.offerID, len(a.tasks))
		}
		info := a.tasks[0]
		task := mustTask(t, h, info.TaskID.Value)
		seenInstances[task.Instance] = true
		if task.Status != taskstate.Assigned || task.AgentID != offerAgent[a.offerID] {
			t.Errorf("task %s = %s on %q, want ASSIGNED on %s", task.ID, task.Status, task.AgentID, offerAgent[a.offerID])
		}
		if !reflect.DeepEqual(task.Ports, offerPorts[a.offerID]) {
			t.Errorf("task %s ports = %v, want %v from offer %s", task.ID, task.Ports, offerPorts[a.offerID], a.offerID)
		}
		if info.AgentID.Value != task.AgentID || info.Name != "www-data/prod/web" {
			t.Errorf("TaskInfo agent %q name %q, want %q and the job key", info.AgentID.Value, info.Name, task.AgentID)
		}
		if got, want := resourceMap(info.Resources), map[string]float64{"cpus": 0.5, "mem": 128, "disk": 64}; !reflect.DeepEqual(got, want) {
			t.Errorf("task resources = %v, want %v (no executor overhead)", got, want)
		}
		wantPorts := []uint64{offerPorts[a.offerID]["http"], offerPorts[a.offerID]["admin"]}
		if got := portsOf(info.Resources); !reflect.DeepEqual(got, wantPorts) {
			t.Errorf("port resources = %v, want %v", got, wantPorts)
		}
		ex := info.Executor
		if ex == nil {
			t.Fatal("TaskInfo has no executor")
		}
		if got, want := resourceMap(ex.Resources), map[string]float64{"cpus": 0.25, "mem": 128}; !reflect.DeepEqual(got, want) {
			t.Errorf("executor resources = %v, want the overhead %v", got, want)
		}
		if ex.ExecutorID.Value != "thermos-"+task.ID || ex.GetFrameworkID().GetValue() != testFramework ||
			ex.GetCommand().GetValue() != "'/usr/bin/aurora' executor" || !ex.GetCommand().GetShell() {
			t.Errorf("executor = %+v", ex)
		}
		var data spec.AssignedTask
		if err := json.Unmarshal(info.Data, &data); err != nil {
			t.Fatalf("TaskInfo.data is not an AssignedTask: %v", err)
		}
		want := spec.AssignedTask{TaskID: task.ID, Instance: task.Instance, AgentID: task.AgentID, Host: task.Host, Ports: task.Ports, Job: task.Config}
		if !reflect.DeepEqual(data, want) {
			t.Errorf("TaskInfo.data = %+v, want %+v", data, want)
		}
		if r := h.s.PendingReason(task.ID); r != "" {
			t.Errorf("placed task keeps pending reason %q", r)
		}
	}
	if len(seenInstances) != 2 {
		t.Errorf("instances launched: %v, want 0 and 1", seenInstances)
	}

	// The used offers are gone: a second round launches nothing more.
	h.s.schedule(ctx)
	if accepts, _, _, _ := h.mesos.snapshot(); len(accepts) != 2 {
		t.Errorf("a second round sent %d more ACCEPTs on spent offers", len(accepts)-2)
	}
}

func TestPlacementPendingReasons(t *testing.T) {
	tests := []struct {
		name        string
		ports       []string
		offers      []mesos.Offer
		constraints *fakeConstraints
		want        string // exact, or a prefix when it ends in "..."
	}{
		{
			name: "no offers",
			want: "No offers available",
		},
		{
			name:   "offer too small once the executor is added",
			offers: []mesos.Offer{offer("o-1", "agent-1", "a1", 0.6, 200, 1024, nil, nil)},
			want:   "Insufficient resources: cpus (0.60 < 0.75), ram (200MB < 256MB)",
		},
		{
			name:   "disk",
			offers: []mesos.Offer{offer("o-1", "agent-1", "a1", 4, 4096, 10, nil, nil)},
			want:   "Insufficient resources: disk (10MB < 64MB)",
		},
		{
			name:   "ports",
			ports:  []string{"http", "admin"},
			offers: []mesos.Offer{offer("o-1", "agent-1", "a1", 4, 4096, 4096, [][2]uint64{{31000, 31000}}, nil)},
			want:   "Insufficient resources: ports (1 < 2)",
		},
		{
			name:        "vetoed by the constraint plugin",
			offers:      []mesos.Offer{bigOffer("o-1", "agent-1"), bigOffer("o-2", "agent-2")},
			constraints: &fakeConstraints{veto: map[string]string{"agent-1": "Constraint not satisfied: rack", "agent-2": "Constraint not satisfied: rack"}},
			want:        "Constraint not satisfied: rack",
		},
		{
			name:        "constraint plugin fails: fail closed",
			offers:      []mesos.Offer{bigOffer("o-1", "agent-1")},
			constraints: &fakeConstraints{err: errors.New("plugin exited")},
			want:        "Constraint plugin unavailable: plugin exited",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			var c Constraints
			if tt.constraints != nil {
				c = tt.constraints
			}
			h := newHarness(t, c)
			job := testJob("hello", 1, true)
			job.Task.Resources.Ports = tt.ports
			ids, err := h.s.CreateJob(ctx, job)
			if err != nil {
				t.Fatal(err)
			}
			h.s.Offers(tt.offers)
			h.s.schedule(ctx)
			if accepts, _, _, _ := h.mesos.snapshot(); len(accepts) != 0 {
				t.Fatalf("got %d ACCEPTs, want none", len(accepts))
			}
			if st := mustTask(t, h, ids[0]).Status; st != taskstate.Pending {
				t.Errorf("task is %s, want PENDING", st)
			}
			if got := h.s.PendingReason(ids[0]); got != tt.want {
				t.Errorf("pending reason = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConstraintPluginSeesOneRequestPerGroup(t *testing.T) {
	ctx := context.Background()
	fc := &fakeConstraints{veto: map[string]string{"agent-2": "Constraint not satisfied: rack"}}
	h := newHarness(t, fc)
	job := testJob("hello", 2, true)
	job.Constraints = map[string]string{"rack": "r1", "host": "limit:1"}
	if _, err := h.s.CreateJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	h.s.Offers([]mesos.Offer{
		offer("o-1", "agent-1", "a1", 4, 4096, 4096, nil, map[string]string{"rack": "r1"}),
		offer("o-2", "agent-2", "a2", 4, 4096, 4096, nil, map[string]string{"rack": "r2"}),
		offer("o-3", "agent-3", "a3", 0.1, 4096, 4096, nil, map[string]string{"rack": "r1"}), // too small
	})
	h.s.schedule(ctx)

	fc.mu.Lock()
	reqs := fc.reqs
	fc.mu.Unlock()
	if len(reqs) != 1 {
		t.Fatalf("constraint plugin called %d times for one group, want 1", len(reqs))
	}
	req := reqs[0]
	var hosts []string
	for _, hst := range req.Hosts {
		hosts = append(hosts, hst.ID)
	}
	if want := []string{"agent-1", "agent-2"}; !reflect.DeepEqual(hosts, want) {
		t.Errorf("hosts sent = %v, want only those with room %v", hosts, want)
	}
	if got := req.Hosts[0].Attributes["host"]; !reflect.DeepEqual(got, []string{"a1"}) {
		t.Errorf("host attribute = %v, want the hostname when the agent sets none", got)
	}
	if req.Group.Role != "www-data" || req.Group.Environment != "prod" || req.Group.Job != "hello" || len(req.Group.Constraints) != 2 {
		t.Errorf("group = %+v", req.Group)
	}
	accepts, _, _, _ := h.mesos.snapshot()
	if len(accepts) != 1 || accepts[0].offerID != "o-1" {
		t.Fatalf("accepts = %+v, want one on o-1", accepts)
	}
	counts := statusCounts(tasksOf(t, h, "www-data/prod/hello"))
	if counts[taskstate.Assigned] != 1 || counts[taskstate.Pending] != 1 {
		t.Errorf("statuses = %v, want 1 ASSIGNED and 1 PENDING", counts)
	}
}

func TestHostLimitWithTheLimitPlugin(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, limit.New(hclog.NewNullLogger()))
	job := testJob("spread", 3, true)
	job.Constraints = map[string]string{"host": "limit:1"}
	if _, err := h.s.CreateJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	h.s.Offers([]mesos.Offer{bigOffer("o-1", "agent-1"), bigOffer("o-2", "agent-2")})
	h.s.schedule(ctx)

	accepts, _, _, _ := h.mesos.snapshot()
	if len(accepts) != 2 {
		t.Fatalf("got %d ACCEPTs, want 2", len(accepts))
	}
	if accepts[0].offerID == accepts[1].offerID {
		t.Fatalf("both tasks on offer %s", accepts[0].offerID)
	}
	tasks := tasksOf(t, h, "www-data/prod/spread")
	agents := map[string]int{}
	var pending string
	for _, task := range tasks {
		switch task.Status {
		case taskstate.Assigned:
			agents[task.AgentID]++
		case taskstate.Pending:
			pending = task.ID
		}
	}
	if !reflect.DeepEqual(agents, map[string]int{"agent-1": 1, "agent-2": 1}) || pending == "" {
		t.Fatalf("placement = %v, pending %q; want one task per host and one pending:%s", agents, pending, fmtTasks(tasks))
	}
	if r := h.s.PendingReason(pending); !strings.HasPrefix(r, "Insufficient resources") && !strings.HasPrefix(r, "Limit not satisfied") {
		t.Errorf("pending reason = %q", r)
	}

	// Fresh offers from the same hosts, once the group's backoff is over:
	// the limit now vetoes both.
	h.advance(time.Second)
	h.s.Offers([]mesos.Offer{bigOffer("o-3", "agent-1"), bigOffer("o-4", "agent-2")})
	h.s.schedule(ctx)
	if accepts, _, _, _ := h.mesos.snapshot(); len(accepts) != 2 {
		t.Fatalf("got %d ACCEPTs after the second round, want still 2", len(accepts))
	}
	if r := h.s.PendingReason(pending); r != "Limit not satisfied: host" {
		t.Errorf("pending reason = %q, want the limit veto", r)
	}
	// A third host takes the last instance (the backoff has doubled).
	h.s.Offers([]mesos.Offer{bigOffer("o-5", "agent-3")})
	h.s.schedule(ctx)
	if accepts, _, _, _ := h.mesos.snapshot(); len(accepts) != 2 {
		t.Fatalf("the group was tried again during its backoff: %d ACCEPTs", len(accepts))
	}
	h.advance(2 * time.Second)
	h.s.schedule(ctx)
	accepts, _, _, _ = h.mesos.snapshot()
	if len(accepts) != 3 || accepts[2].offerID != "o-5" || accepts[2].tasks[0].TaskID.Value != pending {
		t.Errorf("accepts = %+v, want the pending task on o-5", accepts)
	}
}

func TestLaunchFailureMarksTheTaskLost(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	h.mesos.acceptErr = errors.New("not subscribed")
	ids, err := h.s.CreateJob(ctx, testJob("hello", 1, true))
	if err != nil {
		t.Fatal(err)
	}
	h.s.Offers([]mesos.Offer{bigOffer("o-1", "agent-1")})
	h.s.schedule(ctx)
	lost := mustTask(t, h, ids[0])
	if lost.Status != taskstate.Lost || !strings.HasPrefix(lost.LastEvent().Message, "Launch failed: not subscribed") {
		t.Fatalf("task = %s %q, want LOST with the launch error", lost.Status, lost.LastEvent().Message)
	}
	// The replacement waits out a flapping penalty: the lost task never
	// ran (Aurora counts ASSIGNED as its last active state).
	tasks := tasksOf(t, h, "www-data/prod/hello")
	if c := statusCounts(tasks); c[taskstate.Throttled] != 1 {
		t.Errorf("statuses = %v, want a THROTTLED replacement:%s", c, fmtTasks(tasks))
	}
}

func TestPlacementCommitFailureLaunchesNothing(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	ids, err := h.s.CreateJob(ctx, testJob("hello", 1, true))
	if err != nil {
		t.Fatal(err)
	}
	h.s.Offers([]mesos.Offer{bigOffer("o-1", "agent-1")})
	h.log.setFail(errors.New("lost leadership"))
	h.s.schedule(ctx)
	if accepts, _, _, _ := h.mesos.snapshot(); len(accepts) != 0 {
		t.Fatalf("launched %d tasks whose assignment was not committed", len(accepts))
	}
	// The offer is still held and is used once the log works again.
	h.log.setFail(nil)
	h.s.schedule(ctx)
	if accepts, _, _, _ := h.mesos.snapshot(); len(accepts) != 1 || accepts[0].tasks[0].TaskID.Value != ids[0] {
		t.Fatalf("accepts = %+v, want the task launched on the held offer", accepts)
	}
}

// TestLimitWithinOneRound: the plugin sees the job's tasks as they were at
// the start of the round, so the scheduler itself must count the tasks it
// places during the round against limit constraints.
func TestLimitWithinOneRound(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, limit.New(hclog.NewNullLogger()))
	job := testJob("racked", 3, true)
	job.Constraints = map[string]string{"rack": "limit:1"}
	if _, err := h.s.CreateJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	h.s.Offers([]mesos.Offer{
		offer("o-1", "agent-1", "a1", 4, 4096, 4096, nil, map[string]string{"rack": "r1"}),
		offer("o-2", "agent-2", "a2", 4, 4096, 4096, nil, map[string]string{"rack": "r1"}),
		offer("o-3", "agent-3", "a3", 4, 4096, 4096, nil, map[string]string{"rack": "r2"}),
	})
	h.s.schedule(ctx)
	accepts, _, _, _ := h.mesos.snapshot()
	var offers []string
	for _, a := range accepts {
		offers = append(offers, a.offerID)
	}
	sort.Strings(offers) // ACCEPTs of one round are sent concurrently
	if !reflect.DeepEqual(offers, []string{"o-1", "o-3"}) {
		t.Errorf("accepted offers %v, want o-1 and o-3 (one per rack)", offers)
	}
	for _, task := range tasksOf(t, h, "www-data/prod/racked") {
		if task.Status != taskstate.Pending {
			continue
		}
		// o-2 had room: the limit, not resources, keeps the task waiting,
		// and no REVIVE is sent for it.
		if got := h.s.PendingReason(task.ID); got != "Limit not satisfied: rack" {
			t.Errorf("pending reason %q, want the rack limit", got)
		}
	}
	if c := statusCounts(tasksOf(t, h, "www-data/prod/racked")); c[taskstate.Pending] != 1 || c[taskstate.Assigned] != 2 {
		t.Errorf("statuses = %v, want 2 ASSIGNED and 1 PENDING", c)
	}
	if n := h.mesos.revivesSent(); n != 0 {
		t.Errorf("%d REVIVEs for a task its limit keeps waiting", n)
	}
}

func TestPlacementTreatsAMismatchedPluginAnswerAsAFailure(t *testing.T) {
	for _, results := range []int{0, 2} {
		ctx := context.Background()
		h := newHarness(t, shortAnswer{results: results})
		ids, err := h.s.CreateJob(ctx, testJob("short", 1, true))
		if err != nil {
			t.Fatal(err)
		}
		h.s.Offers([]mesos.Offer{bigOffer("o-1", "agent-1")})
		h.s.schedule(ctx)
		if accepts, _, _, _ := h.mesos.snapshot(); len(accepts) != 0 {
			t.Fatalf("%d results for 1 host: %d tasks launched, want none", results, len(accepts))
		}
		if r := h.s.PendingReason(ids[0]); !strings.Contains(r, "answered for") {
			t.Fatalf("%d results for 1 host: pending reason %q", results, r)
		}
	}
}

// shortAnswer is a constraint plugin that answers for the wrong number of
// hosts.
type shortAnswer struct{ results int }

func (s shortAnswer) Filter(_ context.Context, _ *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	return &sdk.FilterResponse{Results: make([]sdk.HostResult, s.results)}, nil
}

// Tasks left over after one per offer are packed onto offers with room:
// one ACCEPT carries them all, each with ports of its own, and packing
// stops when the offer is full.
func TestPlacementPacksTasksOntoOffersWithRoom(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	job := testJob("packed", 4, true)
	job.Task.Resources.Ports = []string{"http"}
	ids, err := h.s.CreateJob(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	// Room for 3 tasks of 0.5 cpu + 0.25 executor overhead, not 4.
	h.s.Offers([]mesos.Offer{offer("o-1", "agent-1", "host-a", 2.25, 4096, 4096, [][2]uint64{{31000, 31001}, {31005, 31005}}, nil)})
	h.s.schedule(ctx)
	accepts, _, _, _ := h.mesos.snapshot()
	if len(accepts) != 1 || len(accepts[0].tasks) != 3 {
		t.Fatalf("accepts = %d with %v tasks, want one ACCEPT carrying 3 tasks", len(accepts), func() []int {
			var n []int
			for _, a := range accepts {
				n = append(n, len(a.tasks))
			}
			return n
		}())
	}
	seen := map[uint64]bool{}
	for _, info := range accepts[0].tasks {
		for _, r := range info.Resources {
			if r.Name == "ports" {
				p := r.GetRanges().Range[0].Begin
				if seen[p] {
					t.Fatalf("port %d given to two tasks", p)
				}
				seen[p] = true
			}
		}
	}
	if len(seen) != 3 || !seen[31000] || !seen[31001] || !seen[31005] {
		t.Fatalf("ports = %v, want 31000, 31001 and 31005", seen)
	}
	pending := 0
	for _, id := range ids {
		if mustTask(t, h, id).Status == taskstate.Pending {
			pending++
			if r := h.s.PendingReason(id); !strings.HasPrefix(r, "Insufficient resources") {
				t.Errorf("pending reason = %q", r)
			}
		}
	}
	if pending != 1 {
		t.Fatalf("%d tasks still pending, want 1", pending)
	}
}

// scoringConstraints vetoes like fakeConstraints and scores hosts by a
// table.
type scoringConstraints struct {
	fakeConstraints
	scores   map[string]float64 // host id → score
	scoreErr error
	scored   [][]string // host ids of each Score request
}

func (f *scoringConstraints) Score(_ context.Context, req *sdk.ScoreRequest) (*sdk.ScoreResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	resp := &sdk.ScoreResponse{}
	for _, h := range req.Hosts {
		ids = append(ids, h.ID)
		resp.Scores = append(resp.Scores, sdk.HostScore{HostID: h.ID, Score: f.scores[h.ID]})
	}
	f.scored = append(f.scored, ids)
	if f.scoreErr != nil {
		return nil, f.scoreErr
	}
	return resp, nil
}

func TestPlacementPrefersTheHighestScoreAmongHostsNotVetoed(t *testing.T) {
	for _, tt := range []struct {
		name      string
		scoreErr  error
		wantAgent string
	}{
		{"scored", nil, "agent-3"},
		{"scoring failed: offer order", errors.New("plugin crashed"), "agent-1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			c := &scoringConstraints{
				fakeConstraints: fakeConstraints{veto: map[string]string{"agent-2": "rack is full"}},
				scores:          map[string]float64{"agent-1": 1, "agent-2": 100, "agent-3": 5},
				scoreErr:        tt.scoreErr,
			}
			h := newHarness(t, c)
			if _, err := h.s.CreateJob(ctx, testJob("web", 1, true)); err != nil {
				t.Fatal(err)
			}
			h.s.Offers([]mesos.Offer{bigOffer("o-1", "agent-1"), bigOffer("o-2", "agent-2"), bigOffer("o-3", "agent-3")})
			h.s.schedule(ctx)
			accepts, _, _, _ := h.mesos.snapshot()
			if len(accepts) != 1 {
				t.Fatalf("got %d ACCEPTs, want 1", len(accepts))
			}
			if got := "agent-" + strings.TrimPrefix(accepts[0].offerID, "o-"); got != tt.wantAgent {
				t.Errorf("task placed on %s, want %s", got, tt.wantAgent)
			}
			if len(c.scored) != 1 || !slices.Equal(c.scored[0], []string{"agent-1", "agent-3"}) {
				t.Errorf("Score requests %v, want one over the hosts not vetoed [agent-1 agent-3]", c.scored)
			}
		})
	}
}

func TestGroupWithoutRoomIsNotBackedOff(t *testing.T) {
	for _, tt := range []struct {
		name   string
		offers []mesos.Offer
		reason string
	}{
		{"no offer", nil, noOffers},
		{"offers too small", []mesos.Offer{offer("o-0", "agent-0", "h0", 0.1, 64, 64, nil, nil)}, "Insufficient resources: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			h := newHarness(t, nil)
			ids, err := h.s.CreateJob(ctx, testJob("web", 1, true))
			if err != nil {
				t.Fatal(err)
			}
			h.s.Offers(tt.offers)
			h.s.schedule(ctx) // no offer with room: no constraint evaluated
			if r := h.s.PendingReason(ids[0]); !strings.HasPrefix(r, tt.reason) {
				t.Fatalf("pending reason = %q, want %q", r, tt.reason)
			}
			// The clock has not moved: a backed-off group would wait a
			// second; a group blocked on capacity goes with the next offer.
			h.s.Offers([]mesos.Offer{bigOffer("o-1", "agent-1")})
			h.s.schedule(ctx)
			accepts, _, _, _ := h.mesos.snapshot()
			if len(accepts) != 1 || accepts[0].offerID != "o-1" {
				t.Fatalf("ACCEPTs once an offer with room came = %+v, want one of o-1", accepts)
			}
		})
	}
}

func TestGroupsOfOneRoundShareOffersAndEachSpreads(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	for _, name := range []string{"a", "b"} {
		if _, err := h.s.CreateJob(ctx, testJob(name, 2, true)); err != nil {
			t.Fatal(err)
		}
	}
	h.s.Offers([]mesos.Offer{bigOffer("o-1", "agent-1"), bigOffer("o-2", "agent-2"), bigOffer("o-3", "agent-3")})
	h.s.schedule(ctx)
	accepts, _, _, _ := h.mesos.snapshot()
	perOffer := map[string]map[string]int{} // offer → job → tasks
	for _, a := range accepts {
		for _, info := range a.tasks {
			task := mustTask(t, h, info.TaskID.Value)
			if perOffer[a.offerID] == nil {
				perOffer[a.offerID] = map[string]int{}
			}
			perOffer[a.offerID][task.JobKey]++
		}
	}
	want := map[string]map[string]int{
		"o-1": {"www-data/prod/a": 1, "www-data/prod/b": 1},
		"o-2": {"www-data/prod/a": 1, "www-data/prod/b": 1},
	}
	if !reflect.DeepEqual(perOffer, want) {
		t.Fatalf("tasks per offer = %v, want each job spread over two offers, both on the same two, o-3 untouched", perOffer)
	}
}

// Placement runs without writeMu: a task killed while the constraint
// plugins are asked is not assigned or launched.
func TestPlacementSkipsTasksChangedWhilePlacing(t *testing.T) {
	ctx := context.Background()
	fc := &fakeConstraints{}
	h := newHarness(t, fc)
	job := testJob("web", 2, true)
	ids, err := h.s.CreateJob(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	fc.onFilter = func() {
		if _, err := h.s.KillTasks(ctx, "www-data/prod/web", []int{0}, ""); err != nil {
			t.Error(err)
		}
	}
	h.s.Offers([]mesos.Offer{bigOffer("o-1", "agent-1"), bigOffer("o-2", "agent-2")})
	h.s.schedule(ctx)

	// A PENDING task that is killed is deleted (Aurora: PENDING -> DELETED).
	if task, _ := h.store.Task(ids[0]); task != nil {
		t.Errorf("killed task is %s, want it deleted", task.Status)
	}
	if st := mustTask(t, h, ids[1]).Status; st != taskstate.Assigned {
		t.Errorf("other task is %s, want ASSIGNED", st)
	}
	accepts, _, _, _ := h.mesos.snapshot()
	launched := 0
	for _, a := range accepts {
		for _, info := range a.tasks {
			launched++
			if info.TaskID.Value == ids[0] {
				t.Errorf("the killed task was launched on %s", a.offerID)
			}
		}
	}
	if launched != 1 {
		t.Errorf("%d tasks launched, want 1", launched)
	}
}
