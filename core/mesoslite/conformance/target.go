package conformance

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/user"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/mesoslite"
)

// Environment variables of the suite.
const (
	EnvMasterURL     = "MESOS_MASTER_URL"
	EnvServeExecutor = "MESOS_CONFORMANCE_SERVE_EXECUTOR"
	EnvUser          = "MESOS_CONFORMANCE_USER"
)

// Target is the master a test talks to: an external one (MESOS_MASTER_URL)
// or an embedded cluster started for the test.
type Target struct {
	// MasterURL is the leading master's base URL.
	MasterURL string
	// Cluster is the embedded cluster; nil against an external master.
	Cluster *mesoslite.Cluster
	// Embedded is the configuration of the embedded cluster.
	Embedded mesoslite.Config
}

// Options shape the embedded cluster; an external master is what it is.
type Options struct {
	Agents    int // default 1
	Configure func(*mesoslite.Config)
}

// NewTarget returns the master to test: MESOS_MASTER_URL if set, else a new
// embedded cluster with short intervals that is shut down when the test ends.
func NewTarget(t testing.TB, opts Options) *Target {
	t.Helper()
	if url := os.Getenv(EnvMasterURL); url != "" {
		return &Target{MasterURL: strings.TrimRight(url, "/")}
	}
	n := opts.Agents
	if n <= 0 {
		n = 1
	}
	cfg := mesoslite.Config{
		WorkDir:                     t.TempDir(),
		Logger:                      testLogger(t),
		HeartbeatInterval:           500 * time.Millisecond,
		AllocationInterval:          50 * time.Millisecond,
		StatusUpdateRetry:           500 * time.Millisecond,
		ExecutorShutdownGrace:       time.Second,
		ExecutorRegistrationTimeout: 30 * time.Second,
	}
	for i := 0; i < n; i++ {
		host := "agent-" + string(rune('1'+i))
		cfg.Agents = append(cfg.Agents, mesoslite.AgentConfig{
			Hostname:   host,
			Attributes: map[string]string{"host": host},
			CPUs:       2, MemMB: 2048, DiskMB: 4096,
		})
	}
	if opts.Configure != nil {
		opts.Configure(&cfg)
	}
	c, err := mesoslite.New(cfg)
	if err != nil {
		t.Fatalf("mesoslite.New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatalf("mesoslite Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.Shutdown(ctx); err != nil {
			t.Errorf("mesoslite Shutdown: %v", err)
		}
	})
	return &Target{MasterURL: c.MasterURL(), Cluster: c, Embedded: cfg}
}

// External reports whether the target is an external master.
func (tg *Target) External() bool { return tg.Cluster == nil }

// RequireEmbedded skips the test against an external master: it needs
// fault injection, a standby master or operator calls that only the
// embedded cluster offers.
func (tg *Target) RequireEmbedded(t testing.TB, why string) *mesoslite.Cluster {
	t.Helper()
	if tg.Cluster == nil {
		t.Skipf("needs the embedded cluster (%s); skipped against %s=%s", why, EnvMasterURL, tg.MasterURL)
	}
	return tg.Cluster
}

// User is FrameworkInfo.user for the tests.
func User() string {
	if u := os.Getenv(EnvUser); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "root"
}

// executorURL serves this binary for remote agents when
// MESOS_CONFORMANCE_SERVE_EXECUTOR is set (host:port, the host being how
// the agents reach this machine; port 0 picks one); it returns "" otherwise.
func executorURL(t testing.TB) string {
	t.Helper()
	addr := os.Getenv(EnvServeExecutor)
	if addr == "" {
		return ""
	}
	serveOnce.Do(func() {
		bin, err := os.Executable()
		if err != nil {
			serveErr = err
			return
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			serveErr = err
			return
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/testexec", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, bin) })
		// Served until the test binary exits.
		go func() { _ = http.Serve(ln, mux) }()
		host, _, _ := net.SplitHostPort(addr)
		port := ln.Addr().(*net.TCPAddr).Port
		serveURL = "http://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/testexec"
	})
	if serveErr != nil {
		t.Fatalf("serving the executor binary on %s: %v", addr, serveErr)
	}
	return serveURL
}

var (
	serveOnce sync.Once
	serveURL  string
	serveErr  error
)

// testLogger sends the embedded cluster's logs to the test log while the
// test runs.
func testLogger(t testing.TB) hclog.Logger {
	w := &logWriter{t: t}
	t.Cleanup(w.stop)
	return hclog.New(&hclog.LoggerOptions{Name: "mesoslite", Level: hclog.Debug, Output: w})
}

type logWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *logWriter) stop() {
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
}
