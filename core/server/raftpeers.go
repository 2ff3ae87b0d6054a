package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/raftlog"
	"github.com/aurora-go/aurora/core/serverset"
)

// Raft peer discovery through ZooKeeper (raft.discovery = "zookeeper"),
// after Consul's and Nomad's bootstrap_expect with ZooKeeper as the
// rendezvous. Under zookeeper.raft_peers_path:
//
//	peer_NNNNNNNNNN  ephemeral, sequential: one per live replica, holding
//	                 its node id and raft address (peerMember, JSON)
//	bootstrap        persistent: the configuration the cluster was
//	                 bootstrapped with (JSON list of peerMember)
//
// A replica with no raft state on disk reads the bootstrap znode. While
// there is none it waits until bootstrap_expect distinct replicas have
// registered, takes the first bootstrap_expect of them in registration
// order, sorted by id, and creates the bootstrap znode with that list.
// Creating a znode is atomic, so every replica bootstraps the same
// configuration: the one that wins and the others read it. A replica
// listed there bootstraps raft with it (raft accepts identical bootstrap
// configurations on every voter); one that is not (a later or replacement
// replica with a fresh data dir) does not bootstrap and waits to be added.
// Because the bootstrap znode outlives every session, fresh replicas never
// form a second cluster beside a running one whose members are down.
//
// A replacement that reuses an id of the bootstrap list with an empty data
// dir bootstraps that same list again: its first log entry is identical to
// everyone else's, and the leader, which already counts it as a voter,
// brings it up to date (and updates its address if it changed).
//
// A replica with raft state on disk only registers.
//
// The leader watches the members and adds every registered replica that
// is not a voter, or whose raft address changed, with AddVoter. It never
// removes a voter whose member disappears: an ephemeral znode also
// vanishes on a session blip or a ZooKeeper outage, and removing voters
// then could shrink the quorum below safety. Removing a replica for good
// is an operator's decision.
//
// To start over with a new cluster at the same path (every data dir
// wiped), delete the bootstrap znode first.

// peerMember is a replica's registration: its raft identity.
type peerMember struct {
	ID       string `json:"id"`
	RaftAddr string `json:"raft_addr"`
	HTTPAddr string `json:"http_addr,omitempty"`
}

const (
	peerPrefix       = "peer_"
	bootstrapZNode   = "bootstrap"
	peerPollInterval = 10 * time.Second
	maxPeerBackoff   = 10 * time.Second
	// waitLogInterval repeats the "waiting for raft peers" line while
	// nothing changes.
	waitLogInterval = 30 * time.Second
)

// peerDiscovery registers this replica under the peers path and reads the
// others. It keeps one ZooKeeper session, re-registering when a session
// expires.
type peerDiscovery struct {
	conn   *zk.Conn
	path   string
	expect int
	self   peerMember
	logger hclog.Logger

	mu         sync.Mutex
	registered string // our znode, "" until created
}

// newPeerDiscovery opens the ZooKeeper session (go-zookeeper connects in
// the background and reconnects by itself).
func newPeerDiscovery(servers []string, sessionTimeout time.Duration, path string, expect int, self peerMember, logger hclog.Logger) (*peerDiscovery, error) {
	conn, _, err := zk.Connect(servers, sessionTimeout, zk.WithLogger(serverset.Logger(logger)))
	if err != nil {
		return nil, fmt.Errorf("connect to ZooKeeper %v: %w", servers, err)
	}
	return &peerDiscovery{conn: conn, path: path, expect: expect, self: self, logger: logger}, nil
}

// close removes the registration and ends the session.
func (d *peerDiscovery) close() {
	d.mu.Lock()
	member := d.registered
	d.registered = ""
	d.mu.Unlock()
	if member != "" {
		_ = d.conn.Delete(member, -1)
	}
	d.conn.Close()
}

// register keeps this replica's member znode in place until ctx ends:
// it creates it, watches it, and creates it again if it goes (a session
// expired). ZooKeeper errors are retried with backoff.
func (d *peerDiscovery) register(ctx context.Context) {
	data, _ := json.Marshal(d.self)
	backoff := newBackoff()
	for ctx.Err() == nil {
		d.mu.Lock()
		member := d.registered
		d.mu.Unlock()
		var watch <-chan zk.Event
		if member != "" {
			exists, _, w, err := d.conn.ExistsW(member)
			switch {
			case err != nil:
				d.logger.Warn("cannot check this replica's raft peer registration; retrying", "member", member, "error", err, "retry_in", backoff.peek().String())
				backoff.wait(ctx)
				continue
			case exists:
				watch = w
			default:
				d.logger.Warn("raft peer registration lost (ZooKeeper session expired?); registering again", "member", member)
				member = ""
			}
		}
		if member == "" {
			created, err := d.create(data)
			if err != nil {
				d.logger.Warn("cannot register as a raft peer in ZooKeeper; retrying", "path", d.path, "error", err, "retry_in", backoff.peek().String())
				backoff.wait(ctx)
				continue
			}
			d.mu.Lock()
			d.registered = created
			d.mu.Unlock()
			d.logger.Info("registered as a raft peer in ZooKeeper", "member", created, "node_id", d.self.ID, "raft", d.self.RaftAddr)
			continue // watch it
		}
		backoff.reset()
		select {
		case <-ctx.Done():
		case <-watch:
		case <-time.After(peerPollInterval):
		}
	}
}

func (d *peerDiscovery) create(data []byte) (string, error) {
	if err := serverset.EnsurePath(d.conn, d.path); err != nil {
		return "", err
	}
	return d.conn.Create(d.path+"/"+peerPrefix, data, zk.FlagEphemeral|zk.FlagSequence, zk.WorldACL(zk.PermAll))
}

// members lists the registered replicas in registration order, one per
// node id (its latest registration, should there be several), and a
// watch that fires when the list changes.
func (d *peerDiscovery) members() ([]peerMember, <-chan zk.Event, error) {
	children, _, watch, err := d.conn.ChildrenW(d.path)
	if errors.Is(err, zk.ErrNoNode) {
		// Nobody registered yet: watch for the path instead.
		_, _, watch, err = d.conn.ExistsW(d.path)
		return nil, watch, err
	}
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, c := range children {
		if strings.HasPrefix(c, peerPrefix) {
			names = append(names, c)
		}
	}
	// Newest first (peer_<10-digit sequence>), so a replica's latest
	// registration wins over one a crashed process left behind until its
	// session expires.
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	seen := map[string]bool{}
	var out []peerMember
	for _, name := range names {
		data, _, err := d.conn.Get(d.path + "/" + name)
		if errors.Is(err, zk.ErrNoNode) {
			continue // gone since the listing
		}
		if err != nil {
			return nil, nil, err
		}
		var m peerMember
		if err := json.Unmarshal(data, &m); err != nil || m.ID == "" || m.RaftAddr == "" {
			d.logger.Warn("ignoring a raft peer znode that is not a member", "znode", d.path+"/"+name, "error", err)
			continue
		}
		if !seen[m.ID] {
			seen[m.ID] = true
			out = append(out, m)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, watch, nil
}

// bootstrapPeers is raftlog.Config.Discover: it returns the configuration
// a brand-new replica bootstraps, or nil if the cluster was bootstrapped
// without it (it waits to be added). It blocks until bootstrap_expect
// replicas have registered, retrying ZooKeeper errors with backoff, and
// gives up only when ctx ends.
func (d *peerDiscovery) bootstrapPeers(ctx context.Context) ([]raftlog.Peer, error) {
	backoff := newBackoff()
	lastPresent, lastLog := -1, time.Time{}
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("waiting for %d raft peers in ZooKeeper: %w", d.expect, err)
		}
		conf, present, watch, err := d.tryBootstrap()
		if err != nil {
			d.logger.Warn("ZooKeeper unavailable while waiting to bootstrap raft; retrying", "path", d.path, "error", err, "retry_in", backoff.peek().String())
			backoff.wait(ctx)
			continue
		}
		backoff.reset()
		if conf != nil {
			var ids, out []string
			for _, m := range conf {
				ids = append(ids, m.ID)
				out = append(out, m.ID+"="+m.RaftAddr)
			}
			if !containsPeer(conf, d.self.ID) {
				d.logger.Info("the raft cluster was bootstrapped without this replica; waiting for the leader to add it as a voter",
					"bootstrap_servers", strings.Join(ids, ","))
				return nil, nil
			}
			d.logger.Info("raft peers found in ZooKeeper; bootstrapping", "servers", strings.Join(out, ","))
			peers := make([]raftlog.Peer, len(conf))
			for i, m := range conf {
				peers[i] = raftlog.Peer{ID: m.ID, Addr: m.RaftAddr}
			}
			return peers, nil
		}
		if present != lastPresent || time.Since(lastLog) >= waitLogInterval {
			d.logger.Info(fmt.Sprintf("waiting for raft peers in ZooKeeper: %d of %d registered", present, d.expect),
				"present", present, "expect", d.expect, "path", d.path)
			lastPresent, lastLog = present, time.Now()
		}
		select {
		case <-ctx.Done():
		case <-watch:
		case <-time.After(peerPollInterval):
		}
	}
}

// tryBootstrap returns the bootstrap configuration if there is one or
// enough replicas registered to make it; otherwise how many are present
// and a watch on the members.
func (d *peerDiscovery) tryBootstrap() (conf []peerMember, present int, watch <-chan zk.Event, err error) {
	znode := d.path + "/" + bootstrapZNode
	for {
		data, _, err := d.conn.Get(znode)
		if err == nil {
			if err := json.Unmarshal(data, &conf); err != nil || len(conf) == 0 {
				return nil, 0, nil, fmt.Errorf("bootstrap znode %s does not hold a list of raft peers (%v); delete it to bootstrap again", znode, err)
			}
			return conf, len(conf), nil, nil
		}
		if !errors.Is(err, zk.ErrNoNode) {
			return nil, 0, nil, err
		}
		members, watch, err := d.members()
		if err != nil {
			return nil, 0, nil, err
		}
		if len(members) < d.expect {
			return nil, len(members), watch, nil
		}
		conf = append([]peerMember(nil), members[:d.expect]...)
		sort.Slice(conf, func(i, j int) bool { return conf[i].ID < conf[j].ID })
		data, _ = json.Marshal(conf)
		_, err = d.conn.Create(znode, data, 0, zk.WorldACL(zk.PermAll))
		if errors.Is(err, zk.ErrNodeExists) {
			continue // another replica was first: use its list
		}
		if err != nil {
			return nil, 0, nil, fmt.Errorf("create %s: %w", znode, err)
		}
		d.logger.Info("recorded the raft bootstrap configuration in ZooKeeper", "znode", znode)
		return conf, len(members), nil, nil
	}
}

func containsPeer(conf []peerMember, id string) bool {
	for _, m := range conf {
		if m.ID == id {
			return true
		}
	}
	return false
}

// voterAdder is the part of the raft node the leader's watch uses.
type voterAdder interface {
	Voters() (map[string]string, error)
	AddVoter(id, addr string) error
}

// addVoters runs while this replica leads: it adds every registered
// replica that is not a voter (or whose raft address changed) to the raft
// configuration. It never removes voters; see the comment at the top of
// this file.
func (d *peerDiscovery) addVoters(ctx context.Context, node voterAdder) {
	backoff := newBackoff()
	for ctx.Err() == nil {
		members, watch, err := d.members()
		if err == nil {
			err = d.reconcile(node, members)
		}
		if err != nil {
			d.logger.Warn("cannot reconcile raft voters with the peers in ZooKeeper; retrying", "error", err, "retry_in", backoff.peek().String())
			backoff.wait(ctx)
			continue
		}
		backoff.reset()
		select {
		case <-ctx.Done():
		case <-watch:
		case <-time.After(peerPollInterval):
		}
	}
}

// reconcile adds the members that are not voters at their address.
func (d *peerDiscovery) reconcile(node voterAdder, members []peerMember) error {
	voters, err := node.Voters()
	if err != nil {
		return err
	}
	for _, m := range members {
		addr, ok := voters[m.ID]
		if ok && addr == m.RaftAddr {
			continue
		}
		if ok {
			d.logger.Info("raft peer registered with a new address; updating the voter", "node_id", m.ID, "old", addr, "raft", m.RaftAddr)
		} else {
			d.logger.Info("raft peer registered in ZooKeeper is not a voter; adding it", "node_id", m.ID, "raft", m.RaftAddr, "voters", len(voters))
		}
		if err := node.AddVoter(m.ID, m.RaftAddr); err != nil {
			return err
		}
		d.logger.Info("added raft voter", "node_id", m.ID, "raft", m.RaftAddr)
	}
	return nil
}

// backoff doubles a retry delay from 500ms up to maxPeerBackoff.
type backoff struct{ next time.Duration }

func newBackoff() *backoff { return &backoff{next: 500 * time.Millisecond} }

func (b *backoff) peek() time.Duration { return b.next }

func (b *backoff) reset() { b.next = 500 * time.Millisecond }

// wait sleeps the current delay (or until ctx ends) and doubles it.
func (b *backoff) wait(ctx context.Context) {
	t := time.NewTimer(b.next)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
	if b.next *= 2; b.next > maxPeerBackoff {
		b.next = maxPeerBackoff
	}
}
