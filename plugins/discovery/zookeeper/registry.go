package zookeeper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/serverset"
)

// checkInterval is how often the registry checks that its members still
// exist, besides reacting to session events.
const checkInterval = 500 * time.Millisecond

// Registry keeps the serverset members of tasks in ZooKeeper.
type Registry struct {
	cfg    Config
	logger hclog.Logger

	mu     sync.Mutex
	conn   *zk.Conn
	events <-chan zk.Event
	tasks  map[string]*member // by task id
	closed bool
	stop   chan struct{}
	done   chan struct{}
}

// member is one task's znode and the endpoints it holds.
type member struct {
	dir       string // serverset path
	node      string // created znode, "" when it must be (re)created
	endpoints map[string]Endpoint
}

// New returns a registry for cfg; it connects on the first Announce.
func New(cfg Config, logger hclog.Logger) (*Registry, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &Registry{cfg: cfg, logger: logger.Named("zookeeper"), tasks: map[string]*member{}}, nil
}

// connect opens the session and starts the maintenance loop. Callers hold
// mu.
func (r *Registry) connect() error {
	if r.closed {
		return errors.New("zookeeper registry closed")
	}
	if r.conn != nil {
		return nil
	}
	timeout, _ := r.cfg.sessionTimeout()
	conn, events, err := zk.Connect(r.cfg.Servers, timeout, zk.WithLogger(serverset.Logger(r.logger)))
	if err != nil {
		return fmt.Errorf("connect to ZooKeeper %v: %w", r.cfg.Servers, err)
	}
	r.conn, r.events = conn, events
	r.stop, r.done = make(chan struct{}), make(chan struct{})
	go r.maintain()
	return nil
}

// Announce adds or replaces endpoints and writes each affected task's
// member. Results are per endpoint, in order.
func (r *Registry) Announce(ctx context.Context, endpoints []Endpoint) ([]EndpointResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.connect(); err != nil {
		return nil, err
	}
	results := make([]EndpointResult, len(endpoints))
	touched := map[string]bool{}
	for i, ep := range endpoints {
		results[i].Key = ep.Key
		dir, err := r.cfg.memberPath(ep)
		if err == nil && ep.Host == "" {
			err = errors.New("host is required")
		}
		if err != nil {
			results[i].Err = err.Error()
			continue
		}
		m := r.tasks[ep.Key.TaskID]
		if m == nil {
			m = &member{dir: dir, endpoints: map[string]Endpoint{}}
			r.tasks[ep.Key.TaskID] = m
		}
		if m.dir != dir {
			results[i].Err = fmt.Sprintf("task %s is announced under %s, not %s", ep.Key.TaskID, m.dir, dir)
			continue
		}
		m.endpoints[ep.Key.PortName] = ep
		touched[ep.Key.TaskID] = true
	}
	for _, id := range slices.Sorted(maps.Keys(touched)) {
		if err := r.write(id, r.tasks[id]); err != nil {
			for i := range results {
				if results[i].Key.TaskID == id && results[i].Err == "" {
					results[i].Err = err.Error()
				}
			}
		}
	}
	return results, ctx.Err()
}

// Withdraw removes endpoints; a task with none left loses its member.
// Unknown keys succeed.
func (r *Registry) Withdraw(ctx context.Context, keys []EndpointKey) ([]EndpointResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	results := make([]EndpointResult, len(keys))
	touched := map[string]bool{}
	for i, k := range keys {
		results[i].Key = k
		if m := r.tasks[k.TaskID]; m != nil {
			delete(m.endpoints, k.PortName)
			touched[k.TaskID] = true
		}
	}
	for id := range touched {
		m := r.tasks[id]
		var err error
		if len(m.endpoints) == 0 {
			delete(r.tasks, id)
			if m.node != "" && r.conn != nil {
				if err = r.conn.Delete(m.node, -1); errors.Is(err, zk.ErrNoNode) {
					err = nil
				}
			}
			if err == nil {
				r.logger.Info("withdrew serverset member", "task_id", id, "member", m.node)
			}
		} else {
			err = r.write(id, m)
		}
		if err != nil {
			for i := range results {
				if results[i].Key.TaskID == id {
					results[i].Err = err.Error()
				}
			}
		}
	}
	return results, ctx.Err()
}

// List returns the endpoints announced by owner ("" for all), sorted by
// key.
func (r *Registry) List(_ context.Context, owner string) ([]Endpoint, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Endpoint
	for _, m := range r.tasks {
		for _, ep := range m.endpoints {
			if owner == "" || ep.Owner == owner {
				out = append(out, ep)
			}
		}
	}
	slices.SortFunc(out, func(a, b Endpoint) int {
		if c := strings.Compare(a.Key.TaskID, b.Key.TaskID); c != 0 {
			return c
		}
		return strings.Compare(a.Key.PortName, b.Key.PortName)
	})
	return out, nil
}

// Members returns the znode of each announced task, for tests and status.
func (r *Registry) Members() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]string{}
	for id, m := range r.tasks {
		out[id] = m.node
	}
	return out
}

// Close ends the session: every member disappears at once.
func (r *Registry) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	conn, stop, done := r.conn, r.stop, r.done
	r.mu.Unlock()
	if conn == nil {
		return
	}
	close(stop)
	<-done
	conn.Close()
}

// instance builds a member's data from its endpoints.
func instance(m *member) serverset.Member {
	si := serverset.Member{AdditionalEndpoints: map[string]serverset.Endpoint{}, Status: serverset.StatusAlive}
	names := slices.Sorted(maps.Keys(m.endpoints))
	for _, name := range names {
		ep := m.endpoints[name]
		hp := serverset.Endpoint{Host: ep.Host, Port: int(ep.Port)}
		si.AdditionalEndpoints[name] = hp
		if si.ServiceEndpoint.Host == "" {
			si.ServiceEndpoint = hp
		}
		shard := ep.Instance
		si.Shard = &shard
	}
	for _, name := range names { // an explicit primary wins over the first
		if ep := m.endpoints[name]; ep.Metadata[MetaPrimary] == "true" {
			si.ServiceEndpoint = serverset.Endpoint{Host: ep.Host, Port: int(ep.Port)}
		}
	}
	return si
}

// write creates the task's member or updates its data. Callers hold mu.
func (r *Registry) write(taskID string, m *member) error {
	si := instance(m)
	data, err := json.Marshal(si)
	if err != nil {
		return err
	}
	if m.node != "" {
		_, err := r.conn.Set(m.node, data, -1)
		if err == nil {
			return nil
		}
		if !errors.Is(err, zk.ErrNoNode) {
			return fmt.Errorf("update serverset member %s: %w", m.node, err)
		}
		m.node = "" // gone: create it again
	}
	node, err := serverset.Join(r.conn, m.dir, si)
	if err != nil {
		return err
	}
	m.node = node
	r.logger.Info("announced serverset member", "task_id", taskID, "member", node, "data", string(data))
	return nil
}

// maintain re-creates members that vanished: deleted by someone else, or
// lost with an expired session.
func (r *Registry) maintain() {
	defer close(r.done)
	ticker := time.NewTicker(checkInterval)
	defer ticker.Stop()
	for {
		select {
		case <-r.stop:
			return
		case ev, ok := <-r.events:
			if !ok {
				return
			}
			if ev.State == zk.StateExpired {
				r.logger.Warn("ZooKeeper session expired; members will be announced again")
			}
			if ev.State != zk.StateHasSession {
				continue
			}
		case <-ticker.C:
		}
		r.repair()
	}
}

func (r *Registry) repair() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn == nil || r.conn.State() != zk.StateHasSession {
		return
	}
	for _, id := range slices.Sorted(maps.Keys(r.tasks)) {
		m := r.tasks[id]
		if m.node != "" {
			exists, _, err := r.conn.Exists(m.node)
			if err != nil || exists {
				continue
			}
			r.logger.Warn("serverset member vanished; announcing again", "task_id", id, "member", m.node)
			m.node = ""
		}
		if err := r.write(id, m); err != nil {
			r.logger.Warn("re-announcing failed", "task_id", id, "error", err)
		}
	}
}
