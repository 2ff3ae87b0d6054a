package thermos

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/aurora-go/aurora/sdk"
)

// servedPlugin is the argument list that makes the test binary serve the
// plugin, as `aurora plugin serve executor/thermos` does.
var servedPlugin = []string{"plugin", "serve", sdk.KindExecutor + "/" + Name}

// TestMain serves the plugin when the test binary is started as a plugin
// process (pluginProcess), so tests can kill a real plugin process.
func TestMain(m *testing.M) {
	if len(os.Args) == 4 && strings.Join(os.Args[1:], " ") == strings.Join(servedPlugin, " ") {
		logger := sdk.NewLogger(Name)
		sdk.Serve(sdk.ServeOpts{Executor: New(logger), Logger: logger})
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// pluginProcess is the plugin served by a child process, started as a
// plugin host starts it (own process group, go-plugin handshake).
type pluginProcess struct {
	client *goplugin.Client
	cmd    *exec.Cmd
	sdk.ExecutorPlugin
}

func startPluginProcess(t *testing.T) *pluginProcess {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, servedPlugin...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: sdk.VersionedPlugins(),
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "host", Level: hclog.Warn, Output: os.Stderr}),
	})
	t.Cleanup(client.Kill)
	rpc, err := client.Client()
	if err != nil {
		t.Fatalf("start the plugin process: %v", err)
	}
	raw, err := rpc.Dispense(sdk.KindExecutor)
	if err != nil {
		t.Fatalf("dispense: %v", err)
	}
	return &pluginProcess{client: client, cmd: cmd, ExecutorPlugin: raw.(sdk.ExecutorPlugin)}
}

// kill9 SIGKILLs the plugin process alone, as a crash would end it.
func (p *pluginProcess) kill9(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill the plugin: %v", err)
	}
	deadline := time.Now().Add(testTimeout)
	for !p.client.Exited() {
		if time.Now().After(deadline) {
			t.Fatal("the plugin process did not exit after SIGKILL")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readPID(t *testing.T, path string) int {
	t.Helper()
	pid, err := strconv.Atoi(strings.TrimSpace(waitForFile(t, path)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return pid
}

// coordinatorPIDs lists the coordinators that recorded a start in sandbox.
func coordinatorPIDs(t *testing.T, sandbox string) []int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sandbox, checkpointDir, "runs", "*", "*", startedFile))
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, f := range files {
		st, ok := readStarted(filepath.Dir(f))
		if !ok {
			t.Fatalf("unreadable %s", f)
		}
		pids = append(pids, st.Coordinator)
	}
	return pids
}

// recoverSandbox returns a fresh sandbox whose runs are killed when the
// test ends: their processes outlive the plugin processes the test kills,
// so a test that fails half-way must not leave them behind.
func recoverSandbox(t *testing.T) string {
	t.Helper()
	sandbox := t.TempDir()
	t.Cleanup(func() {
		files, _ := filepath.Glob(filepath.Join(sandbox, checkpointDir, "runs", "*", "*", startedFile))
		for _, f := range files {
			st, ok := readStarted(filepath.Dir(f))
			if !ok {
				continue
			}
			if st.PID > 0 && sameProcess(st.PID, st.StartTime) {
				signalGroup(st.PID, syscall.SIGKILL)
			}
			if sameProcess(st.Coordinator, st.CoordinatorStart) {
				_ = syscall.Kill(st.Coordinator, syscall.SIGKILL)
			}
		}
	})
	return sandbox
}

// TestRecoverAfterThePluginIsKilled kills a real plugin process (SIGKILL)
// under a running task, lets a process fail while no plugin runs, and has a
// new plugin process recover the task: the long-running process keeps its
// pid, the failure that happened meanwhile is recorded and retried, the
// retries go on under the new plugin, and Stop leaves no process behind.
func TestRecoverAfterThePluginIsKilled(t *testing.T) {
	ctx := testContext(t)
	sandbox := recoverSandbox(t)
	// "later" fails (exit 3) each time the test creates the file "go".
	config := `{"processes":[
		{"name":"server","cmdline":"echo $$ > server.pid; while true; do sleep 0.05; done"},
		{"name":"later","max_failures":10,"min_duration":"0s",
		 "cmdline":"echo $$ > later.pid; until [ -e go ]; do sleep 0.02; done; rm go; exit 3"}]}`

	first := startPluginProcess(t)
	handle, err := first.Start(ctx, &sdk.StartRequest{TaskID: "t1", SandboxDir: sandbox, Config: json.RawMessage(config)})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	server := readPID(t, filepath.Join(sandbox, "server.pid"))
	later := readPID(t, filepath.Join(sandbox, "later.pid"))
	// The checkpoint names each running process by pid and start time.
	waitFor(t, "both processes in the checkpoint", func() bool {
		ck, err := loadCheckpoint(sandbox, "t1")
		return err == nil && ck.Processes[0].PID == server && ck.Processes[1].PID == later
	})
	ck, err := loadCheckpoint(sandbox, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if start, alive := procStartTime(server); !alive || ck.Processes[0].StartTime != start || ck.Stage != "active" ||
		!json.Valid(ck.Config) || ck.Processes[0].CoordPID == 0 {
		t.Fatalf("checkpoint = %+v, want server's start time %d, the config and its coordinator", ck, start)
	}

	first.kill9(t)
	if !pidAlive(server) || !pidAlive(later) {
		t.Fatalf("processes died with the plugin: server %d alive %v, later %d alive %v", server, pidAlive(server), later, pidAlive(later))
	}
	// The first run of later fails while no plugin runs; its coordinator
	// records the exit.
	if err := os.WriteFile(filepath.Join(sandbox, "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	exit0 := waitForFile(t, filepath.Join(runDir(sandbox, "later", 0), exitFile))
	var ex runExit
	if err := json.Unmarshal([]byte(exit0), &ex); err != nil || ex.ExitCode != 3 {
		t.Fatalf("exit.json of later's first run = %s (%v), want exit code 3", exit0, err)
	}

	second := startPluginProcess(t)
	if _, err := second.Inspect(ctx, "t1"); err == nil {
		t.Fatal("a fresh plugin process knows the task before Recover")
	}
	if err := second.Recover(ctx, handle); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	// The failure is counted and later runs again, under the new plugin.
	waitFor(t, "later's second run", func() bool {
		p := inspect(t, second, "t1")["later"]
		return p.Runs == 2 && p.State == procRunning
	})
	procs := inspect(t, second, "t1")
	if p := procs["server"]; p.State != procRunning || p.PID != server || p.Runs != 1 {
		t.Fatalf("server = %+v, want RUNNING as pid %d in its first run", p, server)
	}
	if p := procs["later"]; p.ExitCode != 3 {
		t.Fatalf("later = %+v, want the exit code 3 of the run that failed meanwhile", p)
	}
	later2 := readPID(t, filepath.Join(sandbox, "later.pid"))
	waitFor(t, "the second run's pid", func() bool {
		later2 = readPID(t, filepath.Join(sandbox, "later.pid"))
		return later2 != later
	})

	// A failure under the new plugin is retried too.
	if err := os.WriteFile(filepath.Join(sandbox, "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "later's third run", func() bool { return inspect(t, second, "t1")["later"].Runs == 3 })
	ck, err = loadCheckpoint(sandbox, "t1")
	if err != nil {
		t.Fatalf("checkpoint: %v", err)
	}
	for _, p := range ck.Processes {
		if p.Name == "later" && p.Failures != 2 {
			t.Fatalf("checkpointed later = %+v, want 2 failures", p)
		}
	}

	if err := second.Stop(ctx, "t1", time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	res, err := second.Wait(ctx, "t1")
	if err != nil || res.Failed || res.Signal != int(syscall.SIGTERM) {
		t.Fatalf("Wait = %+v, %v; want stopped with SIGTERM", res, err)
	}
	for _, pid := range append([]int{server, later, later2}, coordinatorPIDs(t, sandbox)...) {
		if pidAlive(pid) {
			t.Errorf("process %d outlived the stopped task", pid)
		}
	}
}

// TestRecoverLostAndAdoptedRuns covers what a plugin that died may leave
// behind: a run its coordinator started after the last checkpoint (the new
// plugin adopts it), and a run whose coordinator died too (LOST: run again,
// not counted as a failure, so max_failures 1 does not fail the task).
func TestRecoverLostAndAdoptedRuns(t *testing.T) {
	ctx := testContext(t)
	sandbox := recoverSandbox(t)
	config := `{"processes":[
		{"name":"adopted","cmdline":"echo $$ > adopted.pid; exec sleep 1000"},
		{"name":"lost","min_duration":"0s","cmdline":"echo $$ >> lost.pids; exec sleep 1000"}]}`
	first := startPluginProcess(t)
	handle, err := first.Start(ctx, &sdk.StartRequest{TaskID: "t2", SandboxDir: sandbox, Config: json.RawMessage(config)})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	adopted := readPID(t, filepath.Join(sandbox, "adopted.pid"))
	lost := readPID(t, filepath.Join(sandbox, "lost.pids"))
	waitFor(t, "both runs checkpointed", func() bool {
		ck, err := loadCheckpoint(sandbox, "t2")
		return err == nil && ck.Processes[0].Plan == "running" && ck.Processes[1].Plan == "running"
	})
	first.kill9(t)

	// Rewind the checkpoint of "adopted" to before its start, as if the
	// plugin died between starting the coordinator and checkpointing.
	ck, err := loadCheckpoint(sandbox, "t2")
	if err != nil {
		t.Fatal(err)
	}
	ck.Processes[0] = processCheckpoint{Name: "adopted", State: procWaiting, Plan: "pending"}
	b, err := json.Marshal(ck)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(checkpointPath(sandbox), b); err != nil {
		t.Fatal(err)
	}
	// Kill the coordinator of "lost": its process dies with it and no
	// exit is recorded.
	st, ok := readStarted(runDir(sandbox, "lost", 0))
	if !ok {
		t.Fatal("no started.json for lost's first run")
	}
	if err := syscall.Kill(st.Coordinator, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "lost's process to die with its coordinator", func() bool { return !pidAlive(lost) })

	second := startPluginProcess(t)
	if err := second.Recover(ctx, handle); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	waitFor(t, "lost's second run", func() bool {
		p := inspect(t, second, "t2")["lost"]
		return p.Runs == 2 && p.State == procRunning
	})
	procs := inspect(t, second, "t2")
	if p := procs["adopted"]; p.State != procRunning || p.PID != adopted || p.Runs != 1 {
		t.Fatalf("adopted = %+v, want its first run RUNNING as pid %d", p, adopted)
	}
	if s, err := second.Inspect(ctx, "t2"); err != nil || s.State != taskActive {
		t.Fatalf("task = %+v, %v; want ACTIVE: a lost run is not a failure", s, err)
	}
	if err := second.Stop(ctx, "t2", time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	pids := strings.Fields(readFile(t, filepath.Join(sandbox, "lost.pids")))
	if len(pids) != 2 {
		t.Fatalf("lost.pids = %q, want the pids of two runs", pids)
	}
	lost2, _ := strconv.Atoi(pids[1])
	for _, pid := range append([]int{adopted, lost2}, coordinatorPIDs(t, sandbox)...) {
		if pidAlive(pid) {
			t.Errorf("process %d outlived the stopped task", pid)
		}
	}
}

// TestRecoverATaskThatEndedMeanwhile lets a task's last process end while
// no plugin runs: the recovered task finishes, with its result.
func TestRecoverATaskThatEndedMeanwhile(t *testing.T) {
	ctx := testContext(t)
	sandbox := recoverSandbox(t)
	first := startPluginProcess(t)
	handle, err := first.Start(ctx, &sdk.StartRequest{TaskID: "t3", SandboxDir: sandbox, Config: json.RawMessage(
		`{"processes":[{"name":"only","cmdline":"echo $$ > only.pid; until [ -e go ]; do sleep 0.02; done"}]}`)})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	readPID(t, filepath.Join(sandbox, "only.pid"))
	first.kill9(t)
	if err := os.WriteFile(filepath.Join(sandbox, "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	waitForFile(t, filepath.Join(runDir(sandbox, "only", 0), exitFile))

	second := startPluginProcess(t)
	if err := second.Recover(ctx, handle); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	res, err := second.Wait(ctx, "t3")
	if err != nil || res.Failed || res.Message != "all processes finished" {
		t.Fatalf("Wait = %+v, %v; want the task finished", res, err)
	}
	if p := inspect(t, second, "t3")["only"]; p.State != procSuccess || p.Runs != 1 {
		t.Fatalf("only = %+v, want SUCCESS after one run", p)
	}
	// Recover on a task known to the plugin is a no-op.
	if err := second.Recover(ctx, handle); err != nil {
		t.Fatalf("second Recover: %v", err)
	}
}
