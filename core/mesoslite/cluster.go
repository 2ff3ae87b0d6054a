package mesoslite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	hclog "github.com/hashicorp/go-hclog"
)

// Cluster is an embedded master with its agents, each serving the Mesos v1
// HTTP APIs on its own loopback port. Besides New, Start, Shutdown and the
// accessors, it has the fault-injection and operator methods of
// cluster_faults.go, cluster_masters.go and cluster_maintenance.go.
type Cluster struct {
	cfg    Config
	log    hclog.Logger
	forker *forker
	faults *faults
	// freshConns are server connections with no request yet, closed at
	// shutdown.
	freshConns *connSet
	instances  []*masterInstance
	agents     []*agentSlot
	leader     atomic.Pointer[leadership]
	zk         *zkContender

	// opMu serializes Start, Shutdown, Detach and every operation that
	// replaces an actor (failover, agent restart, maintenance).
	opMu sync.Mutex

	mu         sync.Mutex // guards the fields below
	started    bool
	stopped    bool
	contenders []*masterInstance // leadership order: the first one leads
	servers    []*http.Server
	retired    []*Agent // agent actors replaced by a restart
	firstLead  *Master  // the master created by New, until Start

	wg sync.WaitGroup // actors, servers, allocation timers
}

// New validates cfg and prepares a cluster; Start brings it up. With
// cfg.Recover, agents that have a checkpoint under WorkDir keep their ids.
func New(cfg Config) (*Cluster, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Cluster{cfg: cfg, log: cfg.Logger, forker: newForker(), faults: &faults{}, freshConns: &connSet{}}
	for i := 0; i < cfg.Masters; i++ {
		inst := &masterInstance{index: i, id: uuidString(newUUID())}
		c.instances = append(c.instances, inst)
		c.contenders = append(c.contenders, inst)
	}
	m := newMaster(c.instances[0].id, cfg, nil, c.faults)
	c.firstLead = m
	for i, name := range agentDirNames(cfg.Agents) {
		slot := &agentSlot{index: i, cfg: cfg.Agents[i], workDir: filepath.Join(cfg.WorkDir, "agents", name)}
		if meta, ok := readAgentMeta(slot.workDir); ok && cfg.Recover && meta.Hostname == slot.cfg.Hostname {
			slot.id, slot.port, slot.recover = meta.ID, meta.Port, true
		} else {
			slot.id = m.newAgentID()
		}
		slot.wire = newWire(slot.current, c.leaderMaster)
		c.agents = append(c.agents, slot)
	}
	return c, nil
}

// Start binds the masters' and the agents' listeners, registers the agents,
// starts the allocator, and publishes the masters in ZooKeeper if configured.
// ctx bounds the start-up only; the cluster runs until Shutdown or Detach.
// Agents recovering executors (Config.Recover) register in the background
// once their executors have subscribed again.
func (c *Cluster) Start(ctx context.Context) error {
	c.opMu.Lock()
	defer c.opMu.Unlock()
	c.mu.Lock()
	if c.started {
		c.mu.Unlock()
		return errors.New("mesoslite: cluster already started")
	}
	c.started = true
	c.mu.Unlock()
	fail := func(err error) error {
		// Nothing runs yet; a failed cluster cannot be started again.
		c.mu.Lock()
		c.stopped = true
		c.mu.Unlock()
		return err
	}

	listeners, err := c.listen(ctx)
	if err != nil {
		return fail(err)
	}
	closeAll := func() {
		for _, l := range listeners {
			l.Close()
		}
	}
	if c.cfg.ZooKeeper != nil {
		zkc, err := dialZooKeeper(ctx, c.cfg.ZooKeeper, c.log.Named("zookeeper"), c.zkMembers)
		if err == nil {
			for _, m := range c.zkMembers() {
				if err = zkc.contend(m); err != nil {
					break
				}
			}
			if err != nil {
				zkc.close()
			}
		}
		if err != nil {
			closeAll()
			return fail(err)
		}
		c.zk = zkc
	}

	m := c.firstLead
	inst := c.instances[0]
	m.setAddress(inst.addr, inst.hostname)
	c.goRun(c.forker.run)
	c.startLeader(inst, m)
	for _, slot := range c.agents {
		if !slot.recover {
			if err := os.RemoveAll(filepath.Join(slot.workDir, "meta")); err != nil {
				c.log.Warn("removing stale agent state failed", "work_dir", slot.workDir, "error", err)
			}
		}
		a := c.newAgentActor(slot)
		slot.set(a)
	}
	for _, slot := range c.agents {
		a := slot.current()
		var err error
		if slot.recover {
			err = a.mb.call(ctx, func() { a.recover(m.id) })
		} else {
			err = a.mb.call(ctx, func() {
				a.writeAgentMeta()
				a.masterID = m.id
				a.register()
			})
		}
		if err == nil {
			// Wait for the master to have handled the registrations.
			err = m.mb.call(ctx, func() {})
		}
		if err != nil {
			closeAll()
			c.stopAll()
			c.wg.Wait()
			if c.zk != nil {
				c.zk.close()
			}
			return fail(fmt.Errorf("mesoslite: registering agents: %w", err))
		}
	}
	for i, inst := range c.instances {
		c.serve(listeners[i], c.masterHandler(inst))
	}
	for i, slot := range c.agents {
		c.serve(listeners[len(c.instances)+i], c.agentHandler(slot))
	}
	c.log.Info("embedded Mesos cluster started", "master", c.MasterURL(), "master_id", m.id,
		"masters", len(c.instances), "agents", len(c.agents), "recover", c.cfg.Recover)
	return nil
}

// listen binds every master instance and every agent. A recovering agent
// binds its checkpointed port again, since its executors will connect there;
// if that fails it gets a new port and its executors cannot come back.
func (c *Cluster) listen(ctx context.Context) ([]net.Listener, error) {
	var listeners []net.Listener
	fail := func(err error) ([]net.Listener, error) {
		for _, l := range listeners {
			l.Close()
		}
		return nil, err
	}
	lc := net.ListenConfig{}
	for _, inst := range c.instances {
		ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(c.cfg.Bind, "0"))
		if err != nil {
			return fail(fmt.Errorf("mesoslite: master listener: %w", err))
		}
		listeners = append(listeners, ln)
		inst.setAddress(ln.Addr().(*net.TCPAddr), c.cfg.Bind)
	}
	for _, slot := range c.agents {
		if err := os.MkdirAll(slot.workDir, 0o755); err != nil {
			return fail(fmt.Errorf("mesoslite: agent work dir: %w", err))
		}
		port := 0
		if slot.recover {
			port = slot.port
		}
		ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(c.cfg.Bind, fmt.Sprint(port)))
		if err != nil && port != 0 {
			c.log.Error("cannot bind the recovered agent's port again; its executors cannot reconnect",
				"agent_id", slot.id, "port", port, "error", err)
			ln, err = lc.Listen(ctx, "tcp", net.JoinHostPort(c.cfg.Bind, "0"))
		}
		if err != nil {
			return fail(fmt.Errorf("mesoslite: agent listener: %w", err))
		}
		listeners = append(listeners, ln)
		slot.addr = ln.Addr().(*net.TCPAddr)
	}
	return listeners, nil
}

func (c *Cluster) goRun(f func()) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		f()
	}()
}

// connSet tracks the connections of the cluster's servers that have not
// sent a request yet (http.StateNew).
type connSet struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (s *connSet) track(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st == http.StateNew {
		if s.conns == nil {
			s.conns = map[net.Conn]struct{}{}
		}
		s.conns[c] = struct{}{}
	} else {
		delete(s.conns, c)
	}
}

func (s *connSet) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

// serve runs an HTTP server on ln. No WriteTimeout: responses are streams.
func (c *Cluster) serve(ln net.Listener, h http.Handler) {
	fresh := c.freshConns
	srv := &http.Server{
		Addr:              ln.Addr().String(), // for errors; Serve uses ln
		ConnState:         fresh.track,
		Handler:           h,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
		ErrorLog:          c.log.Named("http").StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true}),
	}
	c.mu.Lock()
	c.servers = append(c.servers, srv)
	c.mu.Unlock()
	c.goRun(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			c.log.Error("HTTP server failed", "address", ln.Addr().String(), "error", err)
		}
	})
}

func (c *Cluster) serveState(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	st, err := c.State(r.Context())
	if err != nil {
		statusf(http.StatusServiceUnavailable, "%v", err).write(w)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(st)
}

// MasterURL is the leading master's base URL, e.g. "http://127.0.0.1:PORT";
// the scheduler endpoint is MasterURL()+"/api/v1/scheduler". It changes when
// FailoverMaster moves the leadership to another master instance.
func (c *Cluster) MasterURL() string {
	if l := c.leader.Load(); l != nil {
		return l.inst.url()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.contenders) > 0 && c.contenders[0].addr != nil {
		return c.contenders[0].url()
	}
	return ""
}

// MasterURLs are the base URLs of every master instance, the leader's
// included, in the order of Config.Masters.
func (c *Cluster) MasterURLs() []string {
	out := make([]string, 0, len(c.instances))
	for _, inst := range c.instances {
		out = append(out, inst.url())
	}
	return out
}

// Shutdown sends SHUTDOWN to every executor, waits their grace period, kills
// the process groups of those still alive, then closes the subscriptions and
// the listeners. When it returns no executor process it launched is alive,
// even if ctx ended first (then the executors are killed at once and ctx's
// error is returned).
func (c *Cluster) Shutdown(ctx context.Context) error {
	c.opMu.Lock()
	defer c.opMu.Unlock()
	if !c.markStopped() {
		return nil
	}
	l := c.leader.Load()
	if l != nil {
		l.cancel()
		_ = l.master.mb.call(ctx, func() { l.master.stopping = true })
	}

	var wg sync.WaitGroup
	errs := make([]error, len(c.agents))
	for i, slot := range c.agents {
		a := slot.current()
		if a == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = a.shutdown(ctx)
		}()
	}
	wg.Wait()

	if l != nil {
		_ = l.master.mb.call(context.Background(), func() { l.master.stop(false) })
	}
	srvErr := c.closeServers(false)
	c.stopAll()
	c.wg.Wait()
	c.log.Info("embedded Mesos cluster stopped")
	return errors.Join(append(errs, srvErr)...)
}

// Detach stops the cluster the way the death of its process would, but in
// order: subscriptions and executor connections break, the executors of
// frameworks that do not checkpoint are shut down, and the executors of
// checkpointing frameworks keep running with their state checkpointed under
// WorkDir, so that a new Cluster on the same WorkDir with Config.Recover
// re-attaches to them (they must come back within ExecutorRecoveryTimeout).
// Without Config.Recover nothing could re-attach, and Detach is Shutdown.
func (c *Cluster) Detach(ctx context.Context) error {
	if !c.cfg.Recover {
		return c.Shutdown(ctx)
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	if !c.markStopped() {
		return nil
	}
	if l := c.leader.Load(); l != nil {
		l.cancel()
		_ = l.master.mb.call(ctx, func() {
			l.master.stop(true)
			l.master.mb.abort()
		})
	}
	var errs []error
	for _, slot := range c.agents {
		if a := slot.current(); a != nil {
			errs = append(errs, a.detach(ctx))
		}
	}
	errs = append(errs, c.closeServers(true))
	c.stopAll()
	c.wg.Wait()
	c.log.Info("embedded Mesos cluster detached from its executors")
	return errors.Join(errs...)
}

func (c *Cluster) markStopped() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.started || c.stopped {
		return false
	}
	c.stopped = true
	return true
}

// closeServers ends the ZooKeeper session and the HTTP servers. Every stream
// is closed by now, so the servers go idle at once; the timeout only guards
// against a stuck client.
func (c *Cluster) closeServers(abrupt bool) error {
	if c.zk != nil {
		c.zk.close()
	}
	c.mu.Lock()
	servers := c.servers
	c.mu.Unlock()
	var err error
	for _, srv := range servers {
		if abrupt {
			srv.Close()
			continue
		}
		// A connection a client opened but sent no request on is not idle
		// to Shutdown until it is 5s old: close those first.
		c.freshConns.closeAll()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if serr := srv.Shutdown(sctx); serr != nil {
			srv.Close()
			err = errors.Join(err, fmt.Errorf("mesoslite: closing HTTP server %s: %w", srv.Addr, serr))
		}
		cancel()
	}
	return err
}

// stopAll stops every actor and waits for the agents replaced by restarts.
func (c *Cluster) stopAll() {
	c.forker.stop()
	if l := c.leader.Load(); l != nil {
		l.cancel()
		l.master.mb.stop()
	}
	var agents []*Agent
	for _, slot := range c.agents {
		if a := slot.current(); a != nil {
			a.mb.stop()
			agents = append(agents, a)
		}
	}
	c.mu.Lock()
	agents = append(agents, c.retired...)
	c.mu.Unlock()
	for _, a := range agents {
		a.wg.Wait()
	}
}
