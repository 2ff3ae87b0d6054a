//go:build linux

package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// parentOf returns the parent pid of pid, 0 if it is gone.
func parentOf(pid int) int {
	stat, err := os.ReadFile(filepath.Join("/proc", itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}

func cmdline(pid int) string {
	raw, _ := os.ReadFile(filepath.Join("/proc", itoa(pid), "cmdline"))
	return string(bytes.ReplaceAll(raw, []byte{0}, []byte{' '}))
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", itoa(pid), "stat"))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

// TestThermosPluginCrashKeepsTheTask kills the thermos plugin process of a
// running task with SIGKILL: the executor restarts the plugin, which
// recovers the task from its checkpoint; the task stays RUNNING with the
// same process, without a new launch, and `job kill` still leaves no
// process behind.
func TestThermosPluginCrashKeepsTheTask(t *testing.T) {
	dataDir := t.TempDir()
	dev := startDev(t, dataDir)
	const key = "local/www-data/prod/survivor"
	dev.mustRun(t, "job", "run", writeJob(t, "survivor", true, 1, "echo $$ > main.pid; exec sleep 1009"))
	var first task
	waitFor(t, 30*time.Second, "the task to run", func() bool {
		first = latest(dev.status(t, key), 0)
		return first.Status == "RUNNING"
	})
	var pid int
	waitFor(t, 10*time.Second, "main.pid", func() bool {
		b, _ := os.ReadFile(filepath.Join(first.Sandbox, "main.pid"))
		pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		return pid > 0
	})

	// The process's parent is its coordinator, whose parent is the plugin.
	coordinator := parentOf(pid)
	plugin := parentOf(coordinator)
	if !strings.Contains(cmdline(plugin), "plugin serve executor/thermos") {
		t.Fatalf("the coordinator's parent %d is %q, want the thermos plugin", plugin, cmdline(plugin))
	}
	executor := parentOf(plugin)
	killedAt := time.Now()
	if err := syscall.Kill(plugin, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// The executor notices on its next call (a status refresh) and starts
	// a new plugin process, which recovers the task.
	var replacement int
	waitFor(t, 30*time.Second, "a new thermos plugin process", func() bool {
		for _, p := range childrenWith(executor, "plugin serve executor/thermos") {
			if p != plugin && alive(p) {
				replacement = p
				return true
			}
		}
		return false
	})
	statusFile := filepath.Join(first.Sandbox, ".aurora", "task.json")
	waitFor(t, 30*time.Second, "the recovered task in "+statusFile, func() bool {
		var st struct {
			Updated   time.Time `json:"updated"`
			TaskState string    `json:"task_state"`
			Processes []struct {
				Name  string
				State string
				PID   int
			} `json:"processes"`
		}
		b, err := os.ReadFile(statusFile)
		if err != nil || json.Unmarshal(b, &st) != nil {
			return false
		}
		return st.TaskState == "ACTIVE" && len(st.Processes) == 1 && st.Processes[0].PID == pid &&
			st.Processes[0].State == "RUNNING" && st.Updated.After(killedAt)
	})
	if !alive(pid) || !alive(coordinator) {
		t.Fatalf("the task's process %d (alive %v) or its coordinator %d (alive %v) died with the plugin",
			pid, alive(pid), coordinator, alive(coordinator))
	}
	st := dev.status(t, key)
	if len(st.Tasks) != 1 || st.Tasks[0].ID != first.ID || st.Tasks[0].Status != "RUNNING" {
		t.Fatalf("tasks after the plugin crash = %+v, want only %s, RUNNING", st.Tasks, first.ID)
	}
	if !alive(replacement) {
		t.Fatalf("the new plugin process %d is gone", replacement)
	}

	dev.mustRun(t, "job", "kill", key)
	if last := latest(dev.status(t, key), 0); last.Status != "KILLED" {
		t.Fatalf("task after kill is %s, want KILLED", last.Status)
	}
	waitFor(t, 10*time.Second, "no task process left after kill", func() bool {
		return !alive(pid) && !alive(coordinator) && len(processesUnder(dataDir, "sleep 1009")) == 0
	})
}
