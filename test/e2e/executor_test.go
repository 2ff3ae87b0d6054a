//go:build linux

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serverCmdline runs a small HTTP server on the health port that answers
// GET with status and "ok", records every POST path in lifecycle.log, and
// has a child (sleep 1007) in its process group.
func serverCmdline(status int) string {
	return fmt.Sprintf(`sleep 1007 &
exec python3 - {{thermos.ports[health]}} %d <<'PY'
import http.server, sys
status = int(sys.argv[2])
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def do_GET(self):
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")
    def do_POST(self):
        with open("lifecycle.log", "a") as f:
            f.write(self.path + "\n")
        self.send_response(200)
        self.end_headers()
http.server.ThreadingHTTPServer(("", int(sys.argv[1])), Handler).serve_forever()
PY`, status)
}

// writeServiceJob writes a service whose health check and lifecycle use
// the health port, with short intervals and waits.
func writeServiceJob(t *testing.T, name, healthCheck, cmdline string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".hcl")
	src := fmt.Sprintf(`job %q {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  service     = true
  health_check {
    initial_interval         = "1s"
    interval                 = "250ms"
    timeout                  = "1s"
    max_consecutive_failures = 1
    %s
  }
  lifecycle {
    http {
      port                   = "health"
      graceful_shutdown_wait = "700ms"
      shutdown_wait          = "700ms"
    }
  }
  task {
    resources {
      cpu   = 0.1
      ram   = "32MB"
      disk  = "16MB"
      ports = ["health"]
    }
    process "server" {
      cmdline = %q
    }
  }
}
`, name, healthCheck, cmdline)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const httpCheck = `http {
      port              = "health"
      endpoint          = "/health"
      expected_response = "ok"
    }`

func eventMessage(x task, status string) (string, bool) {
	for _, e := range x.Events {
		if e.Status == status {
			return e.Message, true
		}
	}
	return "", false
}

func TestHealthChecksAndGracefulShutdown(t *testing.T) {
	dataDir := t.TempDir()
	dev := startDev(t, dataDir)

	t.Run("a healthy service is RUNNING once healthy and a kill goes through the lifecycle endpoints", func(t *testing.T) {
		const key = "local/www-data/prod/healthy"
		dev.mustRun(t, "job", "run", "-wait-timeout", "60s", writeServiceJob(t, "healthy", httpCheck, serverCmdline(200)))
		x := latest(dev.status(t, key), 0)
		if x.Status != "RUNNING" {
			t.Fatalf("task = %+v, want RUNNING", x)
		}
		if _, ok := eventMessage(x, "STARTING"); !ok {
			t.Fatalf("events %+v: want STARTING before RUNNING", x.Events)
		}
		if msg, _ := eventMessage(x, "RUNNING"); msg != "Task is healthy." {
			t.Fatalf("RUNNING message %q, want the health checker's", msg)
		}
		var status struct {
			Health string `json:"health"`
			State  string `json:"state"`
		}
		b, err := os.ReadFile(filepath.Join(x.Sandbox, ".aurora", "task.json"))
		if err != nil || json.Unmarshal(b, &status) != nil || status.Health != "healthy" || status.State != "TASK_RUNNING" {
			t.Fatalf("status file = %s (%v), want healthy and TASK_RUNNING", b, err)
		}
		if n := len(processesUnder(x.Sandbox, "sleep 1007")); n != 1 {
			t.Fatalf("%d children of the server before kill, want 1", n)
		}

		began := time.Now()
		dev.mustRun(t, "job", "kill", key)
		took := time.Since(began)
		if s := latest(dev.status(t, key), 0).Status; s != "KILLED" {
			t.Fatalf("task is %s after kill, want KILLED", s)
		}
		log, _ := os.ReadFile(filepath.Join(x.Sandbox, "lifecycle.log"))
		if string(log) != "/quitquitquit\n/abortabortabort\n" {
			t.Fatalf("lifecycle calls = %q, want /quitquitquit then /abortabortabort", log)
		}
		if took < 1400*time.Millisecond {
			t.Fatalf("kill took %v; the server ignores both endpoints, so both waits (1.4s) must pass before SIGTERM", took)
		}
		waitFor(t, 10*time.Second, "no process of the killed task", func() bool {
			return len(processesUnder(x.Sandbox, "sleep 1007"))+len(processesUnder(x.Sandbox, "python3")) == 0
		})
	})

	t.Run("a service answering 500 is killed and replaced", func(t *testing.T) {
		const key = "local/www-data/prod/sick"
		dev.mustRun(t, "job", "run", "-detach", writeServiceJob(t, "sick", httpCheck, serverCmdline(500)))
		var failed task
		waitFor(t, 60*time.Second, "a FAILED task for its health and a replacement", func() bool {
			st := dev.status(t, key)
			failed = task{}
			for _, x := range st.Tasks {
				if msg, _ := eventMessage(x, "FAILED"); x.Status == "FAILED" && strings.Contains(msg, "Failed health check!") {
					failed = x
				}
			}
			return failed.ID != "" && latest(st, 0).ID != failed.ID
		})
		for _, x := range dev.status(t, key).Tasks {
			if x.ID == failed.ID {
				continue
			}
			if x.Status == "RUNNING" {
				t.Fatalf("replacement %s is RUNNING although /health answers 500", x.ID)
			}
		}
		msg, _ := eventMessage(failed, "FAILED")
		if !strings.Contains(msg, "expected \"ok\", got \"\"") {
			t.Fatalf("FAILED message %q should say what the check saw", msg)
		}
		waitFor(t, 10*time.Second, "no process of the unhealthy task", func() bool {
			return len(processesUnder(failed.Sandbox, "sleep 1007")) == 0
		})
		dev.mustRun(t, "job", "kill", key)
	})

	t.Run("a shell health check binds the task's ports", func(t *testing.T) {
		const key = "local/www-data/prod/shellcheck"
		check := `shell {
      command = "exec 3<>/dev/tcp/127.0.0.1/{{thermos.ports[health]}}"
    }`
		dev.mustRun(t, "job", "run", "-wait-timeout", "60s", writeServiceJob(t, "shellcheck", check, serverCmdline(200)))
		if x := latest(dev.status(t, key), 0); x.Status != "RUNNING" {
			t.Fatalf("task = %s, want RUNNING through the shell check", x.Status)
		}
		dev.mustRun(t, "job", "kill", key)
	})
}
