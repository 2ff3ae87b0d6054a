package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/raftlog"
	"github.com/aurora-go/aurora/core/scheduling"
	"github.com/aurora-go/aurora/core/state"
)

// Server is one scheduler replica. Every replica holds the replicated log
// and serves reads; only the raft leader subscribes to Mesos, schedules,
// and accepts writes (followers forward them to it).
type Server struct {
	cfg     *Config
	logger  hclog.Logger
	store   *state.Store
	node    *raftlog.Node
	plugins *pluginhost.Host
	blobs   *pluginhost.Store
	backups *raftlog.Backups
	metrics *metrics

	runner *pluginRunner // leader only
	// peers finds the raft peers in ZooKeeper (raft.discovery =
	// "zookeeper"); nil for a static peer list.
	peers *peerDiscovery

	// leading is the scheduler while this replica leads, nil otherwise.
	mu       sync.Mutex
	leading  *scheduling.Scheduler
	recovery *state.Store // a staged backup, leader only

	// Ready, if set, is called once the API is serving.
	Ready func(apiURL string)
}

// New prepares a replica; Run starts it.
func New(cfg *Config, logger hclog.Logger) *Server {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &Server{cfg: cfg, logger: logger}
}

// Run serves until ctx ends, then stops leading, closes the log and the
// plugins.
func (s *Server) Run(ctx context.Context) error {
	if err := os.MkdirAll(s.cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	ln, err := net.Listen("tcp", s.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.HTTPAddr, err)
	}
	defer ln.Close()
	if s.cfg.AdvertiseHTTP == DefaultHTTPAddr || s.cfg.AdvertiseHTTP == s.cfg.HTTPAddr {
		s.cfg.AdvertiseHTTP = ln.Addr().String()
	}

	if s.store, err = state.NewStore(); err != nil {
		return err
	}
	peers, _ := s.cfg.Raft.peers()
	var rpeers []raftlog.Peer // none: a cluster of this replica alone
	if len(s.cfg.Raft.Peers) > 0 {
		for _, p := range peers {
			rpeers = append(rpeers, raftlog.Peer{ID: p.ID, Addr: p.Addr})
		}
	}
	rcfg := raftlog.Config{
		DataDir: filepath.Join(s.cfg.DataDir, "raft"), BindAddr: s.cfg.Raft.Bind, NodeID: s.cfg.Raft.NodeID,
		Bootstrap: true, Peers: rpeers, Logger: s.logger,
		ApplyTimeout:    mustDuration(s.cfg.Raft.ApplyTimeout, 10*time.Second),
		ElectionTimeout: mustDuration(s.cfg.Raft.ElectionTimeout, DefaultElectionTimeout),
	}
	var register func(raftAddr string)
	if s.cfg.Raft.zookeeperDiscovery() {
		var stop func()
		register, stop, err = s.discoverPeers(ctx, &rcfg)
		if err != nil {
			return err
		}
		defer stop()
	}
	s.node, err = raftlog.Open(rcfg, s.store)
	if err != nil {
		if register != nil && ctx.Err() != nil {
			return nil // stopped while waiting for peers to bootstrap
		}
		return err
	}
	defer s.node.Shutdown()
	if register != nil {
		register(s.node.Addr()) // a restarted replica registers here
	}
	s.backups = &raftlog.Backups{Dir: s.cfg.Backup.Dir, Store: s.store, Keep: s.cfg.Backup.Keep}

	// Registered plugin binaries live in a content-addressed store under
	// the data dir; every replica keeps a copy (syncBlobs).
	if s.blobs, err = pluginhost.NewStore(filepath.Join(s.cfg.DataDir, "plugins")); err != nil {
		return err
	}
	s.plugins = pluginhost.New(s.logger.Named("plugins"), pluginhost.WithStore(s.blobs))
	defer s.plugins.Shutdown()

	reg := prometheus.NewRegistry()
	s.metrics = newMetrics(reg, s)
	srv := &http.Server{Handler: s.handler(reg), ReadHeaderTimeout: 10 * time.Second}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	wg.Add(3)
	go func() {
		defer wg.Done()
		s.syncBlobs(runCtx)
	}()
	go func() {
		defer wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("api: %w", err)
		}
	}()
	go func() {
		defer wg.Done()
		s.leaderLoop(runCtx)
	}()
	apiURL := "http://" + s.cfg.AdvertiseHTTP
	s.logger.Info("scheduler replica up", "node_id", s.cfg.Raft.NodeID, "api", apiURL, "raft", s.cfg.Raft.Bind, "peers", len(peers))
	if s.Ready != nil {
		s.Ready(apiURL)
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_ = srv.Shutdown(sctx)
	cancel()
	stop()
	wg.Wait()
	return runErr
}

// discoverPeers prepares zookeeper peer discovery: a brand-new replica
// registers and waits for its bootstrap configuration inside
// raftlog.Open (cfg.Discover); register starts the registration if Open
// has not (a replica with raft state); stop withdraws it.
func (s *Server) discoverPeers(ctx context.Context, cfg *raftlog.Config) (register func(raftAddr string), stop func(), err error) {
	zc := s.cfg.ZooKeeper
	d, err := newPeerDiscovery(zc.Servers, mustDuration(zc.SessionTimeout, 10*time.Second), zc.RaftPeersPath,
		s.cfg.Raft.BootstrapExpect, peerMember{ID: s.cfg.Raft.NodeID, HTTPAddr: s.cfg.AdvertiseHTTP}, s.logger.Named("raft-peers"))
	if err != nil {
		return nil, nil, err
	}
	s.peers = d
	regCtx, cancel := context.WithCancel(ctx)
	var once sync.Once
	var wg sync.WaitGroup
	register = func(raftAddr string) {
		once.Do(func() {
			d.self.RaftAddr = raftAddr
			wg.Add(1)
			go func() {
				defer wg.Done()
				d.register(regCtx)
			}()
		})
	}
	cfg.Discover = func(self raftlog.Peer) ([]raftlog.Peer, error) {
		register(self.Addr)
		return d.bootstrapPeers(ctx)
	}
	s.logger.Info("raft peers are discovered in ZooKeeper", "path", zc.RaftPeersPath, "bootstrap_expect", s.cfg.Raft.BootstrapExpect)
	return register, func() {
		cancel()
		wg.Wait()
		d.close()
	}, nil
}

// scheduler returns the leader's scheduler, or nil on a follower.
func (s *Server) scheduler() *scheduling.Scheduler {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leading
}

// handler is the replica's HTTP surface: the API (writes forwarded to the
// leader), health, metrics and admin endpoints.
func (s *Server) handler(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	apiServer := api.NewServer(leaderScheduler{s}, s.store, s.node.IsLeader, scheduling.ErrNoSuchJob, s.logger)
	mux.Handle("/", apiServer)
	mux.Handle("/v1/", s.forwardWrites(apiServer))
	s.adminRoutes(mux)
	s.pluginRoutes(mux)
	mux.Handle("GET /metrics", metricsHandler(reg))
	mux.HandleFunc("GET /vars", s.metrics.vars(reg))
	return mux
}

// leaderScheduler implements api.Scheduler over whichever scheduler leads.
type leaderScheduler struct{ s *Server }

func (l leaderScheduler) sched() (*scheduling.Scheduler, error) {
	if sc := l.s.scheduler(); sc != nil {
		return sc, nil
	}
	return nil, raftlog.ErrNotLeader
}
