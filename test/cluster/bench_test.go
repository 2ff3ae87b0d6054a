package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/mesoslite"
	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/raftlog"
	"github.com/aurora-go/aurora/core/scheduling"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
	"github.com/aurora-go/aurora/sdk"
)

// envLarge turns on the 5 000 agents / 50 000 tasks size; envSize
// ("AGENTS,TASKS") replaces the default size, for profiling.
const (
	envLarge = "AURORA_BENCH_LARGE"
	envSize  = "AURORA_BENCH_SIZE"
)

// BenchmarkPlacement measures tasks reaching RUNNING per second through
// the whole path: offers from an embedded cluster whose agents simulate
// their executors (mesoslite.AgentConfig.SimulateExecutors: LAUNCH is
// answered with reliable TASK_STARTING and TASK_RUNNING updates, no
// process), the built-in dedicated, value and limit constraint plugins
// out of process (this test binary serving `plugin serve
// constraint/NAME`, started by pluginhost), every state change committed
// through a raftlog node on disk, one ACCEPT per offer, and every status
// update acknowledged after its commit.
//
// The tasks are 100 service jobs with a `host = limit:20` constraint, 10
// tasks per agent on average (agents have room for 11), submitted by one
// client, job after job (clients=1), or by 10 concurrent clients
// (clients=10). The master allocates every second (Mesos's default), and
// an ACCEPT refuses the offer's leftovers for 5s (Aurora's
// offer_filter_duration): tasks that found no offer with room while
// refused leftovers could hold them would make the scheduler send REVIVE.
// Placement spreads each job over the offers but lets the jobs of one
// round share them, so the 1 000 or 5 000 first offers last. Reported:
//
//   - tasks/s: tasks RUNNING in the store per second, from the jobs'
//     creation until the last is RUNNING (target: 3 750 on 2 cores).
//   - peak-heap-MB: the highest heap in use (runtime.MemStats.HeapInuse,
//     sampled every 20ms) from the jobs' creation until the last task is
//     RUNNING; the embedded cluster and its 1 000s of agents live in the
//     same process and are counted too. run-heap-MB is the same less the
//     heap just before the jobs were created (cluster, plugins and an idle
//     scheduler subscribed), an upper bound of what the scheduler's work
//     adds.
//   - x-log: the ratio of tasks/s to the baseline measured in the same run
//     on a fresh log, log-tasks/s: the same tasks walked PENDING,
//     ASSIGNED, STARTING, RUNNING by raw log commits of 1 000 tasks each,
//     the ceiling the log alone allows.
//
// agents=1000/tasks=10000 always runs (about 10s per client count with
// setup);
// agents=5000/tasks=50000 with AURORA_BENCH_LARGE=1, which `make bench`
// sets (about 20s per client count, and over a GB). AURORA_BENCH_SIZE=AGENTS,TASKS runs one other size, and
// AURORA_BENCH_TRACE=1 prints the tasks per state and the pending
// reasons as they move. Reproduce:
//
//	go test ./test/cluster -run '^$' -bench BenchmarkPlacement -benchtime 1x
//	AURORA_BENCH_LARGE=1 go test ./test/cluster -run '^$' -bench BenchmarkPlacement -benchtime 1x -timeout 30m
//
// Profile with -cpuprofile cpu.out (the scheduler and the cluster share
// the process).
func BenchmarkPlacement(b *testing.B) {
	sizes := []struct{ agents, tasks int }{{1000, 10000}}
	if v := os.Getenv(envSize); v != "" {
		var a, t int
		if _, err := fmt.Sscanf(v, "%d,%d", &a, &t); err != nil {
			b.Fatalf("%s=%q: want AGENTS,TASKS", envSize, v)
		}
		sizes = sizes[:0]
		sizes = append(sizes, struct{ agents, tasks int }{a, t})
	}
	if os.Getenv(envLarge) == "1" {
		sizes = append(sizes, struct{ agents, tasks int }{5000, 50000})
	}
	for _, size := range sizes {
		for _, clients := range benchClients() {
			b.Run(fmt.Sprintf("agents=%d/tasks=%d/clients=%d", size.agents, size.tasks, clients), func(b *testing.B) {
				var rate, peak, grown, base float64
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					base = logBaseline(b, size.tasks)
					b.StartTimer()
					rate, peak, grown = placeAll(b, size.agents, size.tasks, clients)
				}
				b.ReportMetric(rate, "tasks/s")
				b.ReportMetric(peak, "peak-heap-MB")
				b.ReportMetric(grown, "run-heap-MB")
				b.ReportMetric(base, "log-tasks/s")
				b.ReportMetric(rate/base, "x-log")
			})
		}
	}
}

// benchJobs is how many jobs the tasks are split into.
const benchJobs = 100

// placeAll runs one placement of tasks over agents, the jobs submitted by
// clients concurrent clients, and returns the rate, the peak heap and its
// growth over the run, in MB.
func placeAll(b *testing.B, agents, tasks, clients int) (rate, peakMB, grownMB float64) {
	b.StopTimer()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := hclog.New(&hclog.LoggerOptions{Level: hclog.Error, Output: newTestWriter(b)})
	host := pluginhost.New(logger.Named("plugins"))
	defer host.Shutdown()
	var filters []pluginhost.Filterer
	for _, name := range []string{"dedicated", "value", "limit"} {
		spec, err := pluginhost.BuiltinSpec(sdk.KindConstraint, name)
		if err != nil {
			b.Fatal(err)
		}
		client, err := host.Constraint(ctx, spec)
		if err != nil {
			b.Fatalf("start constraint plugin %s: %v", name, err)
		}
		filters = append(filters, pluginhost.NewPolicyFilter(spec.String(), pluginhost.FailClosed, client, logger))
	}

	h := startHarness(b, options{
		constraints: pluginhost.CombineFilters(filters...),
		logger:      logger,
		cluster: func(c *mesoslite.Config) {
			c.Agents = testAgents(agents, 4, 8192)
			for i := range c.Agents {
				c.Agents[i].SimulateExecutors = true
			}
			c.ExecutorEnv = nil
			// Mesos's default: every 50ms over thousands of agents would
			// occupy the master more than the scheduler.
			c.AllocationInterval = time.Second
			c.HeartbeatInterval = 15 * time.Second
			c.StatusUpdateRetry = 10 * time.Second
			c.StatusUpdateRetryMax = time.Minute
			c.AgentPingTimeout = 15 * time.Second
			c.MaxAgentPingTimeouts = 5
			c.AgentReregisterTimeout = 10 * time.Minute
		},
		scheduler: func(c *scheduling.Config) {
			c.Executor.Command = "true"
			c.ReconcileDelay = time.Hour
			// Aurora's default: an ACCEPT refuses the offer's leftovers for
			// 5s, and the scheduler revives them when tasks wait for them.
			c.OfferFilter = 5 * time.Second
		},
	})
	// Wait for an offer from every agent.
	if os.Getenv("AURORA_BENCH_TRACE") != "" {
		fmt.Fprintln(os.Stderr, "cluster up")
	}
	h.await("offers from every agent", func() error {
		st, err := h.cluster.State(ctx)
		if err != nil {
			return err
		}
		for _, fw := range st.Frameworks {
			if len(fw.Offers) >= agents {
				return nil
			}
			return errorf("%d offers", len(fw.Offers))
		}
		return errorf("not subscribed")
	})
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()

	b.StartTimer()
	start := time.Now()
	per := tasks / benchJobs
	errs := make(chan error, benchJobs)
	var submit sync.WaitGroup
	for c := range clients {
		submit.Add(1)
		go func() {
			defer submit.Done()
			for j := c; j < benchJobs; j += clients {
				job := serviceJob(fmt.Sprintf("bench-%03d", j), per)
				job.Constraints = map[string]string{"host": "limit:20"}
				if _, err := h.sched.CreateJob(ctx, job); err != nil {
					errs <- fmt.Errorf("create %s: %w", job.Key, err)
				}
			}
		}()
	}
	submit.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Minute)
	var lastLog time.Time
	// Counting RUNNING tasks scans the whole store (milliseconds at 50 000
	// tasks, on the CPU being measured), so the count is taken less often
	// while the end is far: after a quarter of the time the last rate
	// needs for the rest, from 10 to 250 ms.
	lastCount, lastAt := 0, start
	for {
		running, err := h.store.TasksInStatus(taskstate.Running)
		if err != nil {
			b.Fatal(err)
		}
		if len(running) == tasks {
			break
		}
		wait := 100 * time.Millisecond
		if now := time.Now(); len(running) > lastCount {
			perTask := now.Sub(lastAt) / time.Duration(len(running)-lastCount)
			wait = min(max(perTask*time.Duration(tasks-len(running))/4, 10*time.Millisecond), 250*time.Millisecond)
			lastCount, lastAt = len(running), now
		}
		if os.Getenv("AURORA_BENCH_TRACE") != "" && time.Since(lastLog) > 250*time.Millisecond {
			lastLog = time.Now()
			counts := map[taskstate.Status]int{}
			for _, st := range []taskstate.Status{taskstate.Pending, taskstate.Assigned, taskstate.Starting, taskstate.Running} {
				ts, _ := h.store.TasksInStatus(st)
				counts[st] = len(ts)
			}
			reasons := map[string]int{}
			if ts, _ := h.store.TasksInStatus(taskstate.Pending); len(ts) > 0 {
				for _, t := range ts {
					reasons[h.sched.PendingReason(t.ID)]++
				}
			}
			fmt.Fprintf(os.Stderr, "%6.2fs %v %v\n", time.Since(start).Seconds(), counts, reasons)
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d tasks RUNNING after 10 minutes", len(running), tasks)
		}
		time.Sleep(wait)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	close(stop)
	wg.Wait()
	h.stop()
	p := float64(peak.Load())
	return float64(tasks) / elapsed.Seconds(), p / (1 << 20), (p - float64(before.HeapInuse)) / (1 << 20)
}

// logBaseline is tasks per second walked PENDING, ASSIGNED, STARTING and
// RUNNING by commits of 1 000 tasks each through a raftlog node on disk:
// what the log alone allows.
func logBaseline(b *testing.B, tasks int) float64 {
	dir := b.TempDir()
	store, err := state.NewStore()
	if err != nil {
		b.Fatal(err)
	}
	node, err := raftlog.Open(raftlog.Config{
		DataDir: filepath.Join(dir, "raft"), BindAddr: "127.0.0.1:0", NodeID: "baseline", Bootstrap: true,
		ApplyTimeout: 10 * time.Second, ElectionTimeout: 100 * time.Millisecond,
	}, store)
	if err != nil {
		b.Fatal(err)
	}
	defer node.Shutdown()
	ctx := context.Background()
	if err := node.WaitLeader(ctx); err != nil {
		b.Fatal(err)
	}
	job := serviceJob("baseline", tasks)
	job.ApplyDefaults()
	all := make([]*state.Task, tasks)
	for i := range all {
		all[i] = &state.Task{ID: fmt.Sprintf("baseline-%d", i), JobKey: job.Key.String(), Instance: i,
			Status: taskstate.Pending, Config: job}
	}
	start := time.Now()
	for _, st := range []taskstate.Status{taskstate.Pending, taskstate.Assigned, taskstate.Starting, taskstate.Running} {
		for lo := 0; lo < tasks; lo += 1000 {
			hi := min(lo+1000, tasks)
			batch := make([]*state.Task, 0, hi-lo)
			for _, t := range all[lo:hi] {
				n := t.Copy()
				n.Status = st
				n.AgentID, n.Host = "agent", "host"
				n.Events = append(n.Events, state.Event{Time: time.Now(), Status: st})
				batch = append(batch, n)
			}
			if err := node.Apply(ctx, state.SaveTasks{Tasks: batch}); err != nil {
				b.Fatal(err)
			}
			copy(all[lo:hi], batch)
		}
	}
	return float64(tasks) / time.Since(start).Seconds()
}

// benchClients is 1 and 10, or AURORA_BENCH_CLIENTS alone.
func benchClients() []int {
	if v := os.Getenv("AURORA_BENCH_CLIENTS"); v != "" {
		var n int
		if _, err := fmt.Sscanf(v, "%d", &n); err == nil && n > 0 {
			return []int{n}
		}
	}
	return []int{1, 10}
}
