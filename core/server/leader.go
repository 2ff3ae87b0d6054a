package server

import (
	"context"
	"sync"
	"time"

	"github.com/aurora-go/aurora/core/mesos"
	"github.com/aurora-go/aurora/core/scheduling"
	"github.com/aurora-go/aurora/core/state"
)

// Meta keys the leader writes so followers can find it.
const (
	metaLeaderID   = "scheduler.leader_id"
	metaLeaderHTTP = "scheduler.leader_http"
)

// leaderLoop starts the leader's services on gaining leadership and stops
// them, all at once, on losing it: a deposed leader never launches, since
// its scheduler's writes fail and its context is cancelled.
func (s *Server) leaderLoop(ctx context.Context) {
	var stop func()
	for {
		select {
		case <-ctx.Done():
			if stop != nil {
				stop()
			}
			return
		case leader := <-s.node.LeaderCh():
			if stop != nil {
				stop()
				stop = nil
			}
			if leader {
				stop = s.lead(ctx)
			} else {
				s.logger.Info("not the leader")
			}
		}
	}
}

// lead runs the leader's services until the returned stop is called.
func (s *Server) lead(parent context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(parent)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.runLeader(ctx)
	}()
	if s.peers != nil {
		// Replicas that register in ZooKeeper later become voters.
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.peers.addVoters(ctx, s.node)
		}()
	}
	return func() {
		cancel()
		wg.Wait()
		s.mu.Lock()
		s.leading = nil
		s.runner = nil
		s.recovery = nil
		s.mu.Unlock()
		s.metrics.leader.Set(0)
		s.logger.Info("stopped leading")
	}
}

func (s *Server) runLeader(ctx context.Context) {
	start := time.Now()
	// Apply everything earlier leaders committed before acting on it.
	if err := s.node.WaitLeader(ctx); err != nil {
		s.logger.Warn("lost leadership before taking over", "error", err)
		return
	}
	if err := s.recordLeadership(ctx); err != nil {
		s.logger.Warn("cannot record leadership", "error", err)
		return
	}
	if err := s.seedBuiltins(ctx); err != nil {
		s.logger.Warn("cannot seed the built-in plugins into the catalog", "error", err)
		return
	}
	// Start the catalog's constraint plugins before scheduling anything.
	constraints := &swapConstraints{}
	runner := newPluginRunner(s, constraints)
	first := make(chan struct{})
	var pwg sync.WaitGroup
	pwg.Add(1)
	go func() { defer pwg.Done(); runner.run(ctx, first) }()
	defer pwg.Wait()
	select {
	case <-first:
	case <-ctx.Done():
		return
	}
	execCmd, err := s.cfg.executorCommand()
	if err != nil {
		s.logger.Error("cannot lead", "error", err)
		return
	}
	driver := mesos.New(mesos.Config{
		MasterURL: s.cfg.Mesos.Master, Name: s.cfg.Mesos.FrameworkName, User: frameworkUser(s.cfg.Mesos.User),
		Hostname: s.cfg.Raft.NodeID, WebUIURL: "http://" + s.cfg.AdvertiseHTTP,
		FailoverTimeout: mustDuration(s.cfg.Mesos.FailoverTimeout, DefaultFailoverTimeout),
		FrameworkID:     func() string { id, _ := s.store.Meta(state.MetaFrameworkID); return id },
		PartitionAware:  s.cfg.Mesos.PartitionAware,
		Logger:          s.logger,
	})
	scfg := scheduling.Config{
		Executor: scheduling.ExecutorConfig{Command: execCmd, CPUs: s.cfg.Executor.CPUs, MemMB: s.cfg.Executor.MemMB, Env: s.cfg.Executor.env(), Plugins: &executorPlugins{s: s}},
		Hostname: s.cfg.Raft.NodeID,
	}
	s.cfg.Scheduler.apply(&scfg)
	sched := scheduling.New(scfg, s.node, s.store, driver, constraints, s.logger)
	sched.SetAdmission(runner)
	s.mu.Lock()
	s.leading = sched
	s.runner = runner
	s.mu.Unlock()
	s.metrics.leader.Set(1)
	s.logger.Info("leading", "took", time.Since(start).String())

	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); _ = sched.Run(ctx) }()
	go func() { defer wg.Done(); _ = driver.Run(ctx, &leaderHandler{Scheduler: sched, s: s, ctx: ctx}) }()
	go func() { defer wg.Done(); s.backupLoop(ctx) }()
	<-ctx.Done()
	wg.Wait()
}

// recordLeadership writes this replica as the leader, so followers can
// forward writes to it.
func (s *Server) recordLeadership(ctx context.Context) error {
	return s.node.Apply(ctx, state.Batch{Commands: []state.Command{
		state.SetMeta{Key: metaLeaderID, Value: s.cfg.Raft.NodeID},
		state.SetMeta{Key: metaLeaderHTTP, Value: s.cfg.AdvertiseHTTP},
	}})
}

// leaderHandler passes Mesos events to the scheduler and announces the
// leader in ZooKeeper once it is registered with Mesos, as Aurora does.
type leaderHandler struct {
	*scheduling.Scheduler
	s   *Server
	ctx context.Context

	once sync.Once
}

func (h *leaderHandler) Subscribed(ctx context.Context, frameworkID string) {
	h.s.metrics.registered.Set(1)
	h.Scheduler.Subscribed(ctx, frameworkID)
	h.once.Do(func() { go h.s.announceWhileLeading(h.ctx) })
}

func (h *leaderHandler) Disconnected() {
	h.s.metrics.registered.Set(0)
	h.Scheduler.Disconnected()
}

// announceWhileLeading keeps a serverset member in ZooKeeper until ctx
// ends, re-creating it if the session is lost.
func (s *Server) announceWhileLeading(ctx context.Context) {
	zc := s.cfg.ZooKeeper
	if zc == nil {
		return
	}
	timeout := mustDuration(zc.SessionTimeout, 10*time.Second)
	for ctx.Err() == nil {
		a, err := announce(zc.Servers, timeout, zc.ServersetPath, s.cfg.AdvertiseHTTP, s.logger.Named("zookeeper"))
		if err != nil {
			s.logger.Warn("cannot announce in ZooKeeper; retrying", "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(2 * time.Second):
			}
			continue
		}
		<-ctx.Done()
		a.withdraw()
		return
	}
}

// backupLoop writes a backup every backup interval while leading.
func (s *Server) backupLoop(ctx context.Context) {
	t := time.NewTicker(mustDuration(s.cfg.Backup.Interval, DefaultBackupInterval))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if id, err := s.backups.Backup(); err != nil {
				s.logger.Error("scheduled backup failed", "error", err)
			} else {
				s.logger.Info("backup written", "id", id)
			}
		}
	}
}

func frameworkUser(u string) string {
	if u != "" {
		return u
	}
	return currentUser()
}

// assert the handler keeps the scheduler's event methods.
var _ mesos.Handler = (*leaderHandler)(nil)
