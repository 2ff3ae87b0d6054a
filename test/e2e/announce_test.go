//go:build linux

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/aurora-go/aurora/internal/zktest"
)

// readyServer answers GET /health with ok once the sandbox holds "ready".
const readyServer = `exec python3 - {{thermos.ports[health]}} <<'PY'
import http.server, os, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def do_GET(self):
        ready = os.path.exists("ready")
        self.send_response(200 if ready else 503)
        self.end_headers()
        self.wfile.write(b"ok" if ready else b"not yet")
    def do_POST(self):
        self.send_response(200)
        self.end_headers()
http.server.ThreadingHTTPServer(("", int(sys.argv[1])), Handler).serve_forever()
PY`

type serversetMember struct {
	ServiceEndpoint     hostPort            `json:"serviceEndpoint"`
	AdditionalEndpoints map[string]hostPort `json:"additionalEndpoints"`
	Status              string              `json:"status"`
	Shard               *int                `json:"shard"`
}

type hostPort struct {
	Host string `json:"host"`
	Port int    `json:"port"`
}

// executorOf returns the pid of the `aurora executor` whose working
// directory is sandbox.
func executorOf(sandbox string) int {
	for _, pid := range processesWith(" executor") {
		raw, err := os.ReadFile(filepath.Join("/proc", itoa(pid), "cmdline"))
		if err != nil {
			continue
		}
		args := bytes.Split(bytes.TrimRight(raw, "\x00"), []byte{0})
		cwd, _ := os.Readlink(filepath.Join("/proc", itoa(pid), "cwd"))
		if len(args) == 2 && string(args[1]) == "executor" && cwd == sandbox {
			return pid
		}
	}
	return 0
}

func TestAnnouncedServiceInZooKeeper(t *testing.T) {
	zks := zktest.Start(t)
	settings := fmt.Sprintf("executor {\n  announcer_zk = [%q]\n  announcer_session_timeout = \"2s\"\n}\n", zks.Addr())
	dev := startDevSettings(t, t.TempDir(), settings)
	conn, _, err := zk.Connect(zks.Servers(), 10*time.Second, zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const path = "/aurora/www-data/prod/announced"
	const key = "local/www-data/prod/announced"
	members := func() map[string]serversetMember {
		children, _, err := conn.Children(path)
		if err != nil && err != zk.ErrNoNode {
			t.Fatal(err)
		}
		out := map[string]serversetMember{}
		for _, c := range children {
			data, _, err := conn.Get(path + "/" + c)
			if err != nil {
				continue
			}
			var m serversetMember
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatalf("member %s: %v: %s", c, err, data)
			}
			out[c] = m
		}
		return out
	}

	job := filepath.Join(t.TempDir(), "announced.hcl")
	src := fmt.Sprintf(`job "announced" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  service     = true
  health_check {
    initial_interval = "30s"
    interval         = "250ms"
  }
  lifecycle {
    http {
      graceful_shutdown_wait = "300ms"
      shutdown_wait          = "300ms"
    }
  }
  announce {
    primary_port = "http"
    portmap = {
      aurora = "http"
    }
  }
  task {
    resources {
      cpu   = 0.1
      ram   = "32MB"
      disk  = "16MB"
      ports = ["http", "health"]
    }
    process "server" {
      cmdline = %q
    }
  }
}
`, readyServer)
	if err := os.WriteFile(job, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	dev.mustRun(t, "job", "run", "-detach", job)
	var x task
	waitFor(t, 30*time.Second, "the task STARTING in a sandbox", func() bool {
		x = latest(dev.status(t, key), 0)
		return x.Status == "STARTING" && x.Sandbox != ""
	})
	time.Sleep(time.Second) // several failed checks
	if m := members(); len(m) != 0 {
		t.Fatalf("members while the task is not healthy: %v", m)
	}
	if err := os.WriteFile(filepath.Join(x.Sandbox, "ready"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var member string
	var got serversetMember
	waitFor(t, 15*time.Second, "the healthy task's serverset member", func() bool {
		for name, m := range members() {
			member, got = name, m
		}
		return member != ""
	})
	x = latest(dev.status(t, key), 0)
	if x.Status != "RUNNING" {
		t.Fatalf("announced task is %s, want RUNNING", x.Status)
	}
	http, health := int(x.Ports["http"]), int(x.Ports["health"])
	if !strings.HasPrefix(member, "member_") || got.Status != "ALIVE" || got.Shard == nil || *got.Shard != 0 ||
		got.ServiceEndpoint != (hostPort{x.Host, http}) ||
		got.AdditionalEndpoints["http"] != (hostPort{x.Host, http}) ||
		got.AdditionalEndpoints["aurora"] != (hostPort{x.Host, http}) ||
		got.AdditionalEndpoints["health"] != (hostPort{x.Host, health}) {
		t.Fatalf("member %s = %+v; want the serverset format with host %s, http %d, health %d, shard 0", member, got, x.Host, http, health)
	}

	// kill -9 of the executor: the member goes with its session.
	pid := executorOf(x.Sandbox)
	if pid == 0 {
		t.Fatalf("no aurora executor runs in %s", x.Sandbox)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	waitFor(t, 10*time.Second, "the member of the killed executor to disappear", func() bool {
		_, ok := members()[member]
		return !ok
	})
	if took := time.Since(killed); took > 2*time.Second+2*time.Second {
		t.Fatalf("the member outlived its executor by %v; the session timeout is 2s", took)
	}
	t.Logf("member gone %v after kill -9 of the executor (session timeout 2s)", time.Since(killed).Round(10*time.Millisecond))

	// The replacement announces itself once healthy; job kill withdraws it.
	waitFor(t, 60*time.Second, "the replacement RUNNING", func() bool {
		y := latest(dev.status(t, key), 0)
		if y.ID != x.ID && y.Sandbox != "" {
			_ = os.WriteFile(filepath.Join(y.Sandbox, "ready"), nil, 0o644)
		}
		return y.ID != x.ID && y.Status == "RUNNING"
	})
	waitFor(t, 15*time.Second, "the replacement's member", func() bool { return len(members()) == 1 })
	dev.mustRun(t, "job", "kill", key)
	if m := members(); len(m) != 0 {
		t.Fatalf("members after job kill: %v", m)
	}
}
