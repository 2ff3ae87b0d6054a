package mesoslite

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
)

// agentSlot is one configured agent: its work dir and listener, the wire to
// the masters, and its current actor, which RestartAgent replaces.
type agentSlot struct {
	index   int
	cfg     AgentConfig
	workDir string
	wire    *wire
	addr    *net.TCPAddr
	// port and recover: a checkpoint was found under workDir (Config.Recover).
	port    int
	recover bool

	mu    sync.Mutex
	id    string
	agent *Agent
}

func (s *agentSlot) current() *Agent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.agent
}

func (s *agentSlot) set(a *Agent) {
	s.mu.Lock()
	s.agent = a
	s.mu.Unlock()
}

func (s *agentSlot) agentID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id
}

// newAgentActor creates the slot's agent actor and starts its mailbox.
func (c *Cluster) newAgentActor(slot *agentSlot) *Agent {
	a := newAgent(slot.agentID(), slot.cfg, c.cfg, slot.workDir, masterSide{slot.wire}, c.forker)
	a.setAddress(slot.addr)
	c.goRun(a.mb.run)
	return a
}

// agentHandler is the HTTP API of an agent slot, served by its current
// actor; 503 while it restarts.
func (c *Cluster) agentHandler(slot *agentSlot) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/executor", func(w http.ResponseWriter, r *http.Request) {
		a := slot.current()
		if a == nil {
			statusf(http.StatusServiceUnavailable, "Agent is restarting").write(w)
			return
		}
		a.serveExecutor(w, r)
	})
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("/state", c.serveState)
	return mux
}

// slot finds a running cluster's agent by id.
func (c *Cluster) slot(agentID string) (*agentSlot, error) {
	if err := c.running(); err != nil {
		return nil, err
	}
	for _, s := range c.agents {
		if s.agentID() == agentID {
			return s, nil
		}
	}
	return nil, fmt.Errorf("mesoslite: no agent %q", agentID)
}

// DisconnectAgent partitions an agent from the masters: every message
// between them is lost, the executors keep running and the agent keeps
// retrying its status updates. The master notices by its health checks:
// after MaxAgentPingTimeouts pings of AgentPingTimeout it marks the agent
// unreachable (see MarkAgentUnreachable for what that does).
func (c *Cluster) DisconnectAgent(ctx context.Context, agentID string) error {
	slot, err := c.slot(agentID)
	if err != nil {
		return err
	}
	slot.wire.up.Store(false)
	c.log.Info("agent disconnected from the masters", "agent_id", agentID)
	return nil
}

// MarkAgentUnreachable partitions the agent (as DisconnectAgent) and has the
// master mark it unreachable at once instead of after its health checks
// fail: its offers and inverse offers are rescinded, every framework gets
// FAILURE{agent_id}, and each of its tasks TASK_UNREACHABLE (TASK_LOST for
// frameworks without PARTITION_AWARE), REASON_AGENT_REMOVED, SOURCE_MASTER,
// with unreachable_time and no uuid. The tasks keep running; ReconnectAgent
// brings them back.
func (c *Cluster) MarkAgentUnreachable(ctx context.Context, agentID string) error {
	if err := c.DisconnectAgent(ctx, agentID); err != nil {
		return err
	}
	return c.masterCall(ctx, func(m *Master) error {
		a := m.agents[agentID]
		if a == nil {
			return fmt.Errorf("mesoslite: agent %q is not registered", agentID)
		}
		m.markUnreachable(a, "marked unreachable by the operator")
		return nil
	})
}

// ReconnectAgent heals a partition: the agent re-registers with the leading
// master with everything it runs, so the tasks of an unreachable agent
// reappear (reconciliation reports them again), and its pending status
// updates are sent at once.
func (c *Cluster) ReconnectAgent(ctx context.Context, agentID string) error {
	slot, err := c.slot(agentID)
	if err != nil {
		return err
	}
	m, err := c.leading()
	if err != nil {
		return err
	}
	slot.wire.up.Store(true)
	if a := slot.current(); a != nil {
		if err := a.mb.call(ctx, func() { a.handleMasterDetected(m.id) }); err != nil {
			return err
		}
	}
	c.log.Info("agent reconnected to the masters", "agent_id", agentID)
	return nil
}

// MarkAgentGone is the operator's MARK_AGENT_GONE: the agent's tasks get
// TASK_GONE_BY_OPERATOR (TASK_LOST without PARTITION_AWARE), the frameworks
// FAILURE{agent_id}, and the agent is told to shut down its executors. It
// can never register again.
func (c *Cluster) MarkAgentGone(ctx context.Context, agentID string) error {
	return c.masterCall(ctx, func(m *Master) error {
		if !m.markGone(agentID) {
			return fmt.Errorf("mesoslite: no agent %q", agentID)
		}
		return nil
	})
}

// RestartAgent restarts an agent process in place: its executor API stops
// (executor streams break, calls get 503), its in-memory state and executor
// connections are lost, but the executor processes keep running. The master
// sees the connection break: the agent's offers are rescinded and tasks of
// frameworks that do not checkpoint are TASK_LOST. The new agent, with the
// same id and port, recovers from its checkpoint and waits up to
// ExecutorReregistrationTimeout for the executors of checkpointing
// frameworks (MESOS_CHECKPOINT=1) to subscribe again with their
// unacknowledged tasks and updates, destroys the others, and re-registers.
func (c *Cluster) RestartAgent(ctx context.Context, agentID string) error {
	c.opMu.Lock()
	defer c.opMu.Unlock()
	slot, err := c.slot(agentID)
	if err != nil {
		return err
	}
	old := slot.current()
	if err := old.mb.call(ctx, old.crash); err != nil {
		return fmt.Errorf("mesoslite: stopping agent %s: %w", agentID, err)
	}
	slot.set(nil)
	c.mu.Lock()
	c.retired = append(c.retired, old)
	c.mu.Unlock()
	if m := c.leaderMaster(); m != nil && slot.wire.up.Load() {
		m.mb.post(func() { m.handleAgentExited(agentID) })
	}

	a := c.newAgentActor(slot)
	masterID := ""
	if m := c.leaderMaster(); m != nil {
		masterID = m.id
	}
	if err := a.mb.call(ctx, func() { a.recover(masterID) }); err != nil {
		return fmt.Errorf("mesoslite: recovering agent %s: %w", agentID, err)
	}
	slot.set(a)
	c.log.Info("agent restarted", "agent_id", agentID)
	return nil
}
