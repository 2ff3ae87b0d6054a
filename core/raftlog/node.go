package raftlog

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	wal "github.com/hashicorp/raft-wal"
	"github.com/hashicorp/raft-wal/metadb"

	"github.com/aurora-go/aurora/core/state"
)

// ErrNotLeader is returned by Apply on a replica that is not the leader.
var ErrNotLeader = errors.New("not the leader")

// Config configures a node.
type Config struct {
	// DataDir holds the log (wal/) and snapshots (snapshots/).
	DataDir string
	// BindAddr is the raft transport address, such as 127.0.0.1:0.
	BindAddr string
	// NodeID names this replica; it must be stable across restarts.
	NodeID string
	// Bootstrap makes a brand-new node form a cluster from Peers (or of
	// itself alone when Peers is empty). Every replica of a new cluster is
	// given the same list, so they bootstrap the same configuration.
	Bootstrap bool
	// Peers lists every voter, this node included.
	Peers []Peer
	// Discover, when set, replaces Peers for a node with no raft state on
	// disk: Open calls it with this node's id and raft address and
	// bootstraps the configuration it returns. Every replica that
	// bootstraps must be given the same configuration (raft accepts
	// identical bootstrap entries). A nil configuration means "do not
	// bootstrap": the node starts empty and waits for a leader to add it
	// (Node.AddVoter). Discover is not called when state exists, so a
	// restarted replica never bootstraps again.
	Discover func(self Peer) ([]Peer, error)
	Logger   hclog.Logger
	// ApplyTimeout bounds how long Apply waits to enqueue a command.
	ApplyTimeout time.Duration
	// ElectionTimeout is how long a follower waits without hearing from a
	// leader before it stands for election (raft randomizes it between
	// 1x and 2x). Default 350ms: a lost leader is replaced in about a
	// second on a LAN.
	ElectionTimeout time.Duration
	// SegmentSize is the size of new log segment files (raft-wal's
	// default, 64 MiB, when zero).
	SegmentSize int
}

// Peer is a voter: its node id and raft address.
type Peer struct {
	ID, Addr string
}

// Node is one replica of the log.
type Node struct {
	raft      *raft.Raft
	transport *raft.NetworkTransport
	closeLog  func()
	store     *state.Store
	id        string
	dataDir   string
	// startIndex is the last log index on disk at Open; the store is
	// current once raft has applied it.
	startIndex uint64
	logger     hclog.Logger
	timeout    time.Duration
}

// Open starts a node over the data directory, replaying any log and
// snapshot already there into store.
func Open(cfg Config, store *state.Store) (*Node, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	logger = logger.Named("raft")
	if cfg.NodeID == "" {
		return nil, errors.New("raftlog: a node id is required")
	}
	walDir := filepath.Join(cfg.DataDir, "wal")
	if err := os.MkdirAll(walDir, 0o700); err != nil {
		return nil, fmt.Errorf("create log directory: %w", err)
	}
	// raft-wal's Close leaves its meta store open (and its file locked), so
	// the node owns the meta store and closes it itself.
	meta := &metadb.BoltMetaDB{}
	segmentSize := cfg.SegmentSize
	if segmentSize <= 0 {
		segmentSize = wal.DefaultSegmentSize
	}
	w, err := wal.Open(walDir, wal.WithLogger(logger.Named("wal")), wal.WithMetaStore(meta), wal.WithSegmentSize(segmentSize))
	if err != nil {
		meta.Close()
		return nil, fmt.Errorf("open raft log %s: %w", walDir, err)
	}
	closeLog := func() {
		w.Close()
		meta.Close()
	}
	snaps, err := raft.NewFileSnapshotStoreWithLogger(filepath.Join(cfg.DataDir, "snapshots"), 3, logger.Named("snapshots"))
	if err != nil {
		closeLog()
		return nil, fmt.Errorf("open snapshot store: %w", err)
	}
	bind := cfg.BindAddr
	if bind == "" {
		bind = "127.0.0.1:0"
	}
	addr, err := net.ResolveTCPAddr("tcp", bind)
	if err != nil {
		closeLog()
		return nil, fmt.Errorf("raft bind address %q: %w", bind, err)
	}
	transport, err := raft.NewTCPTransportWithLogger(bind, nil, 3, 10*time.Second, logger.Named("transport"))
	if err != nil {
		closeLog()
		return nil, fmt.Errorf("raft transport on %s: %w", addr, err)
	}

	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(cfg.NodeID)
	rc.Logger = logger
	rc.SnapshotThreshold = 8192
	rc.SnapshotInterval = 30 * time.Second
	election := cfg.ElectionTimeout
	if election <= 0 {
		election = 350 * time.Millisecond
	}
	rc.HeartbeatTimeout = election
	rc.ElectionTimeout = election
	rc.LeaderLeaseTimeout = election / 2
	rc.CommitTimeout = 5 * time.Millisecond

	if cfg.Bootstrap {
		existing, err := raft.HasExistingState(w, w, snaps)
		if err != nil {
			transport.Close()
			closeLog()
			return nil, fmt.Errorf("inspect raft state: %w", err)
		}
		peers := cfg.Peers
		bootstrap := !existing
		if bootstrap && cfg.Discover != nil {
			peers, err = cfg.Discover(Peer{ID: cfg.NodeID, Addr: string(transport.LocalAddr())})
			if err != nil {
				transport.Close()
				closeLog()
				return nil, fmt.Errorf("discover raft peers: %w", err)
			}
			if len(peers) == 0 {
				bootstrap = false
				logger.Info("not bootstrapping: waiting for the leader to add this node as a voter")
			}
		}
		if bootstrap {
			conf := raft.Configuration{Servers: []raft.Server{{ID: rc.LocalID, Address: transport.LocalAddr()}}}
			if len(peers) > 0 {
				conf.Servers = nil
				for _, p := range peers {
					conf.Servers = append(conf.Servers, raft.Server{ID: raft.ServerID(p.ID), Address: raft.ServerAddress(p.Addr)})
				}
			}
			logger.Info("bootstrapping raft", "servers", len(conf.Servers))
			if err := raft.BootstrapCluster(rc, w, w, snaps, transport, conf); err != nil {
				transport.Close()
				closeLog()
				return nil, fmt.Errorf("bootstrap raft: %w", err)
			}
		}
	}
	r, err := raft.NewRaft(rc, &fsm{store: store, logger: logger}, w, w, snaps, transport)
	if err != nil {
		transport.Close()
		closeLog()
		return nil, fmt.Errorf("start raft: %w", err)
	}
	startIndex, err := w.LastIndex()
	if err != nil {
		r.Shutdown()
		closeLog()
		return nil, fmt.Errorf("read the log's last index: %w", err)
	}
	timeout := cfg.ApplyTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	return &Node{raft: r, transport: transport, closeLog: closeLog, store: store, id: cfg.NodeID, dataDir: cfg.DataDir, startIndex: startIndex, logger: logger, timeout: timeout}, nil
}

// Apply commits a command and waits until the FSM has applied it. The
// error is the command's own (for example state.ErrJobExists) or a
// replication failure; ErrNotLeader if this node cannot accept writes.
func (n *Node) Apply(ctx context.Context, cmd state.Command) error {
	data, err := state.Encode(cmd)
	if err != nil {
		return err
	}
	f := n.raft.Apply(data, n.timeout)
	done := make(chan error, 1)
	go func() { done <- f.Error() }()
	select {
	case <-ctx.Done():
		// The entry may still commit; the caller learns its fate by reading.
		return ctx.Err()
	case err := <-done:
		if errors.Is(err, raft.ErrNotLeader) || errors.Is(err, raft.ErrLeadershipLost) {
			return fmt.Errorf("%w: %v", ErrNotLeader, err)
		}
		if err != nil {
			return fmt.Errorf("commit to raft log: %w", err)
		}
	}
	if res, ok := f.Response().(applyResult); ok && res.err != nil {
		return res.err
	}
	return nil
}

// Replayed reports whether the store holds at least everything the log
// held on disk when the node opened, so reads no longer show an older
// state than before a restart.
func (n *Node) Replayed() bool { return n.raft.AppliedIndex() >= n.startIndex }

// Addr is this node's raft address.
func (n *Node) Addr() string { return string(n.transport.LocalAddr()) }

// IsLeader reports whether this node leads now.
func (n *Node) IsLeader() bool { return n.raft.State() == raft.Leader }

// Leader returns the current leader's node id and raft address, or empty
// strings when there is none.
func (n *Node) Leader() (id, addr string) {
	a, i := n.raft.LeaderWithID()
	return string(i), string(a)
}

// LeaderCh delivers true on gaining and false on losing leadership. Only
// the newest change is kept: two trues in a row mean leadership was lost
// and regained in between.
func (n *Node) LeaderCh() <-chan bool { return n.raft.LeaderCh() }

// Stats returns raft's counters (state, term, indexes) for /vars.
func (n *Node) Stats() map[string]string { return n.raft.Stats() }

// WaitLeader blocks until this node is the leader and has applied every
// entry of earlier terms (a barrier), so its store is current.
func (n *Node) WaitLeader(ctx context.Context) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for !n.IsLeader() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for raft leadership: %w", ctx.Err())
		case <-t.C:
		}
	}
	if err := n.raft.Barrier(n.timeout).Error(); err != nil {
		return fmt.Errorf("raft barrier: %w", err)
	}
	return nil
}

// Voters returns the voters of the latest raft configuration (committed
// or not), node id to raft address.
func (n *Node) Voters() (map[string]string, error) {
	f := n.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("read raft configuration: %w", err)
	}
	out := map[string]string{}
	for _, s := range f.Configuration().Servers {
		if s.Suffrage == raft.Voter {
			out[string(s.ID)] = string(s.Address)
		}
	}
	return out, nil
}

// AddVoter adds a voter to the configuration, or changes the address of
// one already there, and waits until the change commits. Leader only.
func (n *Node) AddVoter(id, addr string) error {
	err := n.raft.AddVoter(raft.ServerID(id), raft.ServerAddress(addr), 0, n.timeout).Error()
	if errors.Is(err, raft.ErrNotLeader) || errors.Is(err, raft.ErrLeadershipLost) {
		return fmt.Errorf("%w: %v", ErrNotLeader, err)
	}
	if err != nil {
		return fmt.Errorf("add raft voter %s (%s): %w", id, addr, err)
	}
	return nil
}

// Snapshot takes a snapshot now and compacts the log behind it.
func (n *Node) Snapshot() error {
	if err := n.raft.Snapshot().Error(); err != nil {
		return fmt.Errorf("raft snapshot: %w", err)
	}
	return nil
}

// Shutdown stops the node and closes its log. Entries already committed
// are on disk.
func (n *Node) Shutdown() error {
	err := n.raft.Shutdown().Error()
	n.transport.Close()
	n.closeLog()
	return err
}
