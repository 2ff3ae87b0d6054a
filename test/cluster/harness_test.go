package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/mesos"
	"github.com/aurora-go/aurora/core/mesoslite"
	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/raftlog"
	"github.com/aurora-go/aurora/core/scheduling"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
	"github.com/aurora-go/aurora/plugins/constraint/dedicated"
	"github.com/aurora-go/aurora/plugins/constraint/limit"
	"github.com/aurora-go/aurora/plugins/constraint/value"
)

// convergeTimeout bounds every wait for the scheduler to converge;
// generous for -race on two cores.
const convergeTimeout = 30 * time.Second

// options shape a harness.
type options struct {
	agents         int
	partitionAware bool
	// constraints defaults to the built-in plugins, in process.
	constraints scheduling.Constraints
	// cluster and scheduler adjust the configurations before start.
	cluster   func(*mesoslite.Config)
	scheduler func(*scheduling.Config)
	logger    hclog.Logger
}

// harness is one scheduler replica (raftlog node on disk, state store,
// scheduler, driver) subscribed to an embedded cluster.
type harness struct {
	t       testing.TB
	cluster *mesoslite.Cluster
	store   *state.Store
	node    *raftlog.Node
	sched   *scheduling.Scheduler
	driver  *mesos.Driver

	cancel   context.CancelFunc
	wg       sync.WaitGroup
	stopOnce sync.Once
}

// inProcessConstraints are the built-in limit, value and dedicated plugins
// called as Go values.
func inProcessConstraints() scheduling.Constraints {
	return pluginhost.CombineFilters(dedicated.New(nil), value.New(nil), limit.New(nil))
}

// testAgents are n agents with host and rack attributes and disjoint ports.
func testAgents(n int, cpus, memMB float64) []mesoslite.AgentConfig {
	agents := make([]mesoslite.AgentConfig, n)
	for i := range agents {
		host := fmt.Sprintf("agent-%d", i+1)
		lo := uint64(31000 + i*10)
		agents[i] = mesoslite.AgentConfig{
			Hostname: host, Attributes: map[string]string{"host": host, "rack": fmt.Sprintf("rack-%d", i%2+1)},
			CPUs: cpus, MemMB: memMB, DiskMB: 4096, Ports: [][2]uint64{{lo, lo + 9}},
		}
	}
	return agents
}

func startHarness(t testing.TB, o options) *harness {
	t.Helper()
	dir := t.TempDir()
	logger := o.logger
	if logger == nil {
		logger = hclog.New(&hclog.LoggerOptions{Level: hclog.Warn, Output: newTestWriter(t)})
	}
	if o.agents == 0 {
		o.agents = 3
	}
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin, _ = filepath.Abs(bin)
	ccfg := mesoslite.Config{
		Agents:  testAgents(o.agents, 2, 2048),
		WorkDir: filepath.Join(dir, "mesos"),
		Logger:  logger.Named("mesoslite"),
		ExecutorEnv: map[string]string{
			"MESOS_TESTEXEC": "1",
			// A race-built test binary sleeps a second at exit otherwise.
			"GORACE": "atexit_sleep_ms=0",
		},
		HeartbeatInterval:           500 * time.Millisecond,
		AllocationInterval:          50 * time.Millisecond,
		StatusUpdateRetry:           300 * time.Millisecond,
		StatusUpdateRetryMax:        time.Second,
		ExecutorShutdownGrace:       time.Second,
		ExecutorRegistrationTimeout: 30 * time.Second,
		AgentReregisterTimeout:      time.Second,
		AgentPingTimeout:            200 * time.Millisecond,
		MaxAgentPingTimeouts:        3,
	}
	if o.cluster != nil {
		o.cluster(&ccfg)
	}
	cluster, err := mesoslite.New(ccfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	startCtx, startCancel := context.WithTimeout(ctx, 30*time.Second)
	defer startCancel()
	if err := cluster.Start(startCtx); err != nil {
		cancel()
		t.Fatalf("start the cluster: %v", err)
	}
	h := &harness{t: t, cluster: cluster, cancel: cancel}
	t.Cleanup(h.stop)

	if h.store, err = state.NewStore(); err != nil {
		t.Fatal(err)
	}
	h.node, err = raftlog.Open(raftlog.Config{
		DataDir: filepath.Join(dir, "raft"), BindAddr: "127.0.0.1:0", NodeID: "test", Bootstrap: true,
		Logger: logger, ApplyTimeout: 10 * time.Second, ElectionTimeout: 100 * time.Millisecond,
	}, h.store)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.node.WaitLeader(startCtx); err != nil {
		t.Fatal(err)
	}
	h.driver = mesos.New(mesos.Config{
		MasterURL: cluster.MasterURL(), User: currentUser(), Hostname: "test", FailoverTimeout: time.Hour,
		FrameworkID:    func() string { id, _ := h.store.Meta(state.MetaFrameworkID); return id },
		PartitionAware: o.partitionAware,
		BackoffMax:     time.Second,
		Logger:         logger,
	})
	scfg := scheduling.Config{
		Executor: scheduling.ExecutorConfig{Command: "exec " + shellQuote(bin) + " -test.run=^$", CPUs: 0.1, MemMB: 32},
		Hostname: "test",
		Interval: 100 * time.Millisecond, OfferFilter: 100 * time.Millisecond, KillRetry: time.Second,
		InitialSchedulePenalty: 100 * time.Millisecond, MaxSchedulePenalty: time.Second,
		// Replacements are not throttled: the tests are about convergence.
		InitialFlappingDelay: time.Millisecond, MaxFlappingDelay: time.Millisecond,
		ReconcileDelay: 500 * time.Millisecond, ExplicitReconcile: time.Second,
		ImplicitReconcile: time.Second, ReconcileSpread: time.Millisecond,
	}
	if o.scheduler != nil {
		o.scheduler(&scfg)
	}
	c := o.constraints
	if c == nil {
		c = inProcessConstraints()
	}
	h.sched = scheduling.New(scfg, h.node, h.store, h.driver, c, logger)
	h.wg.Add(2)
	go func() { defer h.wg.Done(); _ = h.sched.Run(ctx) }()
	go func() { defer h.wg.Done(); _ = h.driver.Run(ctx, h.sched) }()
	return h
}

func (h *harness) stop() { h.stopOnce.Do(h.doStop) }

func (h *harness) doStop() {
	h.cancel()
	h.wg.Wait()
	if h.node != nil {
		_ = h.node.Shutdown()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.cluster.Shutdown(ctx); err != nil {
		if _, bench := h.t.(*testing.B); bench {
			// Not what a benchmark measures; the tests check it.
			h.t.Logf("cluster shutdown: %v", err)
		} else {
			h.t.Errorf("cluster shutdown: %v", err)
		}
	}
}

// serviceJob is a service of n small instances that run until killed.
func serviceJob(name string, n int) *spec.Job {
	j := &spec.Job{
		Cluster:   "local",
		Key:       spec.JobKey{Role: "www-data", Environment: "prod", Name: name},
		Service:   true,
		Instances: n,
		Task: spec.Task{
			Processes: []spec.Process{{Name: "main", Cmdline: "sleep 600"}},
			Resources: spec.Resources{CPU: 0.1, RAM: 16 * spec.MiB, Disk: 16 * spec.MiB},
		},
	}
	return j
}

func (h *harness) create(job *spec.Job) string {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := h.sched.CreateJob(ctx, job); err != nil {
		h.t.Fatalf("create %s: %v", job.Key, err)
	}
	return job.Key.String()
}

// frameworkID is the persisted framework id, "" before SUBSCRIBED.
func (h *harness) frameworkID() string {
	id, _ := h.store.Meta(state.MetaFrameworkID)
	return id
}

// live is each instance's non-terminal tasks in the store.
func (h *harness) live(key string) map[int][]*state.Task {
	tasks, err := h.store.TasksOfJob(key)
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[int][]*state.Task{}
	for _, t := range tasks {
		if t.Status.Active() {
			out[t.Instance] = append(out[t.Instance], t)
		}
	}
	return out
}

// converged checks that every instance of each job has exactly one live
// task, RUNNING, in the store; that the master knows exactly those tasks
// of the framework, RUNNING; and that exactly one running executor on a
// registered agent runs each of them and no executor runs anything else.
func (h *harness) converged(jobs map[string]int) error {
	want := map[string]bool{} // task ids that must be running
	for key, n := range jobs {
		live := h.live(key)
		for i := 0; i < n; i++ {
			ts := live[i]
			if len(ts) != 1 {
				return fmt.Errorf("%s/%d has %d live tasks: %s", key, i, len(ts), describe(ts))
			}
			if ts[0].Status != taskstate.Running {
				return fmt.Errorf("%s/%d: %s is %s", key, i, ts[0].ID, ts[0].Status)
			}
			want[ts[0].ID] = true
		}
		if len(live) != n {
			return fmt.Errorf("%s has live tasks for %d instances, want %d", key, len(live), n)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := h.cluster.State(ctx)
	if err != nil {
		return err
	}
	fid := h.frameworkID()
	master := map[string]string{}
	for _, fw := range st.Frameworks {
		if fw.ID != fid {
			continue
		}
		if !fw.Connected {
			return fmt.Errorf("framework %s is not connected", fid)
		}
		for _, t := range fw.Tasks {
			master[t.ID] = t.State
		}
	}
	if len(master) != len(want) {
		return fmt.Errorf("the master knows %d tasks, want %d: %v", len(master), len(want), master)
	}
	for id := range want {
		if master[id] != "TASK_RUNNING" {
			return fmt.Errorf("the master has %s as %q", id, master[id])
		}
	}
	running := map[string]int{}
	for _, a := range st.Agents {
		if a.Status != "registered" {
			return fmt.Errorf("agent %s is %s", a.Hostname, a.Status)
		}
		for _, ex := range a.Executors {
			if ex.State == "TERMINATED" {
				continue
			}
			if ex.State != "RUNNING" {
				return fmt.Errorf("executor %s on %s is %s", ex.ID, a.Hostname, ex.State)
			}
			for _, id := range ex.Tasks {
				running[id]++
			}
		}
	}
	for id := range want {
		if running[id] != 1 {
			return fmt.Errorf("%s runs in %d executors", id, running[id])
		}
	}
	if len(running) != len(want) {
		return fmt.Errorf("executors run %d tasks, want %d: %v", len(running), len(want), running)
	}
	return nil
}

// awaitConverged waits for converged, failing the test with the last
// reason after convergeTimeout.
func (h *harness) awaitConverged(jobs map[string]int) {
	h.t.Helper()
	h.await("convergence", func() error { return h.converged(jobs) })
}

// await polls cond until it returns nil.
func (h *harness) await(what string, cond func() error) {
	h.t.Helper()
	deadline := time.Now().Add(convergeTimeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("no %s after %s: %v", what, convergeTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runningTasks is the task id of each instance's RUNNING task.
func (h *harness) runningTasks(key string) map[int]string {
	out := map[int]string{}
	for i, ts := range h.live(key) {
		for _, t := range ts {
			if t.Status == taskstate.Running {
				out[i] = t.ID
			}
		}
	}
	return out
}

// allTasks counts a job's tasks in the store, terminal ones included.
func (h *harness) allTasks(key string) []*state.Task {
	tasks, err := h.store.TasksOfJob(key)
	if err != nil {
		h.t.Fatal(err)
	}
	return tasks
}

func describe(ts []*state.Task) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, t.ID+"="+t.Status.String())
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "root"
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// testWriter sends log lines to the test log until the harness stops.
type testWriter struct {
	t    testing.TB
	mu   *sync.Mutex
	done *bool
}

func newTestWriter(t testing.TB) testWriter {
	w := testWriter{t: t, mu: &sync.Mutex{}, done: new(bool)}
	t.Cleanup(func() { w.mu.Lock(); *w.done = true; w.mu.Unlock() })
	return w
}

func (w testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !*w.done {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
