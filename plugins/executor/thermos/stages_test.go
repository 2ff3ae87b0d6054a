package thermos

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The process cases of Aurora's Thermos runner tests that the other tests
// do not cover: ephemeral processes, final processes after a failure, and
// the finalization_wait budget of cleaning and finalizing.

func TestEphemeralProcessDoesNotHoldTheTask(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"processes":[
		{"name":"main","cmdline":"sleep 0.2"},
		{"name":"sidecar","ephemeral":true,"cmdline":"echo $$ > sidecar.pid; exec sleep 1000"}]}`, nil)
	began := time.Now()
	res := wait(t, e, id)
	if res.Failed || res.Signal != 0 {
		t.Fatalf("result = %+v, want success once main is done", res)
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Fatalf("task took %v; the ephemeral sleeper must not hold it", took)
	}
	procs := inspect(t, e, id)
	if procs["main"].State != procSuccess || procs["sidecar"].State != procKilled {
		t.Fatalf("processes = %+v, want main SUCCESS and the ephemeral sidecar KILLED", procs)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(readFile(t, filepath.Join(sandbox, "sidecar.pid"))))
	if pid == 0 || pidAlive(pid) {
		t.Fatalf("the ephemeral process %d outlived the task", pid)
	}
}

func TestEphemeralFailureDoesNotFailTheTask(t *testing.T) {
	e := newTestExecutor(t)
	// main ends soon after the second run of flaky has ended (its
	// coordinator recorded the exit), so the task does not clean flaky up
	// first.
	id, _ := start(t, e, `{"processes":[
		{"name":"main","cmdline":"until [ -e .thermos/runs/flaky/1/exit.json ]; do sleep 0.05; done; sleep 0.5"},
		{"name":"flaky","ephemeral":true,"max_failures":2,"min_duration":"0s","cmdline":"exit 4"}]}`, nil)
	if res := wait(t, e, id); res.Failed {
		t.Fatalf("result = %+v, want success: an ephemeral process's failures do not count", res)
	}
	if p := inspect(t, e, id)["flaky"]; p.State != procFailed || p.Runs != 2 {
		t.Fatalf("flaky = %+v, want FAILED after 2 runs", p)
	}
}

func TestFinalProcessesRunAfterAFailure(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"processes":[
		{"name":"main","cmdline":"exit 2"},
		{"name":"report","final":true,"cmdline":"echo reported > report"},
		{"name":"cleanup","final":true,"after":["report"],"cmdline":"cat report > cleaned"}]}`, nil)
	res := wait(t, e, id)
	if !res.Failed || res.ExitCode != 2 {
		t.Fatalf("result = %+v, want the main process's failure", res)
	}
	if got := readFile(t, filepath.Join(sandbox, "cleaned")); got != "reported\n" {
		t.Fatalf("final processes did not run in order after the failure: %q", got)
	}
}

func TestFinalizationWaitBoundsFinalProcesses(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"finalization_wait":"500ms","processes":[
		{"name":"main","cmdline":"true"},
		{"name":"slow-final","final":true,"cmdline":"trap '' TERM; echo $$ > final.pid; while true; do sleep 0.05; done"}]}`, nil)
	began := time.Now()
	res := wait(t, e, id)
	took := time.Since(began)
	if res.Failed {
		t.Fatalf("result = %+v, want the ACTIVE stage's success", res)
	}
	if took < 500*time.Millisecond || took > 5*time.Second {
		t.Fatalf("task took %v, want the 500ms finalization_wait and then SIGKILL", took)
	}
	if p := inspect(t, e, id)["slow-final"]; p.State != procKilled {
		t.Fatalf("slow-final = %+v, want KILLED at the end of finalization_wait", p)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(readFile(t, filepath.Join(sandbox, "final.pid"))))
	if pid == 0 || pidAlive(pid) {
		t.Fatalf("final process %d outlived finalization_wait", pid)
	}
}

func TestCleaningEscalatesToSIGKILLAtFinalizationWait(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"finalization_wait":"400ms","processes":[
		{"name":"main","cmdline":"until [ -s stubborn.pid ]; do sleep 0.02; done; exit 0"},
		{"name":"stubborn","ephemeral":true,"cmdline":"trap 'echo term >> got' TERM; echo $$ > stubborn.pid; while true; do sleep 0.05; done"},
		{"name":"final","final":true,"cmdline":"touch final-ran"}]}`, nil)
	began := time.Now()
	res := wait(t, e, id)
	took := time.Since(began)
	if res.Failed {
		t.Fatalf("result = %+v", res)
	}
	if took < 400*time.Millisecond {
		t.Fatalf("task ended after %v, before finalization_wait; the process ignoring SIGTERM needs SIGKILL", took)
	}
	if got, _ := os.ReadFile(filepath.Join(sandbox, "got")); !strings.Contains(string(got), "term") {
		t.Fatalf("cleaning did not send SIGTERM first (trap output %q)", got)
	}
	if _, err := os.Stat(filepath.Join(sandbox, "final-ran")); err == nil {
		t.Fatal("the final process ran although cleaning used up finalization_wait")
	}
}

func TestDaemonFailuresCountTowardsMaxFailures(t *testing.T) {
	e := newTestExecutor(t)
	id, _ := start(t, e, `{"processes":[{"name":"d","daemon":true,"max_failures":3,"min_duration":"0s","cmdline":"exit 9"}]}`, nil)
	res := wait(t, e, id)
	if !res.Failed || res.ExitCode != 9 {
		t.Fatalf("result = %+v, want the daemon failed with exit code 9", res)
	}
	if p := inspect(t, e, id)["d"]; p.Runs != 3 || p.State != procFailed {
		t.Fatalf("daemon = %+v, want FAILED after 3 runs", p)
	}
}
