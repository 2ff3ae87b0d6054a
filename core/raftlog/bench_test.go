package raftlog

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// transitions returns n task records moved to RUNNING, as a status-update
// batch would write them.
func transitions(j *spec.Job, round, n int) []*state.Task {
	out := make([]*state.Task, n)
	for i := range out {
		out[i] = &state.Task{
			ID: fmt.Sprintf("task-%d", i), JobKey: "www-data/prod/bench", Instance: i,
			Status: taskstate.Running, AgentID: "agent-1", Host: "host-1", Config: j,
			Events: []state.Event{{Time: time.Unix(int64(round), 0), Status: taskstate.Running}},
		}
	}
	return out
}

// BenchmarkCommitTransitions measures task state transitions committed per
// second through the on-disk raft log (one node, fsync per batch), with 8
// writers proposing batches of 100 as the scheduler does, against applying
// the same commands straight to the in-memory store in the same run.
//
// Reproduce: go test -run '^$' -bench CommitTransitions ./core/raftlog/
func BenchmarkCommitTransitions(b *testing.B) {
	const batch, writers = 100, 8
	j := &spec.Job{Key: spec.JobKey{Role: "www-data", Environment: "prod", Name: "bench"}, Instances: batch}

	baseline := func(n int) time.Duration {
		store, _ := state.NewStore()
		start := time.Now()
		for i := 0; i < n; i++ {
			if err := store.Apply(state.SaveTasks{Tasks: transitions(j, i, batch)}); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start)
	}

	store, _ := state.NewStore()
	n, err := Open(Config{DataDir: b.TempDir(), NodeID: "bench", Bootstrap: true}, store)
	if err != nil {
		b.Fatal(err)
	}
	defer n.Shutdown()
	ctx := context.Background()
	if err := n.WaitLeader(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := n.Apply(ctx, state.SaveTasks{Tasks: transitions(j, i, batch)}); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	raftTime := time.Since(start)
	b.StopTimer()
	memTime := baseline(b.N)
	perSec := float64(b.N*batch) / raftTime.Seconds()
	b.ReportMetric(perSec, "transitions/s")
	b.ReportMetric(raftTime.Seconds()/memTime.Seconds(), "x-memdb-baseline")
}
