package raftlog

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// BenchmarkSnapshotWriteStall measures how long a write can wait while the
// node takes a snapshot. A one-node cluster is filled through the log with
// 100 000 tasks (jobs of 100); then 8 writers commit batches of 100 task
// transitions without pause, first for 2 s with no snapshot, then while
// the node takes and persists a snapshot of the whole store (and 500 ms
// after, to catch the log compaction). It reports the longest single
// commit of each phase (max-commit-ms with the snapshot, max-commit-ms-idle
// without), their 99th percentiles, the commits per second of each phase
// and how long the snapshot took.
//
// Reproduce: go test -run '^$' -bench SnapshotWriteStall -benchtime 1x ./core/raftlog/
func BenchmarkSnapshotWriteStall(b *testing.B) {
	const tasks = 100_000
	n := openCluster(b, 1)
	fillThroughLog(b, n, tasks)
	b.ResetTimer()
	var idle, snap commitStats
	var snapDur time.Duration
	for i := 0; i < b.N; i++ {
		idle = commitWhile(b, n, func() { time.Sleep(2 * time.Second) })
		snap = commitWhile(b, n, func() {
			start := time.Now()
			if err := n.Snapshot(); err != nil {
				b.Fatal(err)
			}
			snapDur = time.Since(start)
			time.Sleep(500 * time.Millisecond)
		})
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(snap.max), "max-commit-ms")
	b.ReportMetric(ms(idle.max), "max-commit-ms-idle")
	b.ReportMetric(ms(snap.p99), "p99-commit-ms")
	b.ReportMetric(ms(idle.p99), "p99-commit-ms-idle")
	b.ReportMetric(snap.perSec, "commits/s")
	b.ReportMetric(idle.perSec, "commits/s-idle")
	b.ReportMetric(snapDur.Seconds(), "snapshot-s")
}

// fillThroughLog commits tasks tasks in jobs of 100, 8 commands at a time.
func fillThroughLog(b *testing.B, n *Node, tasks int) {
	b.Helper()
	ctx := context.Background()
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if err := n.Apply(ctx, createJob(j)); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for j := 0; j*100 < tasks; j++ {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
}

func benchJob(j int) *spec.Job {
	return &spec.Job{
		Cluster: "local", Key: spec.JobKey{Role: "www-data", Environment: "prod", Name: fmt.Sprintf("job-%d", j)},
		Service: true, Instances: 100, Tier: "preferred", MaxTaskFailures: 1,
		Task: spec.Task{Name: "main", MaxFailures: 1, Resources: spec.Resources{CPU: 1, RAM: 512 * spec.MiB, Disk: 1024 * spec.MiB},
			Processes: []spec.Process{{Name: "main", Cmdline: "./server --port {{thermos.ports[http]}}", MaxFailures: 1}}},
	}
}

func benchTask(job *spec.Job, j, i, round int) *state.Task {
	return &state.Task{
		ID: fmt.Sprintf("www-data-prod-job-%d-%d-0b6c1f2e-8d7a-4c5b-9e3f-1a2b3c4d5e6f", j, i), JobKey: job.Key.String(), Instance: i,
		Status: taskstate.Running, AgentID: fmt.Sprintf("agent-%d", i%1000), Host: fmt.Sprintf("host-%d", i%1000),
		Ports: map[string]uint64{"http": 31000 + uint64(i)}, Config: job,
		Events: []state.Event{{Time: time.Unix(1, 0), Status: taskstate.Pending}, {Time: time.Unix(int64(2+round), 0), Status: taskstate.Running}},
	}
}

func createJob(j int) state.CreateJob {
	job := benchJob(j)
	c := state.CreateJob{Job: &state.Job{Key: job.Key.String(), Spec: job}}
	for i := 0; i < 100; i++ {
		c.Tasks = append(c.Tasks, benchTask(job, j, i, 0))
	}
	return c
}

type commitStats struct {
	max, p99 time.Duration
	perSec   float64
}

// commitWhile runs 8 writers, each committing batches of 100 transitions
// of one job's tasks back to back, for as long as f runs.
func commitWhile(b *testing.B, n *Node, f func()) commitStats {
	b.Helper()
	const writers = 8
	ctx := context.Background()
	stop := make(chan struct{})
	lat := make([][]time.Duration, writers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			job := benchJob(w)
			for round := 1; ; round++ {
				select {
				case <-stop:
					return
				default:
				}
				cmd := state.SaveTasks{}
				for i := 0; i < 100; i++ {
					cmd.Tasks = append(cmd.Tasks, benchTask(job, w, i, round))
				}
				t0 := time.Now()
				if err := n.Apply(ctx, cmd); err != nil {
					b.Error(err)
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}(w)
	}
	f()
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) == 0 {
		b.Fatal("no commit finished")
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return commitStats{
		max:    all[len(all)-1],
		p99:    all[len(all)*99/100],
		perSec: float64(len(all)) / elapsed.Seconds(),
	}
}
