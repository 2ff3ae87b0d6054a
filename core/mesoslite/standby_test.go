package mesoslite

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/internal/zktest"
)

func TestStandbyMasterRedirectsToTheLeader(t *testing.T) {
	cfg := testConfig(t)
	cfg.Masters = 2
	c := startCluster(t, cfg)
	urls := c.MasterURLs()
	if len(urls) != 2 || c.MasterURL() != urls[0] {
		t.Fatalf("masters %v, leader %s", urls, c.MasterURL())
	}
	checkRedirects(t, urls[1], urls[0])
	s := subscribe(t, c, bothCodecs[0], testFrameworkInfo())
	s.awaitOffer()

	before, _ := c.State(context.Background())
	if err := c.FailoverMaster(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.awaitEnd()
	if c.MasterURL() != urls[1] {
		t.Fatalf("leader after failover %s, want %s", c.MasterURL(), urls[1])
	}
	checkRedirects(t, urls[0], urls[1])
	after, _ := c.State(context.Background())
	if after.MasterID == before.MasterID {
		t.Errorf("the new leader kept the master id %s", after.MasterID)
	}
	s2 := subscribe(t, c, bothCodecs[0], testFrameworkInfo())
	if got := s2.backlog[0].Subscribed.MasterInfo; got.GetID() != after.MasterID || got.GetAddress().GetPort() != int32(port(t, urls[1])) {
		t.Errorf("SUBSCRIBED master_info %v, want id %s on %s", got, after.MasterID, urls[1])
	}
	s2.awaitOffer()
}

// checkRedirects checks that the standby answers the scheduler API and
// /redirect with 307 to the leader, and that the leader answers /redirect
// with itself.
func checkRedirects(t *testing.T, standby, leader string) {
	t.Helper()
	authority := strings.TrimPrefix(leader, "http://")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(body string) *http.Response {
		t.Helper()
		r, _ := http.NewRequest(http.MethodPost, standby+"/api/v1/scheduler", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		resp, err := noFollow.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := post(`{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"}}}`)
	if loc := resp.Header.Get("Location"); resp.StatusCode != 307 || loc != "//"+authority+"/api/v1/scheduler" {
		t.Errorf("standby SUBSCRIBE: %d %q, want 307 //%s/api/v1/scheduler", resp.StatusCode, loc, authority)
	}
	if resp = post(`{"type":"DECLINE","framework_id":{"value":"f"},"decline":{"offer_ids":[]}}`); resp.StatusCode != 307 {
		t.Errorf("standby DECLINE: %d, want 307", resp.StatusCode)
	}
	for _, base := range []string{standby, leader} {
		r, err := noFollow.Get(base + "/redirect")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if loc := r.Header.Get("Location"); r.StatusCode != 307 || loc != "//"+authority {
			t.Errorf("GET %s/redirect: %d %q, want 307 //%s", base, r.StatusCode, loc, authority)
		}
	}
}

func port(t *testing.T, url string) int {
	t.Helper()
	i := strings.LastIndexByte(url, ':')
	p, err := strconv.Atoi(url[i+1:])
	if err != nil {
		t.Fatalf("no port in %s", url)
	}
	return p
}

func TestMastersContendInZooKeeper(t *testing.T) {
	srv := zktest.Start(t)
	cfg := testConfig(t)
	cfg.Masters = 2
	cfg.ZooKeeper = &ZooKeeperConfig{Servers: srv.Servers(), Path: "/aurora/mesos"}
	c := startCluster(t, cfg)
	conn, _, err := zk.Connect(srv.Servers(), 5*time.Second, zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	st, _ := c.State(context.Background())
	leader, members := detectLeader(t, conn, "/aurora/mesos")
	if members != 2 {
		t.Errorf("%d json.info_ members, want 2", members)
	}
	checkPublished(t, leader, st.MasterID, c.MasterURL())
	// The published JSON is MasterInfo as Mesos writes it.
	var raw map[string]any
	_ = json.Unmarshal(leader.raw, &raw)
	for _, k := range []string{"id", "ip", "port", "pid", "hostname", "version", "address", "capabilities"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("published MasterInfo has no %q: %s", k, leader.raw)
		}
	}

	if err := c.FailoverMaster(context.Background()); err != nil {
		t.Fatal(err)
	}
	st2, _ := c.State(context.Background())
	leader2, members := detectLeader(t, conn, "/aurora/mesos")
	if members != 2 {
		t.Errorf("%d json.info_ members after failover, want 2", members)
	}
	if st2.MasterID == st.MasterID || leader2.node == leader.node {
		t.Errorf("leadership did not move: %s in %s", st2.MasterID, leader2.node)
	}
	checkPublished(t, leader2, st2.MasterID, c.MasterURL())
	s := subscribe(t, c, bothCodecs[0], testFrameworkInfo())
	s.awaitOffer()
}

type published struct {
	node string
	raw  []byte
	info mesos.MasterInfo
}

// detectLeader is the Mesos leader detector: the json.info_ child with the
// smallest sequence.
func detectLeader(t *testing.T, conn *zk.Conn, path string) (published, int) {
	t.Helper()
	children, _, err := conn.Children(path)
	if err != nil {
		t.Fatalf("children of %s: %v", path, err)
	}
	var seqs []string
	for _, ch := range children {
		if strings.HasPrefix(ch, "json.info_") {
			if n := strings.TrimPrefix(ch, "json.info_"); len(n) != 10 {
				t.Errorf("znode %s has no 10-digit sequence", ch)
			}
			seqs = append(seqs, ch)
		}
	}
	if len(seqs) == 0 {
		t.Fatalf("no json.info_ members under %s: %v", path, children)
	}
	sort.Strings(seqs)
	data, _, err := conn.Get(path + "/" + seqs[0])
	if err != nil {
		t.Fatal(err)
	}
	p := published{node: seqs[0], raw: data}
	if err := json.Unmarshal(data, &p.info); err != nil {
		t.Fatalf("leader data %s: %v", data, err)
	}
	return p, len(seqs)
}

func checkPublished(t *testing.T, p published, masterID, url string) {
	t.Helper()
	addr := p.info.GetAddress()
	got := "http://" + addr.GetIP() + ":" + strconv.Itoa(int(addr.GetPort()))
	if p.info.ID != masterID || got != url || p.info.GetHostname() == "" {
		t.Errorf("leader in ZooKeeper is %s at %s, want %s at %s", p.info.ID, got, masterID, url)
	}
}
