package clusters

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/aurora-go/aurora/core/serverset"
)

// Cluster is one entry of clusters.json, with Aurora's field names.
type Cluster struct {
	Name            string `json:"name"`
	ZK              string `json:"zk,omitempty"`
	ZKPort          int    `json:"zk_port,omitempty"`
	SchedulerZKPath string `json:"scheduler_zk_path,omitempty"`
	SchedulerURI    string `json:"scheduler_uri,omitempty"`
}

// Aurora's defaults.
const (
	DefaultZKPort          = 2181
	DefaultSchedulerZKPath = "/twitter/service/mesos/prod/scheduler"
)

// ErrUnknownCluster is returned for a name no clusters.json defines.
var ErrUnknownCluster = errors.New("unknown cluster")

// Load reads clusters.json from the system directory ($AURORA_CONFIG_ROOT
// or /etc/aurora), then the user's ~/.aurora, later entries replacing
// earlier ones of the same name. Missing files are fine.
func Load() (map[string]Cluster, error) {
	root := os.Getenv("AURORA_CONFIG_ROOT")
	if root == "" {
		root = "/etc/aurora"
	}
	paths := []string{filepath.Join(root, "clusters.json")}
	if home, err := os.UserHomeDir(); err == nil {
		paths = append(paths, filepath.Join(home, ".aurora", "clusters.json"))
	}
	out := map[string]Cluster{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		var list []Cluster
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, fmt.Errorf("%s must be a JSON list of clusters: %w", p, err)
		}
		for _, c := range list {
			if c.Name == "" {
				return nil, fmt.Errorf("%s: every cluster needs a name", p)
			}
			out[c.Name] = c
		}
	}
	return out, nil
}

// SchedulerURL finds the cluster's scheduler API: scheduler_uri if set,
// otherwise the leader's serverset member in ZooKeeper.
func (c Cluster) SchedulerURL(timeout time.Duration) (string, error) {
	if c.SchedulerURI != "" {
		return strings.TrimRight(c.SchedulerURI, "/"), nil
	}
	if c.ZK == "" {
		return "", fmt.Errorf("cluster %s has neither scheduler_uri nor zk in clusters.json", c.Name)
	}
	port := c.ZKPort
	if port == 0 {
		port = DefaultZKPort
	}
	var servers []string
	for _, h := range strings.Split(c.ZK, ",") {
		if !strings.Contains(h, ":") {
			h += ":" + strconv.Itoa(port)
		}
		servers = append(servers, h)
	}
	path := c.SchedulerZKPath
	if path == "" {
		path = DefaultSchedulerZKPath
	}
	return Leader(servers, path, timeout)
}

// Leader reads the serverset at path and returns the URL of its first
// member (the lowest sequence number), preferring an https endpoint, then
// http, then the service endpoint, as Aurora's client does.
func Leader(servers []string, path string, timeout time.Duration) (string, error) {
	conn, events, err := zk.Connect(servers, timeout, zk.WithLogInfo(false))
	if err != nil {
		return "", fmt.Errorf("connect to ZooKeeper %v: %w", servers, err)
	}
	defer conn.Close()
	deadline := time.After(timeout)
	for connected := false; !connected; {
		select {
		case ev := <-events:
			connected = ev.State == zk.StateHasSession
		case <-deadline:
			return "", fmt.Errorf("no ZooKeeper session with %v within %s", servers, timeout)
		}
	}
	m, name, err := serverset.First(conn, path)
	if err != nil {
		if errors.Is(err, zk.ErrNoNode) || errors.Is(err, serverset.ErrNoMembers) {
			return "", fmt.Errorf("no scheduler is announced at %s (no leader elected?): %w", path, err)
		}
		return "", err
	}
	u, err := m.URL()
	if err != nil {
		return "", fmt.Errorf("serverset member %s/%s: %w", path, name, err)
	}
	return u, nil
}
