// Package serverset reads and writes Aurora's service discovery records in
// ZooKeeper: serversets, whose members are ephemeral sequential znodes
// named member_NNNNNNNNNN holding Finagle's ServiceInstance JSON (reference
// mesos.md 6.2). The leading scheduler announces itself this way, clients
// find it this way (clusters.json zk + scheduler_zk_path), and the
// discovery/zookeeper plugin announces tasks this way.
package serverset

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-zookeeper/zk"
	"github.com/hashicorp/go-hclog"
)

// MemberPrefix names every member znode; ZooKeeper appends the sequence.
const MemberPrefix = "member_"

// StatusAlive is the only status Aurora writes.
const StatusAlive = "ALIVE"

// ErrNoMembers is returned by First for a serverset without members.
var ErrNoMembers = errors.New("no members")

// Member is a serverset member's data, in the JSON that Finagle's and
// Aurora's serverset readers expect.
type Member struct {
	ServiceEndpoint     Endpoint            `json:"serviceEndpoint"`
	AdditionalEndpoints map[string]Endpoint `json:"additionalEndpoints"`
	Status              string              `json:"status"`
	Shard               *int32              `json:"shard,omitempty"`
}

// Endpoint is one endpoint of a member.
type Endpoint struct {
	Host string `json:"host"`
	Port int    `json:"port"`
}

// URL is where a client reaches the member over HTTP: the "https"
// endpoint, else "http", else the service endpoint, as Aurora's client
// chooses.
func (m *Member) URL() (string, error) {
	if e, ok := m.AdditionalEndpoints["https"]; ok && e.Host != "" {
		return fmt.Sprintf("https://%s:%d", e.Host, e.Port), nil
	}
	if e, ok := m.AdditionalEndpoints["http"]; ok && e.Host != "" {
		return fmt.Sprintf("http://%s:%d", e.Host, e.Port), nil
	}
	if m.ServiceEndpoint.Host == "" {
		return "", errors.New("the member has no endpoint")
	}
	return fmt.Sprintf("http://%s:%d", m.ServiceEndpoint.Host, m.ServiceEndpoint.Port), nil
}

// Join creates m as an ephemeral member under dir, creating dir's missing
// znodes first, and returns the member's path.
func Join(conn *zk.Conn, dir string, m Member) (string, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	if err := EnsurePath(conn, dir); err != nil {
		return "", err
	}
	node, err := conn.Create(strings.TrimSuffix(dir, "/")+"/"+MemberPrefix, data, zk.FlagEphemeral|zk.FlagSequence, zk.WorldACL(zk.PermAll))
	if err != nil {
		return "", fmt.Errorf("create serverset member under %s: %w", dir, err)
	}
	return node, nil
}

// First reads the member of dir with the lowest sequence number (for the
// scheduler's serverset: the leader) and returns it with its znode name.
func First(conn *zk.Conn, dir string) (Member, string, error) {
	children, _, err := conn.Children(dir)
	if err != nil {
		return Member{}, "", fmt.Errorf("list serverset %s: %w", dir, err)
	}
	var members []string
	for _, c := range children {
		if strings.HasPrefix(c, MemberPrefix) {
			members = append(members, c)
		}
	}
	if len(members) == 0 {
		return Member{}, "", fmt.Errorf("serverset %s: %w", dir, ErrNoMembers)
	}
	sort.Strings(members) // member_<10-digit sequence>
	data, _, err := conn.Get(dir + "/" + members[0])
	if err != nil {
		return Member{}, "", fmt.Errorf("read %s/%s: %w", dir, members[0], err)
	}
	var m Member
	if err := json.Unmarshal(data, &m); err != nil {
		return Member{}, "", fmt.Errorf("serverset member %s/%s is not Aurora's JSON: %w", dir, members[0], err)
	}
	return m, members[0], nil
}

// EnsurePath creates every missing znode of path.
func EnsurePath(conn *zk.Conn, path string) error {
	cur := ""
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		cur += "/" + part
		_, err := conn.Create(cur, nil, 0, zk.WorldACL(zk.PermAll))
		if err != nil && !errors.Is(err, zk.ErrNodeExists) {
			return fmt.Errorf("create znode %s: %w", cur, err)
		}
	}
	return nil
}

// Logger sends the ZooKeeper client's printf logs to l at debug level
// (zk.WithLogger(serverset.Logger(l))).
func Logger(l hclog.Logger) zk.Logger { return zkLogger{l} }

type zkLogger struct{ l hclog.Logger }

func (z zkLogger) Printf(format string, args ...any) {
	z.l.Debug("zookeeper client", "message", fmt.Sprintf(format, args...))
}
