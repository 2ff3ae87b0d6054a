//go:build linux

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildZonespread builds examples/plugins/zonespread, its own module.
func buildZonespread(t *testing.T) (bin, sum string) {
	t.Helper()
	bin = filepath.Join(t.TempDir(), "zonespread")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "..", "examples", "plugins", "zonespread")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build zonespread: %v\n%s", err, out)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return bin, hex.EncodeToString(s[:])
}

// zoneJob is a job whose tasks run until killed, with an optional
// placement block.
func zoneJob(name string, instances int, placement string) string {
	return hclJob(name, instances, true, "0.05", "sleep 600", placement)
}

// zoneOf maps the dev agents' hosts to their zone (agents in pairs).
func zoneOf(t *testing.T, host string) string {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimPrefix(host, "agent-"))
	if err != nil {
		t.Fatalf("host %q is not a dev agent", host)
	}
	return fmt.Sprintf("zone-%c", 'a'+(n-1)/2)
}

type placedTask struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Host   string `json:"host"`
	Events []struct {
		Time   time.Time `json:"time"`
		Status string    `json:"status"`
	} `json:"events"`
}

func (d *devServer) placedTasks(t *testing.T, key string) []placedTask {
	t.Helper()
	var st struct{ Tasks []placedTask }
	mustJSON(t, d.mustRun(t, "job", "status", key, "-json"), &st)
	return st.Tasks
}

// checkSpread fails t unless, after every scheduling round (tasks ASSIGNED
// at the same instant), no zone runs more than maxSkew tasks of the job
// above another: the spread held at every moment, not only at the end.
func checkSpread(t *testing.T, tasks []placedTask, zones []string, maxSkew int) map[string]int {
	t.Helper()
	type assign struct {
		at   time.Time
		zone string
	}
	var as []assign
	for _, task := range tasks {
		for _, e := range task.Events {
			if e.Status == "ASSIGNED" {
				as = append(as, assign{e.Time, zoneOf(t, task.Host)})
			}
		}
	}
	sort.Slice(as, func(i, j int) bool { return as[i].at.Before(as[j].at) })
	counts := map[string]int{}
	for _, z := range zones {
		counts[z] = 0
	}
	for i, a := range as {
		counts[a.zone]++
		if i+1 < len(as) && as[i+1].at.Equal(a.at) {
			continue // the same round
		}
		lo, hi := 1<<30, 0
		for _, n := range counts {
			lo, hi = min(lo, n), max(hi, n)
		}
		if hi-lo > maxSkew {
			t.Fatalf("after the round at %s the zones run %v: skew %d > %d", a.at.Format(time.RFC3339Nano), counts, hi-lo, maxSkew)
		}
	}
	return counts
}

// pluginPIDs lists the processes running the binary at path.
func pluginPIDs(t *testing.T, path string) []int {
	t.Helper()
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var out []int
	for _, d := range dirs {
		exe, err := os.Readlink(filepath.Join(d, "exe"))
		if err != nil || exe != path {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(d)); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// The author workflow of examples/plugins/README.md through the real
// binary, then a kill -9 of the plugin during a scheduling burst.
func TestPluginCatalogZoneSpread(t *testing.T) {
	bin, sum := buildZonespread(t)
	cfg := filepath.Join(t.TempDir(), "cfg.json")
	if err := os.WriteFile(cfg, []byte(`{"attribute":"zone","max_skew":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	dev := startDev(t, dataDir, "-agents", "4")
	zones := []string{"zone-a", "zone-b"}
	const block = "placement \"zonespread\" {\n    max_skew = 1\n  }"

	// verify runs the conformance suite against the unregistered binary.
	out := dev.mustRun(t, "plugin", "verify", bin, "-config", "@"+cfg)
	if !strings.Contains(out, "SHA256: "+sum) || !strings.Contains(out, "All checks passed") {
		t.Fatalf("plugin verify:\n%s", out)
	}
	if _, _, code := dev.run("plugin", "verify", "/bin/true"); code == 0 {
		t.Fatal("plugin verify of a binary that is no plugin must fail")
	}

	// register: a wrong sha256 is refused naming both hashes.
	wrong := strings.Repeat("0", 64)
	_, stderr, code := dev.run("plugin", "register", "constraint", "zonespread", "-version", "0.1.0",
		"-sha256", wrong, "-binary", bin, "-config", "@"+cfg)
	if code != 10 || !strings.Contains(stderr, wrong) || !strings.Contains(stderr, sum) {
		t.Fatalf("register with a wrong sha256: exit %d %q, want 10 naming %s and %s", code, stderr, wrong, sum)
	}
	dev.mustRun(t, "plugin", "register", "constraint", "zonespread", "-version", "0.1.0",
		"-sha256", sum, "-binary", bin, "-config", "@"+cfg)
	if _, err := os.Stat(filepath.Join(dataDir, "plugins", "sha256", sum)); err != nil {
		t.Fatalf("the binary is not in the store under the data dir: %v", err)
	}
	list := dev.mustRun(t, "plugin", "list")
	for _, want := range []string{"constraint/zonespread  0.1.0    disabled", "constraint/limit", "quota/static"} {
		if !strings.Contains(list, want) {
			t.Fatalf("plugin list lacks %q:\n%s", want, list)
		}
	}

	// A placement block for a plugin that is not enabled is refused, and
	// so is one its schema rejects, at the line and column in the file.
	spread := jobFile(t, zoneJob("spread", 6, block))
	if _, stderr, code := dev.run("job", "create", spread); code != 3 || !strings.Contains(stderr, spread+":") || !strings.Contains(stderr, "placement[zonespread]") {
		t.Fatalf("a block for a disabled plugin: exit %d %q, want 3 naming the file", code, stderr)
	}
	dev.mustRun(t, "plugin", "enable", "constraint/zonespread")
	bad := jobFile(t, zoneJob("bad", 1, "placement \"zonespread\" {\n    max_skew = 0\n  }"))
	if _, stderr, code := dev.run("job", "create", bad); code != 3 || !strings.Contains(stderr, bad+":8:16") || !strings.Contains(stderr, "placement[zonespread].max_skew") {
		t.Fatalf("max_skew 0: exit %d %q, want 3 at %s:8:16", code, stderr, bad)
	}

	// The spread holds over the 4 agents in 2 zones.
	dev.mustRun(t, "job", "create", spread)
	var tasks []placedTask
	waitFor(t, 30*time.Second, "the spread job's tasks to be placed", func() bool {
		tasks = dev.placedTasks(t, "local/www-data/prod/spread")
		for _, task := range tasks {
			if task.Host == "" {
				return false
			}
		}
		return len(tasks) == 6
	})
	if counts := checkSpread(t, tasks, zones, 1); counts["zone-a"] != 3 || counts["zone-b"] != 3 {
		t.Fatalf("6 tasks over 2 zones with max_skew 1: %v", counts)
	}

	// kill -9 of the plugin during a scheduling burst: the next Filter
	// call fails (fail_closed vetoes every host), the host restarts the
	// plugin, and scheduling resumes with the spread intact.
	stored := filepath.Join(dataDir, "plugins", "sha256", sum)
	pids := pluginPIDs(t, stored)
	if len(pids) != 1 {
		t.Fatalf("want one zonespread process, found %v", pids)
	}
	burst := jobFile(t, zoneJob("burst", 4, block)+zoneJob("burst2", 4, block))
	dev.mustRun(t, "job", "create", "local/www-data/prod/burst", burst, "-wait-until", "PENDING")
	if err := syscall.Kill(pids[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	dev.mustRun(t, "job", "create", "local/www-data/prod/burst2", burst, "-wait-until", "PENDING")
	for _, name := range []string{"burst", "burst2"} {
		key := "local/www-data/prod/" + name
		waitFor(t, 40*time.Second, name+"'s tasks to be placed after the restart", func() bool {
			tasks = dev.placedTasks(t, key)
			for _, task := range tasks {
				if task.Host == "" {
					return false
				}
			}
			return len(tasks) == 4
		})
		if counts := checkSpread(t, tasks, zones, 1); counts["zone-a"] != 2 || counts["zone-b"] != 2 {
			t.Fatalf("%s: 4 tasks over 2 zones with max_skew 1: %v", name, counts)
		}
	}
	if now := pluginPIDs(t, stored); len(now) != 1 || now[0] == pids[0] {
		t.Fatalf("the plugin was not restarted: before %v, now %v", pids, now)
	}

	// disable: the scheduler stops using it without a restart, and
	// blocks for it are refused again; deregister needs it disabled.
	if _, stderr, code := dev.run("plugin", "deregister", "constraint/zonespread"); code != 10 || !strings.Contains(stderr, "disable it first") {
		t.Fatalf("deregistering an enabled plugin: exit %d %q", code, stderr)
	}
	dev.mustRun(t, "plugin", "disable", "constraint/zonespread")
	waitFor(t, 10*time.Second, "the plugin process to stop", func() bool { return len(pluginPIDs(t, stored)) == 0 })
	if _, _, code := dev.run("job", "create", jobFile(t, zoneJob("after", 1, block))); code != 3 {
		t.Fatalf("a zonespread block after disable: exit %d, want 3", code)
	}
	dev.mustRun(t, "job", "create", jobFile(t, zoneJob("plain", 1, "")), "-wait-until", "RUNNING")
	dev.mustRun(t, "plugin", "deregister", "constraint/zonespread")
	if list := dev.mustRun(t, "plugin", "list"); strings.Contains(list, "zonespread") {
		t.Fatalf("deregistered plugin still listed:\n%s", list)
	}
}
