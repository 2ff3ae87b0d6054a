package scheduling

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/sdk"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

const testFramework = "fw-test"

// storeLog is a Log that applies commands straight to a real store, or
// fails every command while fail is set.
type storeLog struct {
	store *state.Store

	mu   sync.Mutex
	fail error
	n    int // commands applied
}

func (l *storeLog) Apply(_ context.Context, cmd state.Command) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return l.fail
	}
	l.n++
	return l.store.Apply(cmd)
}

func (l *storeLog) setFail(err error) {
	l.mu.Lock()
	l.fail = err
	l.mu.Unlock()
}

type acceptCall struct {
	offerID string
	tasks   []mesos.TaskInfo
	refuse  time.Duration
}

type ackCall struct {
	agentID, taskID, uuid string
	// statusInStore is the task's status in the store when the ACK was
	// sent: an ACK must follow the commit.
	statusInStore taskstate.Status
}

// recMesos records every call the scheduler makes to Mesos.
type recMesos struct {
	store *state.Store

	mu         sync.Mutex
	acceptErr  error
	accepts    []acceptCall
	declines   [][]string
	kills      []string
	acks       []ackCall
	reconciles []map[string]string
	revives    int
}

func (m *recMesos) Accept(_ context.Context, offerID string, tasks []mesos.TaskInfo, refuse time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.acceptErr != nil {
		return m.acceptErr
	}
	m.accepts = append(m.accepts, acceptCall{offerID: offerID, tasks: tasks, refuse: refuse})
	return nil
}

func (m *recMesos) Decline(_ context.Context, offerIDs []string, _ time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.declines = append(m.declines, append([]string(nil), offerIDs...))
	return nil
}

func (m *recMesos) Kill(_ context.Context, taskID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.kills = append(m.kills, taskID)
	return nil
}

func (m *recMesos) Acknowledge(_ context.Context, agentID, taskID string, uuid []byte) error {
	var st taskstate.Status = -1
	if t, _ := m.store.Task(taskID); t != nil {
		st = t.Status
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.acks = append(m.acks, ackCall{agentID: agentID, taskID: taskID, uuid: string(uuid), statusInStore: st})
	return nil
}

func (m *recMesos) Reconcile(_ context.Context, tasks map[string]string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cp := make(map[string]string, len(tasks))
	for k, v := range tasks {
		cp[k] = v
	}
	m.reconciles = append(m.reconciles, cp)
	return nil
}

func (m *recMesos) Revive(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.revives++
	return nil
}

func (m *recMesos) snapshot() (accepts []acceptCall, declines [][]string, kills []string, acks []ackCall) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]acceptCall(nil), m.accepts...), append([][]string(nil), m.declines...),
		append([]string(nil), m.kills...), append([]ackCall(nil), m.acks...)
}

// fakeConstraints vetoes the hosts listed in veto, or fails when err is set.
// onFilter, if set, runs at the start of every Filter call.
type fakeConstraints struct {
	mu       sync.Mutex
	veto     map[string]string // host id → reason
	err      error
	reqs     []*sdk.FilterRequest
	onFilter func()
}

func (f *fakeConstraints) Filter(_ context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	if f.onFilter != nil {
		f.onFilter()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, req)
	if f.err != nil {
		return nil, f.err
	}
	resp := &sdk.FilterResponse{}
	for _, h := range req.Hosts {
		r := sdk.HostResult{HostID: h.ID}
		if reason, ok := f.veto[h.ID]; ok {
			r.Vetoes = []sdk.Veto{{Type: sdk.VetoStatic, Reason: reason, Score: 10000}}
		}
		resp.Results = append(resp.Results, r)
	}
	return resp, nil
}

type harness struct {
	s     *Scheduler
	log   *storeLog
	store *state.Store
	mesos *recMesos

	clockMu sync.Mutex
	clock   time.Time
}

func newHarness(t *testing.T, c Constraints) *harness {
	t.Helper()
	store, err := state.NewStore()
	if err != nil {
		t.Fatal(err)
	}
	if c == nil {
		c = &fakeConstraints{}
	}
	h := &harness{log: &storeLog{store: store}, store: store, mesos: &recMesos{store: store}, clock: time.Now()}
	h.s = New(Config{Executor: ExecutorConfig{Command: "'/usr/bin/aurora' executor"}, Hostname: "sched-1", Now: h.now},
		h.log, store, h.mesos, c, nil)
	return h
}

// now is the scheduler's clock in tests: it moves only when advanced.
func (h *harness) now() time.Time {
	h.clockMu.Lock()
	defer h.clockMu.Unlock()
	return h.clock
}

func (h *harness) advance(d time.Duration) {
	h.clockMu.Lock()
	h.clock = h.clock.Add(d)
	h.clockMu.Unlock()
}

func testJob(name string, instances int, service bool) *spec.Job {
	return &spec.Job{
		Cluster:   "local",
		Key:       spec.JobKey{Role: "www-data", Environment: "prod", Name: name},
		Service:   service,
		Instances: instances,
		Task: spec.Task{
			Processes: []spec.Process{{Name: "main", Cmdline: "sleep 60"}},
			Resources: spec.Resources{CPU: 0.5, RAM: 128 * spec.MiB, Disk: 64 * spec.MiB},
		},
	}
}

// offer builds an offer of the given size; ports are inclusive ranges.
func offer(id, agent, host string, cpus, mem, disk float64, ports [][2]uint64, attrs map[string]string) mesos.Offer {
	o := mesos.Offer{
		ID:          mesos.OfferID{Value: id},
		FrameworkID: mesos.FrameworkID{Value: testFramework},
		AgentID:     mesos.AgentID{Value: agent},
		Hostname:    host,
		Resources:   []mesos.Resource{scalar("cpus", cpus), scalar("mem", mem), scalar("disk", disk)},
	}
	if len(ports) > 0 {
		var rs []mesos.Value_Range
		for _, p := range ports {
			rs = append(rs, mesos.Value_Range{Begin: p[0], End: p[1]})
		}
		o.Resources = append(o.Resources, mesos.Resource{Name: "ports", Type: mesos.RANGES.Enum(), Ranges: &mesos.Value_Ranges{Range: rs}})
	}
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		o.Attributes = append(o.Attributes, mesos.Attribute{Name: k, Type: mesos.TEXT, Text: &mesos.Value_Text{Value: attrs[k]}})
	}
	return o
}

// bigOffer fits several test tasks.
func bigOffer(id, agent string) mesos.Offer {
	return offer(id, agent, agent, 4, 4096, 4096, [][2]uint64{{31000, 31009}}, map[string]string{"host": agent})
}

// putTask stores a task of job in status st directly, as if earlier
// transitions had happened.
func putTask(t *testing.T, h *harness, job *spec.Job, id string, instance int, st taskstate.Status, failures int) *state.Task {
	t.Helper()
	job.ApplyDefaults()
	key := job.Key.String()
	if j, _ := h.store.Job(key); j == nil {
		if err := h.store.Apply(state.CreateJob{Job: &state.Job{Key: key, Spec: job}}); err != nil {
			t.Fatal(err)
		}
	}
	// The task entered its state an hour ago: long enough not to count as
	// flapping when it ends (flapping has tests of its own).
	task := &state.Task{ID: id, JobKey: key, Instance: instance, Status: st, FailureCount: failures, Config: job,
		Events: []state.Event{{Time: h.now().UTC().Add(-time.Hour), Status: st}}}
	if st.OnAgent() {
		task.AgentID, task.Host = "agent-1", "agent-1"
	}
	if err := h.store.Apply(state.SaveTasks{Tasks: []*state.Task{task}}); err != nil {
		t.Fatal(err)
	}
	return task
}

func mustTask(t *testing.T, h *harness, id string) *state.Task {
	t.Helper()
	task, err := h.store.Task(id)
	if err != nil || task == nil {
		t.Fatalf("task %s: %v, %v", id, task, err)
	}
	return task
}

func tasksOf(t *testing.T, h *harness, key string) []*state.Task {
	t.Helper()
	tasks, err := h.store.TasksOfJob(key)
	if err != nil {
		t.Fatal(err)
	}
	return tasks
}

func statusCounts(tasks []*state.Task) map[taskstate.Status]int {
	out := map[taskstate.Status]int{}
	for _, t := range tasks {
		out[t.Status]++
	}
	return out
}

func update(id string, st mesos.TaskState, uuid string) mesos.TaskStatus {
	s := mesos.TaskStatus{TaskID: mesos.TaskID{Value: id}, State: st.Enum(), AgentID: &mesos.AgentID{Value: "agent-1"}}
	if uuid != "" {
		s.UUID = []byte(uuid)
	}
	return s
}

func fmtTasks(tasks []*state.Task) string {
	var out string
	for _, t := range tasks {
		out += fmt.Sprintf("\n  %s instance=%d %s failures=%d ancestor=%q", t.ID, t.Instance, t.Status, t.FailureCount, t.AncestorID)
	}
	return out
}
