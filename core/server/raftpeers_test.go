package server

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/raftlog"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
	"github.com/aurora-go/aurora/internal/zktest"
)

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// zkReplica is the raft half of a replica with zookeeper discovery: the
// Server's discoverPeers wiring and a real raft node on disk, without
// Mesos.
type zkReplica struct {
	s      *Server
	node   *raftlog.Node
	store  *state.Store
	stopZK func()
}

const testPeersPath = "/aurora/test/scheduler/raft-peers"

func openZKReplica(ctx context.Context, zks *zktest.Server, id, dataDir string, logs *syncBuffer) (*zkReplica, error) {
	logger := hclog.New(&hclog.LoggerOptions{Name: id, Output: logs, Level: hclog.Info})
	cfg := &Config{
		DataDir: dataDir, AdvertiseHTTP: "127.0.0.1:1",
		Raft:      RaftConfig{NodeID: id, Bind: "127.0.0.1:0", Discovery: DiscoveryZooKeeper, BootstrapExpect: 3},
		ZooKeeper: &ZooKeeperConfig{Servers: zks.Servers(), SessionTimeout: "4s", RaftPeersPath: testPeersPath},
	}
	s := New(cfg, logger)
	store, err := state.NewStore()
	if err != nil {
		return nil, err
	}
	rcfg := raftlog.Config{DataDir: filepath.Join(dataDir, "raft"), BindAddr: cfg.Raft.Bind, NodeID: id, Bootstrap: true,
		Logger: logger, ElectionTimeout: 300 * time.Millisecond}
	register, stop, err := s.discoverPeers(ctx, &rcfg)
	if err != nil {
		return nil, err
	}
	node, err := raftlog.Open(rcfg, store)
	if err != nil {
		stop()
		return nil, err
	}
	register(node.Addr())
	return &zkReplica{s: s, node: node, store: store, stopZK: stop}, nil
}

func (r *zkReplica) close() {
	r.node.Shutdown()
	r.stopZK()
}

func testJob(name string) state.CreateJob {
	key := "www-data/prod/" + name
	j := &spec.Job{Cluster: "local", Key: spec.JobKey{Role: "www-data", Environment: "prod", Name: name}, Instances: 1}
	return state.CreateJob{
		Job:   &state.Job{Key: key, Spec: j},
		Tasks: []*state.Task{{ID: name + "-0", JobKey: key, Status: taskstate.Pending, Config: j}},
	}
}

func waitUntil(t *testing.T, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Three fresh replicas find each other in ZooKeeper, which is down when
// they start, bootstrap one cluster and elect a leader; a fourth with an
// empty data dir registers and the leader adds it as a voter; a restarted
// replica does not bootstrap again.
func TestZooKeeperDiscoveredPeers(t *testing.T) {
	zks := zktest.Start(t)
	zks.Stop() // an outage while the replicas wait to bootstrap
	logs := &syncBuffer{}
	defer func() {
		if t.Failed() || testing.Verbose() {
			t.Logf("logs:\n%s", logs.String())
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()

	ids := []string{"s1", "s2", "s3"}
	reps := make([]*zkReplica, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func(i int, id string) {
			defer wg.Done()
			reps[i], errs[i] = openZKReplica(ctx, zks, id, filepath.Join(dir, id), logs)
		}(i, id)
	}
	waitUntil(t, 20*time.Second, "a retry while ZooKeeper is down", func() bool {
		return strings.Count(logs.String(), "cannot register as a raft peer in ZooKeeper; retrying") >= 3
	})
	zks.Restart()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", ids[i], err)
		}
		defer reps[i].close()
	}
	if !strings.Contains(logs.String(), "of 3 registered") {
		t.Error("no log line says how many of the expected peers are registered")
	}

	var leader *zkReplica
	waitUntil(t, 20*time.Second, "a leader", func() bool {
		for _, r := range reps {
			if r.node.IsLeader() {
				leader = r
				return true
			}
		}
		return false
	})
	// The leader's service (lead) reconciles the voters.
	lctx, lcancel := context.WithCancel(ctx)
	var lwg sync.WaitGroup
	lwg.Add(1)
	go func() { defer lwg.Done(); leader.s.peers.addVoters(lctx, leader.node) }()
	defer func() { lcancel(); lwg.Wait() }()

	if err := leader.node.Apply(ctx, testJob("before-join")); err != nil {
		t.Fatal(err)
	}
	for _, r := range reps {
		r := r
		waitUntil(t, 10*time.Second, "the write on "+r.s.cfg.Raft.NodeID, func() bool {
			task, _ := r.store.Task("before-join-0")
			return task != nil
		})
	}
	conn, _, err := zk.Connect(zks.Servers(), 4*time.Second, zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	data, _, err := conn.Get(testPeersPath + "/" + bootstrapZNode)
	var boot []peerMember
	if err != nil || json.Unmarshal(data, &boot) != nil || len(boot) != 3 || boot[0].ID != "s1" || boot[2].ID != "s3" {
		t.Fatalf("bootstrap znode = %s, %v", data, err)
	}

	// A lost registration (as after a session expiry) comes back.
	reps[2].s.peers.mu.Lock()
	lost := reps[2].s.peers.registered
	reps[2].s.peers.mu.Unlock()
	if err := conn.Delete(lost, -1); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 20*time.Second, "s3 to register again", func() bool {
		reps[2].s.peers.mu.Lock()
		defer reps[2].s.peers.mu.Unlock()
		ok, _, _ := conn.Exists(reps[2].s.peers.registered)
		return reps[2].s.peers.registered != lost && ok
	})

	// A fourth replica with an empty data dir joins.
	s4, err := openZKReplica(ctx, zks, "s4", filepath.Join(dir, "s4"), logs)
	if err != nil {
		t.Fatal(err)
	}
	defer s4.close()
	if !strings.Contains(logs.String(), "bootstrapped without this replica") {
		t.Error("the fourth replica does not say it waits to be added")
	}
	waitUntil(t, 20*time.Second, "s4 to be a voter and catch up", func() bool {
		v, _ := s4.node.Voters()
		task, _ := s4.store.Task("before-join-0")
		return len(v) == 4 && task != nil
	})
	if err := leader.node.Apply(ctx, testJob("after-join")); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 10*time.Second, "a later write on s4", func() bool {
		task, _ := s4.store.Task("after-join-0")
		return task != nil
	})

	// A follower restarting on its data dir does not bootstrap again: its
	// Discover is never called, it only registers.
	var follower *zkReplica
	for _, r := range reps {
		if r != leader {
			follower = r
			break
		}
	}
	id := follower.s.cfg.Raft.NodeID
	follower.close()
	before := strings.Count(logs.String(), "raft peers found in ZooKeeper; bootstrapping")
	again, err := openZKReplica(ctx, zks, id, filepath.Join(dir, id), logs)
	if err != nil {
		t.Fatal(err)
	}
	*follower = *again // closed by the deferred close
	if after := strings.Count(logs.String(), "raft peers found in ZooKeeper; bootstrapping"); after != before {
		t.Fatal("a restarted replica looked for a bootstrap configuration")
	}
	if err := leader.node.Apply(ctx, testJob("after-restart")); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 10*time.Second, "the restarted replica to catch up", func() bool {
		task, _ := again.store.Task("after-restart-0")
		v, _ := again.node.Voters()
		return task != nil && len(v) == 4
	})
}
