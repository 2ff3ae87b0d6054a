package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/scheduling"
)

func TestLoadExampleConfig(t *testing.T) {
	cfg, err := LoadConfig("../../examples/scheduler.hcl")
	if err != nil {
		t.Fatal(err)
	}
	peers, err := cfg.Raft.peers()
	if err != nil || len(peers) != 3 || peers[1] != (Peer{ID: "sched2", Addr: "10.0.0.12:8300"}) {
		t.Fatalf("peers = %v, %v", peers, err)
	}
	if cfg.ZooKeeper.ServersetPath != "/aurora/scheduler" || mustDuration(cfg.Backup.Interval, 0) != time.Hour || cfg.Backup.Keep != 48 {
		t.Fatalf("config = %+v", cfg)
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{`data_dir = "d"`, `scheduler.hcl:1:1: Missing raft block`},
		{"data_dir = \"d\"\nraft {\n node_id = \"a\"\n bind = \"nope\"\n}\nmesos { master = \"http://m:5050\" }\n", `raft.bind "nope" must be host:port`},
		{"data_dir = \"d\"\nraft {\n node_id = \"a\"\n bind = \"127.0.0.1:1\"\n peers = [\"b=127.0.0.1:2\"]\n}\nmesos { master = \"http://m:5050\" }\n", `must include this replica`},
		{"data_dir = \"d\"\nraft {\n node_id = \"a\"\n bind = \"127.0.0.1:1\"\n}\nmesos { master = \"m:5050\" }\n", `must be http(s)://host:port or zk://hosts/path`},
		{"data_dir = \"d\"\nraft {\n node_id = \"a\"\n bind = \"127.0.0.1:1\"\n}\nmesos { master = \"http://m:5050\" }\nbackup { interval = \"soon\" }\n", `backup.interval "soon"`},
		{"data_dir = \"d\"\nbogus = 1\n", `scheduler.hcl:2:1: Unsupported argument`},
		{"data_dir = \"d\"\nraft {\n node_id = \"a\"\n bind = \"127.0.0.1:1\"\n peers = [\"a=127.0.0.1:1\"]\n discovery = \"zookeeper\"\n bootstrap_expect = 3\n}\nzookeeper { servers = [\"127.0.0.1:2181\"] }\nmesos { master = \"http://m:5050\" }\n",
			`scheduler.hcl:5:2: raft.peers and raft.discovery = "zookeeper" are mutually exclusive`},
		{"data_dir = \"d\"\nraft {\n node_id = \"a\"\n bind = \"127.0.0.1:1\"\n discovery = \"zookeeper\"\n bootstrap_expect = 3\n}\nmesos { master = \"http://m:5050\" }\n",
			`scheduler.hcl:5:2: raft.discovery = "zookeeper" needs a zookeeper block`},
		{"data_dir = \"d\"\nraft {\n node_id = \"a\"\n bind = \"127.0.0.1:1\"\n discovery = \"zookeeper\"\n}\nzookeeper { servers = [\"127.0.0.1:2181\"] }\nmesos { master = \"http://m:5050\" }\n",
			`scheduler.hcl:5:2: raft.discovery = "zookeeper" needs raft.bootstrap_expect`},
		{"data_dir = \"d\"\nraft {\n node_id = \"a\"\n bind = \"127.0.0.1:1\"\n discovery = \"dns\"\n}\nmesos { master = \"http://m:5050\" }\n",
			`scheduler.hcl:5:2: raft.discovery "dns" must be "static" or "zookeeper"`},
		{"data_dir = \"d\"\nraft {\n node_id = \"a\"\n bind = \"127.0.0.1:1\"\n bootstrap_expect = 3\n}\nmesos { master = \"http://m:5050\" }\n",
			`scheduler.hcl:5:2: raft.bootstrap_expect only applies with raft.discovery = "zookeeper"`},
		{"data_dir = \"d\"\nraft {\n node_id = \"a\"\n bind = \"127.0.0.1:1\"\n discovery = \"zookeeper\"\n bootstrap_expect = 3\n}\nzookeeper {\n servers = [\"127.0.0.1:2181\"]\n raft_peers_path = \"peers\"\n}\nmesos { master = \"http://m:5050\" }\n",
			`scheduler.hcl:10:2: zookeeper.raft_peers_path "peers" must start with '/'`},
	}
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "scheduler.hcl")
		if err := os.WriteFile(path, []byte(c.src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadConfig(path)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("config %q: error = %v, want it to contain %q", c.src, err, c.want)
		}
	}
}

func TestZooKeeperDiscoveryConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scheduler.hcl")
	src := `data_dir = "d"
raft {
  node_id          = "a"
  bind             = "127.0.0.1:8300"
  discovery        = "zookeeper"
  bootstrap_expect = 3
}
zookeeper {
  servers        = ["127.0.0.1:2181"]
  serverset_path = "/aurora/prod/scheduler"
}
mesos { master = "http://m:5050" }
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Raft.zookeeperDiscovery() || cfg.Raft.BootstrapExpect != 3 || cfg.ZooKeeper.RaftPeersPath != "/aurora/prod/scheduler/raft-peers" {
		t.Fatalf("raft = %+v, zookeeper = %+v", cfg.Raft, cfg.ZooKeeper)
	}
	if peers, err := cfg.Raft.peers(); err != nil || len(peers) != 1 || peers[0].ID != "a" {
		t.Fatalf("peers = %v, %v", peers, err)
	}
}

func TestExecutorAnnouncerSettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev.hcl")
	src := "executor {\n  announcer_zk = [\"127.0.0.1:2181\", \"127.0.0.2:2181\"]\n  announcer_serverset_path = \"/services\"\n  announcer_allow_custom_serverset_path = true\n  announcer_session_timeout = \"4s\"\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := LoadDevFile(path)
	if err != nil {
		t.Fatal(err)
	}
	env := f.Executor.env()
	want := map[string]string{
		"AURORA_ANNOUNCER_ZK":                "127.0.0.1:2181,127.0.0.2:2181",
		"AURORA_ANNOUNCER_SERVERSET_PATH":    "/services",
		"AURORA_ANNOUNCER_ALLOW_CUSTOM_PATH": "true",
		"AURORA_ANNOUNCER_SESSION_TIMEOUT":   "4s",
	}
	if len(env) != len(want) {
		t.Fatalf("env = %v, want %v", env, want)
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	if (&ExecutorConfig{}).env() != nil {
		t.Error("no announcer_zk: want no environment")
	}
	if err := os.WriteFile(path, []byte("executor {\n  announcer_zk = [\"nohost\"]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDevFile(path); err == nil || !strings.Contains(err.Error(), `announcer_zk entry "nohost"`) {
		t.Fatalf("bad server: err = %v", err)
	}
}

func TestExecutorPluginCacheDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev.hcl")
	if err := os.WriteFile(path, []byte("executor {\n  plugin_cache_dir = \"/var/cache/aurora-plugins\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := LoadDevFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if env := f.Executor.env(); len(env) != 1 || env["AURORA_PLUGIN_CACHE_DIR"] != "/var/cache/aurora-plugins" {
		t.Fatalf("env = %v, want only the plugin cache dir", env)
	}
	if err := os.WriteFile(path, []byte("executor {\n  plugin_cache_dir = \"relative\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDevFile(path); err == nil || !strings.Contains(err.Error(), `executor.plugin_cache_dir "relative" must be an absolute path`) {
		t.Fatalf("relative dir: err = %v", err)
	}
}

func TestSchedulerReviveSettings(t *testing.T) {
	cases := []struct {
		block string
		want  time.Duration
	}{
		{"", 0}, // the scheduler's default
		{`min_revive_offers_interval = "250ms"`, 250 * time.Millisecond},
		{"revive_offers = false\nmin_revive_offers_interval = \"2s\"", -1},
		{"revive_offers = true", 0},
	}
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "dev.hcl")
		if err := os.WriteFile(path, []byte("scheduler {\n"+c.block+"\n}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := LoadDevFile(path)
		if err != nil {
			t.Fatalf("%q: %v", c.block, err)
		}
		var sc scheduling.Config
		f.Scheduler.apply(&sc)
		if sc.ReviveInterval != c.want {
			t.Errorf("%q: ReviveInterval = %v, want %v", c.block, sc.ReviveInterval, c.want)
		}
	}
	path := filepath.Join(t.TempDir(), "dev.hcl")
	if err := os.WriteFile(path, []byte("scheduler {\n  min_revive_offers_interval = \"-1s\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDevFile(path); err == nil || !strings.Contains(err.Error(), `scheduler.min_revive_offers_interval "-1s" must be a positive duration`) {
		t.Errorf("negative interval: error = %v", err)
	}
}
