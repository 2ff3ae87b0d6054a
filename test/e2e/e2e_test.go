//go:build linux

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// processesUnder returns pids whose command line contains marker and whose
// working directory is inside dir.
func processesUnder(dir, marker string) []int {
	var out []int
	for _, pid := range processesWith(marker) {
		cwd, err := os.Readlink(filepath.Join("/proc", itoa(pid), "cwd"))
		if err == nil && strings.HasPrefix(cwd, dir) {
			out = append(out, pid)
		}
	}
	return out
}

func latest(st jobStatus, instance int) task {
	var t task
	for _, x := range st.Tasks {
		if x.Instance == instance {
			t = x // tasks are sorted oldest first per instance
		}
	}
	return t
}

// The walking skeleton's path: run, status, stdout, restart, kill.
func TestHelloRunStatusRestartKill(t *testing.T) {
	dataDir := t.TempDir()
	dev := startDev(t, dataDir)
	const key = "local/www-data/prod/hello"

	start := time.Now()
	dev.mustRun(t, "job", "run", "../../examples/hello.hcl")
	st := dev.status(t, key)
	first := latest(st, 0)
	if first.Status != "RUNNING" || first.Host == "" || first.ID == "" || first.Sandbox == "" {
		t.Fatalf("instance 0 after job run = %+v, want RUNNING with host, task id and sandbox", first)
	}
	stdout := filepath.Join(first.Sandbox, ".logs", "hello", "0", "stdout")
	waitFor(t, 15*time.Second-time.Since(start), "hello world in "+stdout, func() bool {
		b, _ := os.ReadFile(stdout)
		return strings.Contains(string(b), "hello world")
	})

	// SIGTERM and start again on the same data dir.
	dev.stop()
	if n := len(processesUnder(dataDir, "hello world")); n != 0 {
		t.Fatalf("%d task processes survived SIGTERM of aurora dev", n)
	}
	dev = startDev(t, dataDir)
	waitFor(t, 30*time.Second, "instance 0 running again after restart", func() bool {
		return latest(dev.status(t, key), 0).Status == "RUNNING"
	})
	waitFor(t, 10*time.Second, "exactly one copy of the task", func() bool {
		return len(processesUnder(dataDir, "hello world")) == 1
	})
	time.Sleep(2 * time.Second)
	if n := len(processesUnder(dataDir, "hello world")); n != 1 {
		t.Fatalf("%d copies of the task are running after restart, want 1", n)
	}
	running := 0
	for _, x := range dev.status(t, key).Tasks {
		if x.Status == "RUNNING" {
			running++
		}
	}
	if running != 1 {
		t.Fatalf("%d RUNNING tasks after restart, want 1", running)
	}

	// Kill: KILLED, and no process left.
	dev.mustRun(t, "job", "kill", key)
	for _, x := range dev.status(t, key).Tasks {
		if x.Status == "RUNNING" || x.Status == "KILLING" {
			t.Fatalf("task %s is %s after job kill returned", x.ID, x.Status)
		}
	}
	if last := latest(dev.status(t, key), 0); last.Status != "KILLED" {
		t.Fatalf("newest task after kill is %s, want KILLED", last.Status)
	}
	waitFor(t, 10*time.Second, "no task process left after kill", func() bool {
		return len(processesUnder(dataDir, "hello world")) == 0
	})
}

func TestSchedulerBehaviour(t *testing.T) {
	dataDir := t.TempDir()
	dev := startDev(t, dataDir)

	t.Run("malformed spec names file:line:col and creates nothing", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.hcl")
		src := "job \"bad\" {\n  cluster = \"local\"\n  role = \"www-data\"\n  environment = \"prod\"\n  instances = \"many\"\n}\n"
		if err := os.WriteFile(bad, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, stderr, code := dev.run("job", "run", bad)
		if code == 0 {
			t.Fatal("job run of a malformed file exited 0")
		}
		if !strings.Contains(stderr, bad+":5:") {
			t.Fatalf("error does not name %s:5:COL:\n%s", bad, stderr)
		}
		if out := dev.mustRun(t, "job", "list"); strings.TrimSpace(out) != "" {
			t.Fatalf("a malformed job created something: %q", out)
		}
	})

	t.Run("a failing service process is replaced", func(t *testing.T) {
		job := writeJob(t, "flaky", true, 1, "sleep 2; exit 3 # flaky-marker")
		dev.mustRun(t, "job", "run", "-detach", job)
		waitFor(t, 60*time.Second, "a FAILED task and a replacement RUNNING", func() bool {
			st := dev.status(t, "local/www-data/prod/flaky")
			failed := map[string]bool{}
			for _, x := range st.Tasks {
				if x.Status == "FAILED" {
					failed[x.ID] = true
				}
			}
			for _, x := range st.Tasks {
				if x.Status == "RUNNING" && !failed[x.ID] && len(failed) > 0 {
					return true
				}
			}
			return false
		})
		dev.mustRun(t, "job", "kill", "local/www-data/prod/flaky")
	})

	t.Run("kill -9 of the constraint plugin does not stop scheduling", func(t *testing.T) {
		plugins := childrenWith(dev.cmd.Process.Pid, "plugin serve constraint/limit")
		if len(plugins) != 1 {
			t.Fatalf("found %d constraint plugin processes under aurora dev, want 1 (a separate child process)", len(plugins))
		}
		if err := syscall.Kill(plugins[0], syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		job := writeJob(t, "after-crash", true, 2, "while true; do echo alive; sleep 5; done # after-crash-marker")
		dev.mustRun(t, "job", "run", "-wait-timeout", "60s", job)
		st := dev.status(t, "local/www-data/prod/after-crash")
		for i := 0; i < 2; i++ {
			if s := latest(st, i).Status; s != "RUNNING" {
				t.Fatalf("instance %d is %s after the plugin crash, want RUNNING", i, s)
			}
		}
		again := childrenWith(dev.cmd.Process.Pid, "plugin serve constraint/limit")
		if len(again) != 1 || again[0] == plugins[0] {
			t.Fatalf("constraint plugin was not restarted: before %v, after %v", plugins, again)
		}
		dev.mustRun(t, "job", "kill", "local/www-data/prod/after-crash")
		waitFor(t, 10*time.Second, "after-crash processes gone", func() bool {
			return len(processesUnder(dataDir, "after-crash-marker")) == 0
		})
	})
}
