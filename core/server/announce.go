package server

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/serverset"
)

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
	conn, _, err := zk.Connect(servers, sessionTimeout, zk.WithLogger(serverset.Logger(logger)))
	if err != nil {
		return nil, fmt.Errorf("connect to ZooKeeper %v: %w", servers, err)
	}
	ep := serverset.Endpoint{Host: host, Port: port}
	member, err := serverset.Join(conn, path, serverset.Member{
		ServiceEndpoint:     ep,
		AdditionalEndpoints: map[string]serverset.Endpoint{"http": ep},
		Status:              serverset.StatusAlive,
	})
	if err != nil {
		conn.Close()
		return nil, err
	}
	logger.Info("announced leadership in ZooKeeper", "member", member, "endpoint", addr)
	return &announcement{conn: conn, path: member}, nil
}

// withdraw removes the member and closes the session.
func (a *announcement) withdraw() {
	_ = a.conn.Delete(a.path, -1)
	a.conn.Close()
}
