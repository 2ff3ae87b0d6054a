//go:build linux

package e2e

import (
	"os"
	"strings"
	"testing"
	"time"
)

// On `aurora dev -agents 5`, host limit:1 puts 5 instances on 5 distinct
// agents; a sixth instance stays PENDING and `aurora job status` says why.
func TestHostLimitSpreadsOverFiveAgents(t *testing.T) {
	dev := startDev(t, t.TempDir(), "-agents", "5")
	job := writeJob(t, "spread", true, 6, "while true; do sleep 5; done # spread-marker")
	b, _ := os.ReadFile(job)
	withLimit := strings.Replace(string(b), "  instances   = 6\n", "  instances   = 6\n  constraints = { host = \"limit:1\" }\n", 1)
	if err := os.WriteFile(job, []byte(withLimit), 0o644); err != nil {
		t.Fatal(err)
	}
	dev.mustRun(t, "job", "run", "-detach", job)

	const key = "local/www-data/prod/spread"
	var st jobStatus
	waitFor(t, 90*time.Second, "5 instances RUNNING", func() bool {
		st = dev.status(t, key)
		running := 0
		for _, task := range st.Tasks {
			if task.Status == "RUNNING" {
				running++
			}
		}
		return running == 5
	})
	hosts := map[string]bool{}
	var pending *task
	for i, task := range st.Tasks {
		switch task.Status {
		case "RUNNING":
			if hosts[task.Host] {
				t.Fatalf("two instances on %s despite host limit:1", task.Host)
			}
			hosts[task.Host] = true
		case "PENDING":
			pending = &st.Tasks[i]
		}
	}
	if len(hosts) != 5 || pending == nil {
		t.Fatalf("hosts %v, pending %v: want 5 distinct agents and one PENDING", hosts, pending)
	}
	// The sixth stays PENDING, and status says why.
	var out string
	waitFor(t, 30*time.Second, "status to explain the pending instance", func() bool {
		out = dev.mustRun(t, "job", "status", key)
		return strings.Contains(out, "PENDING") && strings.Contains(out, "Limit not satisfied: host")
	})
	if n := strings.Count(out, "RUNNING"); n != 5 {
		t.Fatalf("%d RUNNING after waiting, want still 5:\n%s", n, out)
	}
	dev.mustRun(t, "job", "kill", key)
}
