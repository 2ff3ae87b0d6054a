package server

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/hashicorp/go-hclog"
)

// serviceInstance is an Aurora/Finagle serverset member (reference
// mesos.md 6.2).
type serviceInstance struct {
	ServiceEndpoint     endpoint            `json:"serviceEndpoint"`
	AdditionalEndpoints map[string]endpoint `json:"additionalEndpoints"`
	Status              string              `json:"status"`
}

type endpoint struct {
	Host string `json:"host"`
	Port int    `json:"port"`
}

// announcement is the leader's serverset member in ZooKeeper. It is
// ephemeral: it disappears with the session if this process dies.
type announcement struct {
	conn *zk.Conn
	path string
}

// announce publishes addr (host:port) as a member under path.
func announce(servers []string, sessionTimeout time.Duration, path, addr string, logger hclog.Logger) (*announcement, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("advertised address %q: %w", addr, err)
	}
	port, _ := strconv.Atoi(portStr)
	data, err := json.Marshal(serviceInstance{
		ServiceEndpoint:     endpoint{Host: host, Port: port},
		AdditionalEndpoints: map[string]endpoint{"http": {Host: host, Port: port}},
		Status:              "ALIVE",
	})
	if err != nil {
		return nil, err
	}
	conn, _, err := zk.Connect(servers, sessionTimeout, zk.WithLogger(zkLogger{logger}))
	if err != nil {
		return nil, fmt.Errorf("connect to ZooKeeper %v: %w", servers, err)
	}
	if err := ensurePath(conn, path); err != nil {
		conn.Close()
		return nil, err
	}
	member, err := conn.Create(path+"/member_", data, zk.FlagEphemeral|zk.FlagSequence, zk.WorldACL(zk.PermAll))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("create serverset member under %s: %w", path, err)
	}
	logger.Info("announced leadership in ZooKeeper", "member", member, "endpoint", addr)
	return &announcement{conn: conn, path: member}, nil
}

// withdraw removes the member and closes the session.
func (a *announcement) withdraw() {
	_ = a.conn.Delete(a.path, -1)
	a.conn.Close()
}

// ensurePath creates every missing znode of path.
func ensurePath(conn *zk.Conn, path string) error {
	cur := ""
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		cur += "/" + part
		_, err := conn.Create(cur, nil, 0, zk.WorldACL(zk.PermAll))
		if err != nil && err != zk.ErrNodeExists {
			return fmt.Errorf("create znode %s: %w", cur, err)
		}
	}
	return nil
}

// zkLogger sends the ZooKeeper client's printf logs to hclog.
type zkLogger struct{ l hclog.Logger }

func (z zkLogger) Printf(format string, args ...interface{}) {
	z.l.Debug("zookeeper client", "message", fmt.Sprintf(format, args...))
}
