//go:build linux

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/aurora-go/aurora/internal/zktest"
)

// The leader publishes itself in ZooKeeper as an Aurora serverset member;
// clients find it through clusters.json (zk + scheduler_zk_path); after a
// SIGKILL of the leader the member belongs to the new one.
func TestHALeaderAnnouncedInZooKeeper(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four processes and ZooKeeper")
	}
	zks := zktest.Start(t)
	const path = "/aurora/scheduler"
	h := startHAWith(t, 3, nil, "", fmt.Sprintf("zookeeper {\n  servers = [%q]\n  serverset_path = %q\n  session_timeout = \"4s\"\n}\n", zks.Addr(), path))
	conn, _, err := zk.Connect(zks.Servers(), 10*time.Second, zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	member := func() (string, map[string]interface{}) {
		children, _, err := conn.Children(path)
		if err != nil || len(children) != 1 || !strings.HasPrefix(children[0], "member_") {
			return "", nil
		}
		data, _, err := conn.Get(path + "/" + children[0])
		if err != nil {
			return "", nil
		}
		var m map[string]interface{}
		if json.Unmarshal(data, &m) != nil {
			return "", nil
		}
		ep := m["additionalEndpoints"].(map[string]interface{})["http"].(map[string]interface{})
		return fmt.Sprintf("%v:%v", ep["host"], ep["port"]), m
	}
	leader := h.leader(30 * time.Second)
	var m map[string]interface{}
	waitFor(t, 20*time.Second, "the leader's serverset member", func() bool {
		addr, got := member()
		m = got
		return addr == leader.httpAddr
	})
	if m["status"] != "ALIVE" || m["serviceEndpoint"] == nil {
		t.Fatalf("member is not Aurora's serverset JSON: %v", m)
	}

	// A client resolves the cluster through clusters.json.
	root := t.TempDir()
	clusters := fmt.Sprintf(`[{"name": "ha", "zk": %q, "scheduler_zk_path": %q}]`, zks.Addr(), path)
	if err := os.WriteFile(filepath.Join(root, "clusters.json"), []byte(clusters), 0o644); err != nil {
		t.Fatal(err)
	}
	getScheduler := func() string {
		cmd := exec.Command(aurora, "admin", "get_scheduler", "ha")
		cmd.Env = append(os.Environ(), "AURORA_CONFIG_ROOT="+root, "HOME="+t.TempDir())
		out, err := cmd.Output()
		if err != nil {
			return ""
		}
		var info struct {
			LeaderID string `json:"leader_id"`
		}
		_ = json.Unmarshal(out, &info)
		return info.LeaderID
	}
	if id := getScheduler(); id != leader.id {
		t.Fatalf("get_scheduler through clusters.json = %q, want %s", id, leader.id)
	}

	// SIGKILL the leader: its ephemeral member goes with its session, and
	// the new leader announces itself.
	leader.kill()
	next := h.leader(30 * time.Second)
	waitFor(t, 30*time.Second, "the new leader's member", func() bool {
		addr, _ := member()
		return addr == next.httpAddr
	})
	if id := getScheduler(); id != next.id {
		t.Fatalf("get_scheduler after failover = %q, want %s", id, next.id)
	}
}
