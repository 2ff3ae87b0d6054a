package mesos

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/internal/zktest"
)

// publishMaster joins the masters' group as Mesos does: an ephemeral
// sequential json.info_ znode holding MasterInfo JSON.
func publishMaster(t *testing.T, conn *zk.Conn, masterURL string) string {
	t.Helper()
	u, err := url.Parse(masterURL)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(u.Port())
	info, _ := json.Marshal(map[string]interface{}{
		"hostname": u.Hostname(), "port": port, "id": "test",
		"address": map[string]interface{}{"hostname": u.Hostname(), "ip": u.Hostname(), "port": port},
	})
	path, err := conn.Create("/mesos/json.info_", info, zk.FlagEphemeral|zk.FlagSequence, zk.WorldACL(zk.PermAll))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDriverFollowsTheLeaderElectedInZooKeeper(t *testing.T) {
	zks := zktest.Start(t)
	conn, _, err := zk.Connect(zks.Servers(), 10*time.Second, zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Create("/mesos", nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}
	// A replicated-log child that is not a member must be ignored.
	if _, err := conn.Create("/mesos/log_replicas", nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}
	first, second := startCluster(t, nil), startCluster(t, nil)
	firstNode := publishMaster(t, conn, first.MasterURL())
	publishMaster(t, conn, second.MasterURL())

	h := newRecHandler()
	d := New(Config{
		MasterURL: "zk://" + strings.Join(zks.Servers(), ",") + "/mesos", User: "root",
		FailoverTimeout: time.Hour, FrameworkID: func() string { return "" }, Logger: hclog.NewNullLogger(),
	})
	runDriver(t, d, h)
	waitSubscribed(t, h)
	if st, err := first.State(t.Context()); err != nil || len(st.Frameworks) != 1 {
		t.Fatalf("the lowest json.info_ member did not get the subscription: %+v, %v", st.Frameworks, err)
	}

	// The leader leaves the group: the driver subscribes to the next one.
	if err := conn.Delete(firstNode, -1); err != nil {
		t.Fatal(err)
	}
	waitSubscribed(t, h)
	if st, err := second.State(t.Context()); err != nil || len(st.Frameworks) != 1 {
		t.Fatalf("after the leader left, the next master has no subscription: %+v, %v", st.Frameworks, err)
	}
}

func TestNewDetectorRejectsBadAddresses(t *testing.T) {
	for _, bad := range []string{"127.0.0.1:5050", "zk://", "zk://h:2181", "zk://h:2181/"} {
		if _, err := NewDetector(bad, hclog.NewNullLogger()); err == nil {
			t.Errorf("NewDetector(%q) accepted a bad address", bad)
		}
	}
}
