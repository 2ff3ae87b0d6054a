//go:build linux

package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/clusters"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/internal/zktest"
)

// zkPeersCluster is an embedded Mesos cluster and `aurora scheduler`
// replicas that find their raft peers in ZooKeeper (no static peers).
type zkPeersCluster struct {
	*haCluster
	dir, master string
	zks         *zktest.Server
}

func startZKPeersHA(t *testing.T, zks *zktest.Server, n int) *zkPeersCluster {
	t.Helper()
	dir := t.TempDir()
	ha, master := newHACluster(t, dir)
	c := &zkPeersCluster{haCluster: ha, dir: dir, master: master, zks: zks}
	for i := 0; i < n; i++ {
		c.add(fmt.Sprintf("s%d", i+1))
	}
	return c
}

// add starts a replica with an empty data dir.
func (c *zkPeersCluster) add(id string) *replica {
	t := c.t
	r := &replica{id: id, dataDir: filepath.Join(c.dir, id), httpAddr: freeAddr(t), raftAddr: freeAddr(t)}
	r.config = filepath.Join(c.dir, id+".hcl")
	cfg := fmt.Sprintf(`data_dir  = %q
http_addr = %q
raft {
  node_id          = %q
  bind             = %q
  discovery        = "zookeeper"
  bootstrap_expect = 3
}
zookeeper {
  servers         = [%q]
  serverset_path  = "/aurora/scheduler"
  session_timeout = "4s"
}
mesos {
  master = %q
}
`, r.dataDir, r.httpAddr, id, r.raftAddr, c.zks.Addr(), c.master)
	if err := os.WriteFile(r.config, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r.log, _ = os.Create(filepath.Join(c.dir, id+".log"))
	c.replicas = append(c.replicas, r)
	r.start(t)
	return r
}

// createEventually creates job through r, retrying while there is no
// leader (the test clients do not wait for elections).
func createEventually(t *testing.T, r *replica, job *spec.Job) {
	t.Helper()
	attempted := false
	var last error
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		_, err := r.client().CreateJob(context.Background(), job)
		var apiErr *api.APIError
		switch {
		case err == nil:
			return
		case errors.As(err, &apiErr) && apiErr.Code == 409 && attempted:
			return // an earlier attempt committed but its answer was lost
		case errors.As(err, &apiErr) && apiErr.Code == 400:
			t.Fatalf("create %s through %s: %v", job.Key.Name, r.id, err)
		}
		attempted, last = true, err
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("create %s through %s: %v", job.Key.Name, r.id, last)
}

// voters is the raft_voters line of a replica's /vars, or -1.
func voters(r *replica) int {
	for _, line := range strings.Split(vars(r), "\n") {
		var n int
		if _, err := fmt.Sscanf(line, "raft_voters %d", &n); err == nil {
			return n
		}
	}
	return -1
}

// Three replicas with no static peers find each other in ZooKeeper,
// bootstrap one cluster and elect a leader; a write through any replica
// is visible on all. A fourth replica with an empty data dir registers,
// the leader adds it as a voter, and it catches up. A restarted replica
// only registers.
func TestHAZooKeeperDiscoveredPeers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts five processes and ZooKeeper")
	}
	zks := zktest.Start(t)
	c := startZKPeersHA(t, zks, 3)
	leader := c.leader(60 * time.Second)
	var follower *replica
	for _, r := range c.replicas {
		if r != leader {
			follower = r
			break
		}
	}
	ctx := context.Background()
	createEventually(t, follower, unplaceableJob(1))
	for _, r := range c.replicas {
		r := r
		waitFor(t, 20*time.Second, "the job and 3 voters on "+r.id, func() bool {
			_, err := r.client().JobStatus(ctx, unplaceableJob(1).Key)
			return err == nil && voters(r) == 3
		})
	}
	// The leader's serverset member sits beside the raft-peers znode;
	// clients still find the leader.
	waitFor(t, 30*time.Second, "the leader in the serverset", func() bool {
		url, err := clusters.Leader(zks.Servers(), "/aurora/scheduler", 5*time.Second)
		return err == nil && url == "http://"+leader.httpAddr
	})

	s4 := c.add("s4")
	waitFor(t, 60*time.Second, "s4 to be added as a voter and catch up", func() bool {
		_, err := s4.client().JobStatus(ctx, unplaceableJob(1).Key)
		return err == nil && voters(s4) == 4
	})
	createEventually(t, s4, unplaceableJob(2))
	for _, r := range c.replicas {
		r := r
		waitFor(t, 20*time.Second, "the second job and 4 voters on "+r.id, func() bool {
			_, err := r.client().JobStatus(ctx, unplaceableJob(2).Key)
			return err == nil && voters(r) == 4
		})
	}
	b, _ := os.ReadFile(s4.log.Name())
	if !strings.Contains(string(b), "bootstrapped without this replica") {
		t.Errorf("s4 does not log that it waits to be added:\n%s", tail(string(b), 3000))
	}

	// A follower killed and restarted on its data dir does not bootstrap
	// again: it registers and catches up.
	var victim *replica
	for _, r := range c.replicas[:3] {
		if r != leader {
			victim = r
			break
		}
	}
	victim.kill()
	createEventually(t, leader, unplaceableJob(3)) // an election may be under way
	victim.start(t)
	waitFor(t, 30*time.Second, victim.id+" to catch up after a restart", func() bool {
		_, err := victim.client().JobStatus(ctx, unplaceableJob(3).Key)
		return err == nil && voters(victim) == 4
	})
	b, _ = os.ReadFile(victim.log.Name())
	if n := strings.Count(string(b), "bootstrapping raft"); n != 1 {
		t.Errorf("%s bootstrapped %d times, want once:\n%s", victim.id, n, tail(string(b), 3000))
	}
	if n := strings.Count(string(b), "registered as a raft peer in ZooKeeper"); n < 2 {
		t.Errorf("%s registered %d times, want once per start", victim.id, n)
	}
}
