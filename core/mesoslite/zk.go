package mesoslite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/go-zookeeper/zk"
	hclog "github.com/hashicorp/go-hclog"
)

// masterInfoLabel is MASTER_INFO_JSON_LABEL: masters contend as
// EPHEMERAL|SEQUENCE znodes json.info_<10-digit sequence> holding their
// MasterInfo as JSON; the leader is the smallest sequence (mesos.md §6.1).
const masterInfoLabel = "json.info"

// zkContender publishes the master instances' candidacies in ZooKeeper, the
// way Mesos masters contend (src/master/contender/zookeeper.cpp). One
// session holds all of them; the cluster keeps them in leadership order, so
// the smallest sequence is always the cluster's leader. When the session
// expires its nodes are gone; they are created again, in order, as soon as a
// new session is established.
type zkContender struct {
	log     hclog.Logger
	conn    *zk.Conn
	path    string
	members func() []zkMember // the contenders in leadership order

	mu      sync.Mutex
	nodes   map[int]string // instance index → znode path
	expired bool

	done chan struct{} // closed when the event loop ends
}

// zkMember is one contender: a master instance and its MasterInfo JSON.
type zkMember struct {
	index int
	data  []byte
}

type zkLogger struct{ log hclog.Logger }

func (l zkLogger) Printf(format string, args ...any) {
	l.log.Debug(strings.TrimSpace(fmt.Sprintf(format, args...)))
}

// dialZooKeeper connects and waits for a session (bounded by ctx), then
// makes sure the group path exists.
func dialZooKeeper(ctx context.Context, cfg *ZooKeeperConfig, log hclog.Logger, members func() []zkMember) (*zkContender, error) {
	c := &zkContender{log: log, path: cfg.Path, members: members, nodes: map[int]string{}, done: make(chan struct{})}
	session := make(chan struct{}, 1)
	conn, events, err := zk.Connect(cfg.Servers, cfg.SessionTimeout, zk.WithLogger(zkLogger{log}))
	if err != nil {
		return nil, fmt.Errorf("mesoslite: connecting to ZooKeeper %v: %w", cfg.Servers, err)
	}
	c.conn = conn
	go c.watch(events, session)
	select {
	case <-session:
	case <-ctx.Done():
		c.close()
		return nil, fmt.Errorf("mesoslite: no ZooKeeper session with %v: %w", cfg.Servers, ctx.Err())
	}
	if err := c.ensurePath(); err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

// watch follows the session: after an expiry every candidacy is created
// again. It ends when the connection is closed.
func (c *zkContender) watch(events <-chan zk.Event, session chan<- struct{}) {
	defer close(c.done)
	for ev := range events {
		if ev.Type != zk.EventSession {
			continue
		}
		switch ev.State {
		case zk.StateHasSession:
			select {
			case session <- struct{}{}:
			default:
			}
			c.mu.Lock()
			expired := c.expired
			c.expired = false
			c.mu.Unlock()
			if expired {
				c.log.Warn("ZooKeeper session re-established; contending again")
				if err := c.recontend(); err != nil {
					c.log.Error("contending again failed", "error", err)
				}
			}
		case zk.StateExpired:
			c.log.Warn("ZooKeeper session expired; candidacies lost")
			c.mu.Lock()
			c.expired = true
			c.nodes = map[int]string{}
			c.mu.Unlock()
		}
	}
}

func (c *zkContender) ensurePath() error {
	p := ""
	for _, part := range strings.Split(strings.Trim(c.path, "/"), "/") {
		p += "/" + part
		if _, err := c.conn.Create(p, nil, 0, zk.WorldACL(zk.PermAll)); err != nil && !errors.Is(err, zk.ErrNodeExists) {
			return fmt.Errorf("mesoslite: creating ZooKeeper path %s: %w", p, err)
		}
	}
	return nil
}

// contend creates the instance's candidacy, the largest sequence so far.
func (c *zkContender) contend(m zkMember) error {
	node, err := c.conn.Create(c.path+"/"+masterInfoLabel+"_", m.data, zk.FlagEphemeral|zk.FlagSequence, zk.WorldACL(zk.PermAll))
	if err != nil {
		return fmt.Errorf("mesoslite: contending in ZooKeeper: %w", err)
	}
	c.mu.Lock()
	c.nodes[m.index] = node
	c.mu.Unlock()
	c.log.Info("contending for leadership", "znode", node)
	return nil
}

// withdraw deletes the instance's candidacy, as the end of its master
// process would.
func (c *zkContender) withdraw(index int) error {
	c.mu.Lock()
	node, ok := c.nodes[index]
	delete(c.nodes, index)
	c.mu.Unlock()
	if !ok {
		return nil
	}
	if err := c.conn.Delete(node, -1); err != nil && !errors.Is(err, zk.ErrNoNode) {
		return fmt.Errorf("mesoslite: withdrawing %s from ZooKeeper: %w", node, err)
	}
	return nil
}

func (c *zkContender) recontend() error {
	for _, m := range c.members() {
		if err := c.withdraw(m.index); err != nil {
			return err
		}
		if err := c.contend(m); err != nil {
			return err
		}
	}
	return nil
}

// close ends the session, which deletes every candidacy.
func (c *zkContender) close() {
	c.conn.Close()
	<-c.done
}
