//go:build linux

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildExamplePlugin builds examples/plugins/NAME, its own module.
func buildExamplePlugin(t *testing.T, name string) (bin, sum string) {
	t.Helper()
	bin = filepath.Join(t.TempDir(), name)
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "..", "examples", "plugins", name)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", name, err, out)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return bin, hex.EncodeToString(s[:])
}

// customExecJob is a job run by the customexec executor plugin: the
// executor block's command runs in the sandbox.
func customExecJob(name, executor string, service bool, script string) string {
	block := fmt.Sprintf("executor %q {\n    command = \"sh\"\n    args    = [\"-c\", %q]\n  }", executor, script)
	return hclJob(name, 1, service, "0.05", "echo the thermos process is not used", block)
}

// cachedBlobs lists the plugin cache files of blob sum under root.
func cachedBlobs(root, sum string) []string {
	var out []string
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == sum && filepath.Base(filepath.Dir(path)) == "sha256" {
			out = append(out, path)
		}
		return nil
	})
	return out
}

// A team's executor plugin, registered in the catalog, runs jobs that name
// it: the executor fetches the binary from the scheduler into the agent's
// cache, verifies it and runs the task through it.
func TestCatalogExecutorPlugin(t *testing.T) {
	bin, sum := buildExamplePlugin(t, "customexec")
	cfg := filepath.Join(t.TempDir(), "cfg.json")
	if err := os.WriteFile(cfg, []byte(`{"wrapper":["env","WRAPPED=yes"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	dev := startDev(t, dataDir)
	const script = "echo hello-$WRAPPED; echo from-customexec > out.txt"

	// Not in the catalog: refused at submit, at the executor block's label.
	unknown := jobFile(t, customExecJob("unknown", "nosuchexec", false, script))
	_, stderr, code := dev.run("job", "create", unknown)
	if code != 3 || !strings.Contains(stderr, unknown+":7:12") || !strings.Contains(stderr, `executor "nosuchexec" is neither built in (docker, thermos) nor an enabled executor plugin`) {
		t.Fatalf("a job naming an unknown executor: exit %d %q, want 3 at %s:7:12", code, stderr, unknown)
	}

	dev.mustRun(t, "plugin", "register", "executor", "customexec", "-version", "0.1.0",
		"-sha256", sum, "-binary", bin, "-config", "@"+cfg)
	batch := jobFile(t, customExecJob("batch", "customexec", false, script))
	if _, stderr, code := dev.run("job", "create", batch); code != 3 || !strings.Contains(stderr, "aurora plugin enable executor/customexec") {
		t.Fatalf("a job naming a disabled executor plugin: exit %d %q, want 3 telling how to enable it", code, stderr)
	}
	dev.mustRun(t, "plugin", "enable", "executor/customexec")

	// The executor verifies what it downloads: bytes the scheduler's store
	// serves under the entry's sha256 that hash to something else fail the
	// task, naming both hashes, and are not cached.
	stored := filepath.Join(dataDir, "plugins", "sha256", sum)
	good, err := os.ReadFile(stored)
	if err != nil {
		t.Fatal(err)
	}
	bad := []byte("#!/bin/sh\necho not the registered plugin\n")
	badSum := sha256.Sum256(bad)
	if err := os.Chmod(stored, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stored, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	dev.mustRun(t, "job", "create", jobFile(t, customExecJob("tampered", "customexec", false, script)))
	var failed string
	waitFor(t, 60*time.Second, "the task with a tampered binary to fail", func() bool {
		for _, x := range dev.tasks(t, "local/www-data/prod/tampered") {
			for _, e := range x.Events {
				if e.Status == "FAILED" {
					failed = e.Message
					return true
				}
			}
		}
		return false
	})
	if !strings.Contains(failed, "checksum mismatch") || !strings.Contains(failed, "says sha256 "+sum) || !strings.Contains(failed, hex.EncodeToString(badSum[:])) {
		t.Fatalf("FAILED message %q, want a checksum mismatch naming %s and %x", failed, sum, badSum)
	}
	_, _, _ = dev.run("job", "kill", "local/www-data/prod/tampered")
	if c := cachedBlobs(filepath.Join(dataDir, "mesos"), sum); len(c) != 0 {
		t.Fatalf("the tampered binary was cached: %v", c)
	}
	if err := os.WriteFile(stored, good, 0o555); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(stored, 0o555); err != nil {
		t.Fatal(err)
	}

	// A batch job runs to FINISHED through the plugin, configured with the
	// entry's config (the wrapper), its output in the sandbox.
	dev.mustRun(t, "job", "create", batch, "-wait-until", "FINISHED", "-wait-timeout", "90s")
	x := newestOf(dev.tasks(t, "local/www-data/prod/batch"), 0)
	if x.Status != "FINISHED" || x.Sandbox == "" {
		t.Fatalf("batch task = %+v, want FINISHED with a sandbox", x)
	}
	ran := false
	for _, e := range x.Events {
		ran = ran || e.Status == "RUNNING"
	}
	if !ran {
		t.Fatalf("batch task events %+v lack RUNNING", x.Events)
	}
	out, _ := os.ReadFile(filepath.Join(x.Sandbox, "stdout"))
	if strings.TrimSpace(string(out)) != "hello-yes" {
		t.Fatalf("sandbox stdout = %q, want hello-yes (the command under the configured wrapper)", out)
	}
	if b, err := os.ReadFile(filepath.Join(x.Sandbox, "out.txt")); err != nil || strings.TrimSpace(string(b)) != "from-customexec" {
		t.Fatalf("out.txt in the sandbox = %q, %v", b, err)
	}
	cached := cachedBlobs(filepath.Join(dataDir, "mesos"), sum)
	if len(cached) != 1 || !strings.Contains(cached[0], filepath.Join("aurora-plugin-cache", "sha256")) {
		t.Fatalf("the agent's plugin cache holds %v, want one copy of %s", cached, sum)
	}

	// A service runs until killed; the plugin stops it.
	svc := jobFile(t, customExecJob("svc", "customexec", true, "exec sleep 1009"))
	dev.mustRun(t, "job", "create", svc, "-wait-until", "RUNNING", "-wait-timeout", "90s")
	waitFor(t, 10*time.Second, "the service's process", func() bool { return len(processesUnder(dataDir, "sleep 1009")) == 1 })
	dev.mustRun(t, "job", "kill", "local/www-data/prod/svc")
	if last := newestOf(dev.tasks(t, "local/www-data/prod/svc"), 0); last.Status != "KILLED" {
		t.Fatalf("service task after kill is %s, want KILLED", last.Status)
	}
	waitFor(t, 10*time.Second, "no service process left after kill", func() bool {
		return len(processesUnder(dataDir, "sleep 1009")) == 0
	})
	// The second task reused the cached binary.
	if c := cachedBlobs(filepath.Join(dataDir, "mesos"), sum); len(c) != 1 {
		t.Fatalf("the plugin cache holds %v after a second task, want the one copy", c)
	}
}

// An enabled catalog plugin of kind discovery replaces the built-in
// ZooKeeper announcer: executors fetch it like an executor plugin and
// announce healthy tasks through it, and withdraw them when they stop.
func TestCatalogDiscoveryPlugin(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "filediscovery")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/filediscovery").CombinedOutput(); err != nil {
		t.Fatalf("build filediscovery: %v\n%s", err, out)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	sum := hex.EncodeToString(s[:])
	registry := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "cfg.json")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`{"dir":%q}`, registry)), 0o644); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	dev := startDev(t, dataDir)
	dev.mustRun(t, "plugin", "register", "discovery", "filediscovery", "-version", "0.1.0",
		"-sha256", sum, "-binary", bin, "-config", "@"+cfg)
	dev.mustRun(t, "plugin", "enable", "discovery/filediscovery")

	src := `job "found" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  service     = true
  announce {
    primary_port = "http"
  }
  task {
    resources {
      cpu   = 0.05
      ram   = "16MB"
      disk  = "16MB"
      ports = ["http"]
    }
    process "main" {
      cmdline = "exec sleep 1011 # {{thermos.ports[http]}}"
    }
  }
}
`
	const key = "local/www-data/prod/found"
	dev.mustRun(t, "job", "create", jobFile(t, src), "-wait-until", "RUNNING", "-wait-timeout", "90s")
	st := dev.status(t, key)
	x := latest(st, 0)
	file := filepath.Join(registry, x.ID+".http.json")
	var ep struct {
		Host     string
		Port     int
		Job      string
		Metadata map[string]string
	}
	waitFor(t, 20*time.Second, "the task announced through the catalog's discovery plugin", func() bool {
		b, err := os.ReadFile(file)
		return err == nil && json.Unmarshal(b, &ep) == nil
	})
	if ep.Port == 0 || uint64(ep.Port) != x.Ports["http"] || ep.Host == "" || ep.Job != "found" || ep.Metadata["primary"] != "true" {
		t.Fatalf("announced %+v, want the task's http port %d", ep, x.Ports["http"])
	}
	if c := cachedBlobs(filepath.Join(dataDir, "mesos"), sum); len(c) != 1 {
		t.Fatalf("the agent's plugin cache holds %v, want the discovery plugin", c)
	}
	dev.mustRun(t, "job", "kill", key)
	waitFor(t, 20*time.Second, "the announcement withdrawn", func() bool {
		_, err := os.Stat(file)
		return os.IsNotExist(err)
	})
}
