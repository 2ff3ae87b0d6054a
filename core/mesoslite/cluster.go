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
	"time"

	hclog "github.com/hashicorp/go-hclog"
)

// Cluster is an embedded master with its agents, each serving the Mesos v1
// HTTP APIs on its own loopback port.
type Cluster struct {
	cfg    Config
	log    hclog.Logger
	master *Master
	agents []*Agent
	forker *forker

	mu        sync.Mutex
	started   bool
	stopped   bool
	masterURL string
	servers   []*http.Server
	cancel    context.CancelFunc
	wg        sync.WaitGroup // actors, servers, the allocation timer
}

// New validates cfg and prepares a cluster; Start brings it up.
func New(cfg Config) (*Cluster, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	masterID := uuidString(newUUID())
	m := newMaster(masterID, cfg)
	c := &Cluster{cfg: cfg, log: cfg.Logger, master: m, forker: newForker()}
	for i, name := range agentDirNames(cfg.Agents) {
		id := m.newAgentID()
		dir := filepath.Join(cfg.WorkDir, "agents", name)
		c.agents = append(c.agents, newAgent(id, cfg.Agents[i], cfg, dir, m, c.forker))
	}
	return c, nil
}

// Start binds the master's and the agents' listeners, registers the agents
// and starts the allocator. ctx bounds the start-up only; the cluster runs
// until Shutdown.
func (c *Cluster) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started {
		return errors.New("mesoslite: cluster already started")
	}
	c.started = true
	fail := func(err error) error {
		// Nothing runs yet; a failed cluster cannot be started again.
		c.stopped = true
		return err
	}

	listeners := make([]net.Listener, 0, len(c.agents)+1)
	closeAll := func() {
		for _, l := range listeners {
			l.Close()
		}
	}
	lc := net.ListenConfig{}
	mln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(c.cfg.Bind, "0"))
	if err != nil {
		return fail(fmt.Errorf("mesoslite: master listener: %w", err))
	}
	listeners = append(listeners, mln)
	for _, a := range c.agents {
		if err := os.MkdirAll(a.workDir, 0o755); err != nil {
			closeAll()
			return fail(fmt.Errorf("mesoslite: agent work dir: %w", err))
		}
		ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(c.cfg.Bind, "0"))
		if err != nil {
			closeAll()
			return fail(fmt.Errorf("mesoslite: agent listener: %w", err))
		}
		listeners = append(listeners, ln)
		a.setAddress(ln.Addr().(*net.TCPAddr))
	}
	maddr := mln.Addr().(*net.TCPAddr)
	if maddr.IP.IsUnspecified() {
		maddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: maddr.Port}
	}
	hostname, _ := os.Hostname()
	if hostname == "" {
		hostname = maddr.IP.String()
	}
	c.master.setAddress(maddr, hostname)
	c.masterURL = "http://" + maddr.String()

	c.goRun(c.forker.run)
	c.goRun(c.master.mb.run)
	for _, a := range c.agents {
		c.goRun(a.mb.run)
	}
	for _, a := range c.agents {
		a := a
		if err := c.master.mb.call(ctx, func() { c.master.addAgent(a.info, a.endpoint, a) }); err != nil {
			closeAll()
			c.stopActors()
			c.wg.Wait()
			c.stopped = true
			return fmt.Errorf("mesoslite: registering agent: %w", err)
		}
	}

	c.serve(mln, c.master.handler())
	for i, a := range c.agents {
		c.serve(listeners[i+1], a.handler())
	}
	runCtx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.goRun(func() { c.master.runAllocationTimer(runCtx) })
	c.log.Info("embedded Mesos cluster started", "master", c.masterURL, "master_id", c.master.id, "agents", len(c.agents))
	return nil
}

func (c *Cluster) goRun(f func()) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		f()
	}()
}

// serve runs an HTTP server on ln. No WriteTimeout: responses are streams.
func (c *Cluster) serve(ln net.Listener, h http.Handler) {
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.HandleFunc("/state", c.serveState)
	mux.HandleFunc("/master/state", c.serveState)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
		ErrorLog:          c.log.Named("http").StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true}),
	}
	c.servers = append(c.servers, srv)
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

// MasterURL is the master's base URL, e.g. "http://127.0.0.1:PORT"; the
// scheduler endpoint is MasterURL()+"/api/v1/scheduler".
func (c *Cluster) MasterURL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.masterURL
}

// Shutdown sends SHUTDOWN to every executor, waits their grace period, kills
// the process groups of those still alive, then closes the subscriptions and
// the listeners. When it returns no executor process it launched is alive,
// even if ctx ended first (then the executors are killed at once and ctx's
// error is returned).
func (c *Cluster) Shutdown(ctx context.Context) error {
	c.mu.Lock()
	if !c.started || c.stopped {
		c.mu.Unlock()
		return nil
	}
	c.stopped = true
	c.mu.Unlock()

	if c.cancel != nil {
		c.cancel()
	}
	_ = c.master.mb.call(ctx, func() { c.master.stopping = true })

	var wg sync.WaitGroup
	errs := make([]error, len(c.agents))
	for i, a := range c.agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = a.shutdown(ctx)
		}()
	}
	wg.Wait()

	_ = c.master.mb.call(context.Background(), c.master.stop)
	// Every stream is closed now, so the servers go idle at once; the
	// timeout only guards against a stuck client.
	var srvErr error
	for _, srv := range c.servers {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := srv.Shutdown(sctx); err != nil {
			srv.Close()
			srvErr = errors.Join(srvErr, fmt.Errorf("mesoslite: closing HTTP server: %w", err))
		}
		cancel()
	}
	c.stopActors()
	c.wg.Wait()
	c.log.Info("embedded Mesos cluster stopped")
	return errors.Join(append(errs, srvErr)...)
}

func (c *Cluster) stopActors() {
	c.forker.stop()
	c.master.mb.stop()
	for _, a := range c.agents {
		a.mb.stop()
	}
}
