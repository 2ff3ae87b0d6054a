package raftlog

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/state"
)

// rendezvous stands in for ZooKeeper: nodes register and wait until
// expect of them are present, then all get the same sorted list.
type rendezvous struct {
	mu      sync.Mutex
	cond    *sync.Cond
	members []Peer
	expect  int
	formed  []Peer
}

func (r *rendezvous) discover(self Peer) ([]Peer, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.formed != nil {
		return nil, nil // the cluster exists: join instead
	}
	r.members = append(r.members, self)
	r.cond.Broadcast()
	for len(r.members) < r.expect {
		r.cond.Wait()
	}
	if r.formed == nil {
		r.formed = append([]Peer(nil), r.members...)
		sort.Slice(r.formed, func(i, j int) bool { return r.formed[i].ID < r.formed[j].ID })
	}
	return r.formed, nil
}

func TestDiscoveredBootstrapAndAddVoter(t *testing.T) {
	rv := &rendezvous{expect: 3}
	rv.cond = sync.NewCond(&rv.mu)
	type replica struct {
		node  *Node
		store *state.Store
	}
	open := func(id string) replica {
		store, err := state.NewStore()
		if err != nil {
			t.Error(err)
			return replica{}
		}
		n, err := Open(Config{DataDir: t.TempDir(), NodeID: id, Bootstrap: true, Discover: rv.discover, ElectionTimeout: 200 * time.Millisecond}, store)
		if err != nil {
			t.Error(err)
			return replica{}
		}
		t.Cleanup(func() { n.Shutdown() })
		return replica{n, store}
	}
	reps := make([]replica, 3)
	var wg sync.WaitGroup
	for i, id := range []string{"c", "a", "b"} {
		wg.Add(1)
		go func(i int, id string) { defer wg.Done(); reps[i] = open(id) }(i, id)
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	leader := waitForLeader(t, reps[0].node, reps[1].node, reps[2].node)
	ctx := context.Background()
	if err := leader.Apply(ctx, job("before-join")); err != nil {
		t.Fatal(err)
	}
	voters, err := leader.Voters()
	if err != nil || len(voters) != 3 {
		t.Fatalf("voters = %v, %v", voters, err)
	}

	// A fourth node finds the cluster formed: it does not bootstrap, and
	// catches up once the leader adds it.
	d := open("d")
	if t.Failed() {
		t.FailNow()
	}
	if err := leader.AddVoter("d", string(d.node.transport.LocalAddr())); err != nil {
		t.Fatal(err)
	}
	if err := leader.Apply(ctx, job("after-join")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		a, _ := d.store.Task("before-join-0")
		b, _ := d.store.Task("after-join-0")
		if a != nil && b != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the added voter did not catch up")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if voters, _ := d.node.Voters(); len(voters) != 4 {
		t.Fatalf("the new node's configuration = %v, want 4 voters", voters)
	}
}

func waitForLeader(t *testing.T, nodes ...*Node) *Node {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, n := range nodes {
			if n.IsLeader() {
				return n
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no leader elected")
	return nil
}
