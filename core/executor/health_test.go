package executor

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/spec"
)

func hc(initial, interval time.Duration, maxFailures, minSuccesses int) *spec.HealthCheck {
	return &spec.HealthCheck{InitialInterval: spec.Duration(initial), Interval: spec.Duration(interval),
		Timeout: spec.Duration(time.Second), MaxConsecutiveFailures: maxFailures, MinConsecutiveSuccesses: minSuccesses}
}

// The cases of Aurora's test_health_checker.py, as sequences of results.
func TestHealthCounter(t *testing.T) {
	tests := []struct {
		name   string
		check  *spec.HealthCheck
		seq    string // p = pass, f = fail
		want   []healthVerdict
		reason string
	}{
		{"one pass is healthy", hc(0, 10*time.Second, 0, 1), "p", []healthVerdict{verdictHealthy}, ""},
		{"needs consecutive passes", hc(0, 10*time.Second, 0, 2), "pp", []healthVerdict{verdictStarting, verdictHealthy}, ""},
		{"failures in the grace period are ignored", hc(20*time.Second, 10*time.Second, 0, 1), "ffp",
			[]healthVerdict{verdictStarting, verdictStarting, verdictHealthy}, ""},
		{"a failure past the grace period fails", hc(10*time.Second, 10*time.Second, 0, 1), "ff",
			[]healthVerdict{verdictStarting, verdictFailed}, "boom"},
		{"max_consecutive_failures tolerates that many", hc(0, 10*time.Second, 2, 1), "ffp",
			[]healthVerdict{verdictStarting, verdictStarting, verdictHealthy}, ""},
		{"one more than max_consecutive_failures fails", hc(0, 10*time.Second, 2, 1), "fff",
			[]healthVerdict{verdictStarting, verdictStarting, verdictFailed}, "boom"},
		{"after RUNNING, failures past the limit fail", hc(0, 10*time.Second, 1, 1), "pfpff",
			[]healthVerdict{verdictHealthy, verdictHealthy, verdictHealthy, verdictHealthy, verdictFailed}, "boom"},
		{"fail fast when the successes can no longer come", hc(0, 10*time.Second, 3, 3), "pf",
			[]healthVerdict{verdictStarting, verdictStarting}, ""},
		{"a pass resets the failures", hc(0, 10*time.Second, 1, 2), "fpfp",
			[]healthVerdict{verdictStarting, verdictStarting, verdictStarting, verdictStarting}, ""},
		{"no successes needed", hc(0, time.Second, 0, 0), "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newHealthCounter(tt.check)
			for i, r := range tt.seq {
				if c.deadlinePassed() {
					t.Fatalf("attempt %d: deadline passed early (%s)", i, c.reason)
				}
				if got := c.record(r == 'p', "boom"); got != tt.want[i] {
					t.Fatalf("attempt %d (%c): verdict %d, want %d", i, r, got, tt.want[i])
				}
			}
			if c.reason != tt.reason {
				t.Fatalf("reason %q, want %q", c.reason, tt.reason)
			}
		})
	}
}

func TestHealthCounterRunsOutOfAttempts(t *testing.T) {
	// forgiving 1 + max failures 1 + min successes 2 = 4 attempts (Aurora
	// counts one more before it enforces the deadline); a task
	// that alternates never reaches two passes in a row.
	c := newHealthCounter(hc(10*time.Second, 10*time.Second, 1, 2))
	for i, r := range "fpfpf" {
		if c.deadlinePassed() {
			t.Fatalf("deadline passed at attempt %d", i)
		}
		if v := c.record(r == 'p', "x"); v != verdictStarting {
			t.Fatalf("attempt %d: verdict %d", i, v)
		}
	}
	if !c.deadlinePassed() || c.reason != "Not enough successful health checks in time." {
		t.Fatalf("after the attempts ran out: deadline %v, reason %q", c.deadlinePassed(), c.reason)
	}
}

func TestRunHealthChecksReportsChanges(t *testing.T) {
	var n atomic.Int32
	check := func(context.Context) (bool, string) {
		// pass, pass, then fail forever
		if n.Add(1) <= 2 {
			return true, ""
		}
		return false, "down"
	}
	events := make(chan healthEvent, 4)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go runHealthChecks(ctx, hc(0, 20*time.Millisecond, 1, 1), check, t.TempDir(), events)
	if ev := <-events; ev.verdict != verdictHealthy {
		t.Fatalf("first event %+v, want healthy", ev)
	}
	if ev := <-events; ev.verdict != verdictFailed || ev.reason != "down" {
		t.Fatalf("second event %+v, want failed with the check's reason", ev)
	}
	if got := n.Load(); got != 4 {
		t.Fatalf("%d checks, want 4 (2 passes, max_consecutive_failures 1 tolerated, then the failing one)", got)
	}
}

func TestSnoozeFileSkipsChecks(t *testing.T) {
	sandbox := t.TempDir()
	if err := os.WriteFile(filepath.Join(sandbox, snoozeFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	events := make(chan healthEvent, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go runHealthChecks(ctx, hc(0, 10*time.Millisecond, 0, 1), func(context.Context) (bool, string) { return false, "unhealthy" }, sandbox, events)
	if ev := <-events; ev.verdict != verdictHealthy {
		t.Fatalf("snoozed checks: %+v, want healthy", ev)
	}
}

func portOf(t *testing.T, srv *httptest.Server) uint64 {
	u, _ := url.Parse(srv.URL)
	p, _ := strconv.ParseUint(u.Port(), 10, 16)
	return p
}

func TestHTTPCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/health":
			fmt.Fprintln(w, "  OK ")
		case "/sick":
			w.WriteHeader(500)
			fmt.Fprint(w, "ok")
		case "/slow":
			time.Sleep(500 * time.Millisecond)
			fmt.Fprint(w, "ok")
		default:
			fmt.Fprint(w, "something else entirely")
		}
	}))
	defer srv.Close()
	port := portOf(t, srv)
	client := healthHTTPClient()
	tests := []struct {
		endpoint, expected string
		code               int
		ok                 bool
		reason             string
	}{
		{"/health", "ok", 0, true, ""},
		{"/health", "ok", 200, true, ""},
		{"/sick", "ok", 0, false, `expected "ok", got ""`},
		{"/sick", "", 200, false, "expected 200, got 500"},
		{"/sick", "", 0, true, ""},
		{"/other", "ok", 0, false, `got "somethi..."`},
		{"/slow", "ok", 0, false, "timed out"},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		ok, reason := httpCheck(client, port, tt.endpoint, tt.expected, tt.code)(ctx)
		cancel()
		if ok != tt.ok || !strings.Contains(reason, tt.reason) {
			t.Errorf("%s expecting %q/%d: ok %v reason %q, want %v and %q", tt.endpoint, tt.expected, tt.code, ok, reason, tt.ok, tt.reason)
		}
	}
	srv.Close()
	if ok, reason := httpCheck(client, port, "/health", "ok", 0)(context.Background()); ok || !strings.Contains(reason, "Failed to signal") {
		t.Errorf("closed port: ok %v reason %q", ok, reason)
	}
}

func TestShellCheck(t *testing.T) {
	sandbox := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "GREETING=hi"}
	run := func(cmd string, timeout time.Duration) (bool, string, time.Duration) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		began := time.Now()
		ok, reason := shellCheck("/bin/bash", sandbox, env, cmd)(ctx)
		return ok, reason, time.Since(began)
	}
	if ok, reason, _ := run(`[ "$GREETING" = hi ] && [ "$(pwd)" = "`+sandbox+`" ]`, 5*time.Second); !ok {
		t.Fatalf("passing command failed: %s", reason)
	}
	if ok, reason, _ := run("echo nope; exit 3", 5*time.Second); ok || !strings.Contains(reason, "exit code 3") || !strings.Contains(reason, "nope") {
		t.Fatalf("failing command: ok %v reason %q", ok, reason)
	}
	ok, reason, took := run("sleep 30", 300*time.Millisecond)
	if ok || reason != "Command timed out" || took > 5*time.Second {
		t.Fatalf("slow command: ok %v reason %q after %v", ok, reason, took)
	}
	if ok, reason, took := run("sleep 30 & exit 0", 5*time.Second); !ok || took > 3*time.Second {
		t.Fatalf("a background child must not hold the check: ok %v %q after %v", ok, reason, took)
	}
}

func TestGracefulShutdownCallsEndpointsInOrder(t *testing.T) {
	var calls []string
	callc := make(chan string, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		callc <- r.Method + " " + r.URL.Path
	}))
	defer srv.Close()
	lc := spec.NewHTTPLifecycle()
	lc.GracefulShutdownWait, lc.ShutdownWait = spec.Duration(150*time.Millisecond), spec.Duration(150*time.Millisecond)
	began := time.Now()
	gracefulShutdown(context.Background(), healthHTTPClient(), lc, portOf(t, srv), make(chan struct{}), hclog.NewNullLogger())
	took := time.Since(began)
	close(callc)
	for c := range callc {
		calls = append(calls, c)
	}
	if strings.Join(calls, ",") != "POST /quitquitquit,POST /abortabortabort" {
		t.Fatalf("calls = %v", calls)
	}
	if took < 300*time.Millisecond {
		t.Fatalf("took %v, want both waits (300ms)", took)
	}

	// A task that exits after the first call ends the sequence early.
	exited := make(chan struct{})
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/abortabortabort" {
			t.Errorf("abortabortabort called although the task exited")
		}
		close(exited)
	}))
	defer srv2.Close()
	lc.GracefulShutdownWait = spec.Duration(10 * time.Second)
	began = time.Now()
	gracefulShutdown(context.Background(), healthHTTPClient(), lc, portOf(t, srv2), exited, hclog.NewNullLogger())
	if took := time.Since(began); took > 5*time.Second {
		t.Fatalf("took %v although the task exited at once", took)
	}
}
