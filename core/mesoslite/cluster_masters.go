package mesoslite

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
)

// masterInstance is one master process: a listener that serves the
// scheduler API while it leads and redirects to the leader otherwise. Its id
// is that of the master process currently running there; it changes when
// the process restarts (FailoverMaster).
type masterInstance struct {
	index    int
	id       string // guarded by Cluster.mu
	addr     *net.TCPAddr
	hostname string
}

// setAddress records where the instance listens. Its hostname, which the
// redirects and ZooKeeper carry, is the bound address, or this machine's
// name when bound to all interfaces.
func (inst *masterInstance) setAddress(addr *net.TCPAddr, bind string) {
	if addr.IP.IsUnspecified() {
		addr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: addr.Port}
		host, _ := os.Hostname()
		if host == "" {
			host = addr.IP.String()
		}
		inst.hostname = host
	} else if net.ParseIP(bind) == nil && bind != "" {
		inst.hostname = bind
	} else {
		inst.hostname = addr.IP.String()
	}
	inst.addr = addr
}

// authority is host:port as in the Location of redirects.
func (inst *masterInstance) authority() string {
	return net.JoinHostPort(inst.hostname, strconv.Itoa(inst.addr.Port))
}

func (inst *masterInstance) url() string { return "http://" + inst.addr.String() }

// leadership is the leading master and what runs with it.
type leadership struct {
	inst   *masterInstance
	master *Master
	cancel context.CancelFunc // stops the allocation timer
}

// startLeader makes m, running on inst, the leader: its actor and its
// allocation timer start and the HTTP handlers route to it.
func (c *Cluster) startLeader(inst *masterInstance, m *Master) {
	c.goRun(m.mb.run)
	m.mb.post(m.startRecoveredTimer)
	ctx, cancel := context.WithCancel(context.Background())
	c.goRun(func() { m.runAllocationTimer(ctx) })
	c.leader.Store(&leadership{inst: inst, master: m, cancel: cancel})
}

// leaderMaster is the leading master, nil during a failover.
func (c *Cluster) leaderMaster() *Master {
	if l := c.leader.Load(); l != nil {
		return l.master
	}
	return nil
}

// zkMembers are the contenders in leadership order with their MasterInfo.
func (c *Cluster) zkMembers() []zkMember {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]zkMember, 0, len(c.contenders))
	for _, inst := range c.contenders {
		info := masterInfo(inst.id, inst.addr, inst.hostname)
		data, err := info.MarshalJSON()
		if err != nil {
			c.log.Error("encoding MasterInfo failed", "error", err)
			continue
		}
		out = append(out, zkMember{index: inst.index, data: data})
	}
	return out
}

// masterHandler is the HTTP API of a master instance. The leader serves the
// scheduler API; the others answer it with 307 to the leader, or 503 while
// no leader is elected. GET /redirect answers 307 to the leader on every
// instance.
func (c *Cluster) masterHandler(inst *masterInstance) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/scheduler", func(w http.ResponseWriter, r *http.Request) {
		l := c.leader.Load()
		switch {
		case l == nil:
			statusf(http.StatusServiceUnavailable, "No leader elected").write(w)
		case l.inst != inst:
			w.Header().Set("Location", "//"+l.inst.authority()+r.URL.Path)
			w.WriteHeader(http.StatusTemporaryRedirect)
		default:
			l.master.serveScheduler(w, r)
		}
	})
	redirect := func(w http.ResponseWriter, r *http.Request) {
		l := c.leader.Load()
		if l == nil {
			statusf(http.StatusServiceUnavailable, "No leader elected").write(w)
			return
		}
		w.Header().Set("Location", "//"+l.inst.authority())
		w.WriteHeader(http.StatusTemporaryRedirect)
	}
	mux.HandleFunc("/redirect", redirect)
	mux.HandleFunc("/master/redirect", redirect)
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("/state", c.serveState)
	mux.HandleFunc("/master/state", c.serveState)
	return mux
}

// FailoverMaster fails the leading master over, as when its process dies:
// every subscription breaks (no ERROR), frameworks, tasks and offers are
// forgotten, and the next master instance (the same one with Masters = 1)
// leads as a new master with a new id. In ZooKeeper the old leader's node
// goes away and it contends again behind the others. The new master
// recovers the registry (admitted, unreachable and gone agents, the
// maintenance schedule); every agent whose link is up re-registers with
// its tasks. Until an agent has, explicit reconciliation of tasks that may
// be on it gets no answer, and it is marked unreachable after
// AgentReregisterTimeout. Frameworks must subscribe again (to MasterURL).
func (c *Cluster) FailoverMaster(ctx context.Context) error {
	c.opMu.Lock()
	defer c.opMu.Unlock()
	if err := c.running(); err != nil {
		return err
	}
	old := c.leader.Load()
	var reg *registry
	err := old.master.mb.call(ctx, func() {
		reg = old.master.registrySnapshot()
		old.master.stop(true)
		old.master.log.Warn("master failing over")
		old.master.mb.abort()
	})
	if err != nil {
		return fmt.Errorf("mesoslite: stopping the leading master: %w", err)
	}
	old.cancel()
	c.leader.Store(nil)

	c.mu.Lock()
	old.inst.id = uuidString(newUUID()) // its process restarts
	c.contenders = append(c.contenders[1:], old.inst)
	next := c.contenders[0]
	nextID := next.id
	c.mu.Unlock()
	if c.zk != nil {
		// The old leader's session ends, then it contends again.
		if err := c.zk.withdraw(old.inst.index); err != nil {
			c.log.Error("withdrawing the old leader from ZooKeeper failed", "error", err)
		}
		members := c.zkMembers()
		if err := c.zk.contend(members[len(members)-1]); err != nil {
			c.log.Error("contending again in ZooKeeper failed", "error", err)
		}
	}

	m := newMaster(nextID, c.cfg, reg, c.faults)
	m.setAddress(next.addr, next.hostname)
	c.startLeader(next, m)
	c.log.Info("master failed over", "old_master_id", old.master.id, "new_master_id", m.id, "leader", next.url())
	for _, slot := range c.agents {
		if a := slot.current(); a != nil {
			a.masterDetected(m.id)
		}
	}
	return nil
}

// CutSchedulerStream breaks a framework's subscription as a network failure
// would: the stream stops without an ERROR and the framework is
// disconnected (its offers go, its failover_timeout starts) until it
// subscribes again.
func (c *Cluster) CutSchedulerStream(ctx context.Context, frameworkID string) error {
	m, err := c.leading()
	if err != nil {
		return err
	}
	var ok bool
	if err := m.mb.call(ctx, func() { ok = m.cutStream(frameworkID) }); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("mesoslite: framework %q is not subscribed", frameworkID)
	}
	return nil
}

// running reports whether the cluster is up.
func (c *Cluster) running() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case !c.started:
		return errors.New("mesoslite: cluster not started")
	case c.stopped:
		return ErrStopped
	}
	return nil
}

// leading is the leading master of a running cluster.
func (c *Cluster) leading() (*Master, error) {
	if err := c.running(); err != nil {
		return nil, err
	}
	if m := c.leaderMaster(); m != nil {
		return m, nil
	}
	return nil, errors.New("mesoslite: no leading master")
}

// masterCall runs f on the leading master and returns its error.
func (c *Cluster) masterCall(ctx context.Context, f func(m *Master) error) error {
	m, err := c.leading()
	if err != nil {
		return err
	}
	var ferr error
	if err := m.mb.call(ctx, func() { ferr = f(m) }); err != nil {
		return err
	}
	return ferr
}
