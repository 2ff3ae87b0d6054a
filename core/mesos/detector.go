package mesos

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/hashicorp/go-hclog"
)

// Detector finds the leading Mesos master. Leader returns its scheduler
// base URL and a channel that is closed when leadership moves.
type Detector interface {
	Leader(ctx context.Context) (masterURL string, changed <-chan struct{}, err error)
	Close()
}

// NewDetector parses a master address: http(s)://host:port for a fixed
// master, or zk://host1:2181,host2:2181/mesos for the leader Mesos masters
// elect in ZooKeeper.
func NewDetector(master string, logger hclog.Logger) (Detector, error) {
	if strings.HasPrefix(master, "http://") || strings.HasPrefix(master, "https://") {
		return staticDetector(strings.TrimRight(master, "/")), nil
	}
	if !strings.HasPrefix(master, "zk://") {
		return nil, fmt.Errorf("mesos master %q must be http(s)://host:port or zk://hosts/path", master)
	}
	u, err := url.Parse(master)
	if err != nil || u.Host == "" || u.Path == "" || u.Path == "/" {
		return nil, fmt.Errorf("mesos master %q must be zk://host:port[,host:port]/path", master)
	}
	return &zkDetector{servers: strings.Split(u.Host, ","), path: strings.TrimRight(u.Path, "/"), logger: logger}, nil
}

type staticDetector string

func (s staticDetector) Leader(context.Context) (string, <-chan struct{}, error) {
	return string(s), nil, nil
}

func (staticDetector) Close() {}

// zkDetector reads the masters' group in ZooKeeper (reference mesos.md
// 6.1): members are json.info_<seq> znodes holding MasterInfo as JSON, and
// the smallest sequence leads.
type zkDetector struct {
	servers []string
	path    string
	logger  hclog.Logger
	conn    *zk.Conn
}

// masterInfo is the part of Mesos's MasterInfo JSON the detector needs.
type masterInfo struct {
	Hostname string `json:"hostname"`
	Port     int    `json:"port"`
	Address  struct {
		Hostname string `json:"hostname"`
		IP       string `json:"ip"`
		Port     int    `json:"port"`
	} `json:"address"`
}

func (d *zkDetector) connect() error {
	if d.conn != nil && d.conn.State() != zk.StateDisconnected {
		return nil
	}
	if d.conn != nil {
		d.conn.Close()
	}
	conn, _, err := zk.Connect(d.servers, 10*time.Second, zk.WithLogInfo(false))
	if err != nil {
		return fmt.Errorf("connect to ZooKeeper %v: %w", d.servers, err)
	}
	d.conn = conn
	return nil
}

func (d *zkDetector) Leader(ctx context.Context) (string, <-chan struct{}, error) {
	if err := d.connect(); err != nil {
		return "", nil, err
	}
	children, _, watch, err := d.conn.ChildrenW(d.path)
	if err != nil {
		return "", nil, fmt.Errorf("list Mesos masters at %s: %w", d.path, err)
	}
	var members []string
	for _, c := range children {
		if seq, ok := strings.CutPrefix(c, "json.info_"); ok {
			if _, err := strconv.ParseUint(seq, 10, 64); err == nil {
				members = append(members, c)
			}
		}
	}
	if len(members) == 0 {
		return "", nil, fmt.Errorf("no Mesos master is elected at %s", d.path)
	}
	sort.Slice(members, func(i, j int) bool { return seqOf(members[i]) < seqOf(members[j]) })
	data, _, err := d.conn.Get(d.path + "/" + members[0])
	if err != nil {
		return "", nil, fmt.Errorf("read %s/%s: %w", d.path, members[0], err)
	}
	var mi masterInfo
	if err := json.Unmarshal(data, &mi); err != nil {
		return "", nil, fmt.Errorf("%s/%s is not MasterInfo JSON: %w", d.path, members[0], err)
	}
	host, port := mi.Address.Hostname, mi.Address.Port
	if host == "" {
		host = mi.Address.IP
	}
	if host == "" {
		host = mi.Hostname
	}
	if port == 0 {
		port = mi.Port
	}
	if host == "" || port == 0 {
		return "", nil, fmt.Errorf("MasterInfo in %s/%s names no address", d.path, members[0])
	}
	changed := make(chan struct{})
	go func() {
		select {
		case <-watch:
		case <-ctx.Done():
		}
		close(changed)
	}()
	return fmt.Sprintf("http://%s:%d", host, port), changed, nil
}

func seqOf(member string) uint64 {
	n, _ := strconv.ParseUint(strings.TrimPrefix(member, "json.info_"), 10, 64)
	return n
}

func (d *zkDetector) Close() {
	if d.conn != nil {
		d.conn.Close()
	}
}
