package raftlog

import (
	"context"
	"fmt"
	"net"
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
// second through the on-disk raft log, on one node and on three nodes over
// loopback TCP, with 8 writers proposing batches of 100 as the scheduler
// does, against applying the same commands straight to the in-memory store
// in the same run.
//
// Reproduce: go test -run '^$' -bench CommitTransitions ./core/raftlog/
func BenchmarkCommitTransitions(b *testing.B) {
	for _, nodes := range []int{1, 3} {
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) {
			leader := openCluster(b, nodes)
			benchCommits(b, leader)
		})
	}
}

// openCluster starts n nodes that bootstrap together and returns the leader.
func openCluster(b *testing.B, n int) *Node {
	b.Helper()
	var peers []Peer
	for i := 0; i < n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		peers = append(peers, Peer{ID: fmt.Sprintf("n%d", i), Addr: ln.Addr().String()})
		ln.Close()
	}
	nodes := make([]*Node, n)
	for i := range nodes {
		store, _ := state.NewStore()
		node, err := Open(Config{DataDir: b.TempDir(), BindAddr: peers[i].Addr, NodeID: peers[i].ID, Bootstrap: true, Peers: peers}, store)
		if err != nil {
			b.Fatal(err)
		}
		nodes[i] = node
		b.Cleanup(func() { node.Shutdown() })
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, node := range nodes {
			if node.IsLeader() {
				if err := node.WaitLeader(context.Background()); err != nil {
					b.Fatal(err)
				}
				return node
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatal("no leader elected")
	return nil
}

func benchCommits(b *testing.B, n *Node) {
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

	ctx := context.Background()
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
