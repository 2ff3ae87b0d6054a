//go:build linux

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// aurora is the binary under test, built once by TestMain.
var aurora string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aurora-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	aurora = filepath.Join(dir, "aurora")
	args := []string{"build", "-o", aurora}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "github.com/aurora-go/aurora/cmd/aurora")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building aurora:", err)
		os.Exit(1)
	}
	// A race-enabled binary sleeps 1s at exit by default, which every CLI
	// call would pay; race reports are printed when found, not at exit.
	if raceEnabled && os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// devServer is a running `aurora dev`.
type devServer struct {
	t       *testing.T
	dataDir string
	addr    string
	cmd     *exec.Cmd
	log     *syncBuffer
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startDev starts `aurora dev` on dataDir and waits for its API.
func startDev(t *testing.T, dataDir string, extra ...string) *devServer {
	t.Helper()
	return startDevSettings(t, dataDir, "", extra...)
}

// startDevSettings is startDev with more blocks in the -config file.
//
// The API listens on a port the kernel picks, read back from what
// `aurora dev` prints, so no other test can take it in between.
func startDevSettings(t *testing.T, dataDir, settingsHCL string, extra ...string) *devServer {
	t.Helper()
	d := &devServer{t: t, dataDir: dataDir, log: &syncBuffer{}}
	// Flapping penalties short enough for tests; everything else as shipped.
	settings := filepath.Join(dataDir, "dev-settings.hcl")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(settings, []byte("scheduler {\n  initial_flapping_task_delay = \"1s\"\n  max_flapping_task_delay = \"4s\"\n}\n"+settingsHCL), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"dev", "-data-dir", dataDir, "-http-addr", "127.0.0.1:0", "-config", settings}, extra...)
	d.cmd = exec.Command(aurora, args...)
	d.cmd.Stdout, d.cmd.Stderr = d.log, d.log
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.stop() })
	waitFor(t, 30*time.Second, "aurora dev to print its API address", func() bool {
		m := devAPI.FindStringSubmatch(d.log.String())
		if m != nil {
			d.addr = m[1]
		}
		return m != nil
	})
	waitFor(t, 30*time.Second, "aurora dev to serve /health", func() bool {
		out, _, code := d.run("job", "list")
		_ = out
		return code == 0
	})
	return d
}

// devAPI finds the API address in `aurora dev`'s first line of output.
var devAPI = regexp.MustCompile(`aurora dev: API http://([0-9.]+:[0-9]+)`)

// syncBuffer is a bytes.Buffer that the process's output copier and the
// test may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// stop sends SIGTERM and waits for a clean exit.
func (d *devServer) stop() {
	if d.cmd == nil || d.cmd.ProcessState != nil {
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- d.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			d.t.Errorf("aurora dev exited with %v; log:\n%s", err, d.log.String())
		}
	case <-time.After(60 * time.Second):
		_ = d.cmd.Process.Kill()
		d.t.Errorf("aurora dev did not stop within 60s of SIGTERM; log:\n%s", d.log.String())
	}
}

// run runs the CLI against this server.
func (d *devServer) run(args ...string) (stdout, stderr string, code int) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, aurora, args...)
	cmd.Env = append(os.Environ(), "AURORA_ADDR="+d.addr)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		code = -1
	}
	return out.String(), errb.String(), code
}

// mustRun runs the CLI and fails t on a non-zero exit.
func (d *devServer) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := d.run(args...)
	if code != 0 {
		t.Fatalf("aurora %s: exit %d\nstdout: %s\nstderr: %s\ndev log:\n%s", strings.Join(args, " "), code, out, errOut, tail(d.log.String(), 4000))
	}
	return out
}

type task struct {
	ID       string            `json:"id"`
	Instance int               `json:"instance"`
	Status   string            `json:"status"`
	Host     string            `json:"host"`
	Sandbox  string            `json:"sandbox"`
	Ports    map[string]uint64 `json:"ports"`
	Events   []struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	} `json:"events"`
}

type jobStatus struct {
	Key   string          `json:"key"`
	Job   json.RawMessage `json:"job"`
	Tasks []task          `json:"tasks"`
}

func (d *devServer) status(t *testing.T, key string) jobStatus {
	t.Helper()
	var st jobStatus
	out := d.mustRun(t, "job", "status", key, "-json")
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status -json is not JSON: %v\n%s", err, out)
	}
	return st
}

func waitFor(t testing.TB, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// processesWith returns the pids of processes whose command line contains
// marker.
func processesWith(marker string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		if strings.Contains(string(bytes.ReplaceAll(raw, []byte{0}, []byte{' '})), marker) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// childrenWith returns the pids of children of parent whose command line
// contains marker.
func childrenWith(parent int, marker string) []int {
	var out []int
	for _, pid := range processesWith(marker) {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Field 4 is the parent pid; the command may contain spaces, so
		// split after its closing parenthesis.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(parent) {
			out = append(out, pid)
		}
	}
	return out
}

// writeJob writes a job file whose single process runs cmdline.
func writeJob(t *testing.T, name string, service bool, instances int, cmdline string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".hcl")
	src := fmt.Sprintf(`job %q {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  service     = %t
  instances   = %d
  task {
    resources {
      cpu  = 0.1
      ram  = "16MB"
      disk = "16MB"
    }
    process "main" {
      cmdline = %q
    }
  }
}
`, name, service, instances, cmdline)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

func itoa(i int) string { return strconv.Itoa(i) }
