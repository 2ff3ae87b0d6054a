package thermos

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

func TestEchoGoesToStdoutLog(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"processes":[
		{"name":"hello","cmdline":"echo hello world; echo oops >&2; echo \"$GREETING from $(pwd)\""}]}`,
		map[string]string{"GREETING": "hi"})

	res := wait(t, e, id)
	if res.Failed || res.ExitCode != 0 || res.Signal != 0 {
		t.Fatalf("result = %+v, want success", res)
	}
	realSandbox, err := filepath.EvalSymlinks(sandbox)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := readFile(t, filepath.Join(sandbox, ".logs/hello/0/stdout")), "hello world\nhi from "+realSandbox+"\n"; got != want {
		t.Fatalf("stdout log = %q, want %q", got, want)
	}
	if got := readFile(t, filepath.Join(sandbox, ".logs/hello/0/stderr")); got != "oops\n" {
		t.Fatalf("stderr log = %q, want %q", got, "oops\n")
	}
	st, err := e.Inspect(testContext(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != taskSuccess || len(st.Processes) != 1 || st.Processes[0].State != procSuccess || st.Processes[0].Runs != 1 {
		t.Fatalf("Inspect = %+v", st)
	}
}

func TestFailingProcessIsRetriedThenTaskFails(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"processes":[
		{"name":"flaky","cmdline":"echo attempt; exit 3","max_failures":3,"min_duration":"0s"},
		{"name":"sleeper","cmdline":"sleep 1000"}]}`, nil)

	res := wait(t, e, id)
	if !res.Failed || res.ExitCode != 3 {
		t.Fatalf("result = %+v, want a failure with exit code 3", res)
	}
	if !strings.Contains(res.Message, `"flaky"`) || !strings.Contains(res.Message, "exit code 3") {
		t.Fatalf("message %q should name the process and its exit code", res.Message)
	}
	procs := inspect(t, e, id)
	if p := procs["flaky"]; p.Runs != 3 || p.State != procFailed {
		t.Fatalf("flaky = %+v, want 3 runs and FAILED", p)
	}
	if p := procs["sleeper"]; p.State != procKilled {
		t.Fatalf("sleeper = %+v, want KILLED when the task failed", p)
	}
	for run := 0; run < 3; run++ {
		if got := readFile(t, filepath.Join(sandbox, ".logs/flaky", strconv.Itoa(run), "stdout")); got != "attempt\n" {
			t.Fatalf("run %d stdout = %q", run, got)
		}
	}
}

func TestRetryCanSucceed(t *testing.T) {
	e := newTestExecutor(t)
	id, _ := start(t, e, `{"processes":[{"name":"second-time-lucky","max_failures":3,"min_duration":"0s",
		"cmdline":"n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; [ $n -ge 2 ]"}]}`, nil)
	if res := wait(t, e, id); res.Failed {
		t.Fatalf("result = %+v, want success on the second run", res)
	}
	if p := inspect(t, e, id)["second-time-lucky"]; p.Runs != 2 || p.State != procSuccess {
		t.Fatalf("process = %+v, want SUCCESS after 2 runs", p)
	}
}

func TestMinDurationSpacesRuns(t *testing.T) {
	e := newTestExecutor(t)
	id, _ := start(t, e, `{"processes":[{"name":"p","cmdline":"exit 1","max_failures":2,"min_duration":"300ms"}]}`, nil)
	began := time.Now()
	if res := wait(t, e, id); !res.Failed {
		t.Fatalf("result = %+v, want failure", res)
	}
	if took := time.Since(began); took < 300*time.Millisecond {
		t.Fatalf("two runs took %v; min_duration 300ms must separate them", took)
	}
}

func TestAfterOrdersProcesses(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"processes":[
		{"name":"c","cmdline":"echo c >> order","after":["b"]},
		{"name":"b","cmdline":"sleep 0.1; echo b >> order","after":["a"]},
		{"name":"a","cmdline":"sleep 0.2; echo a >> order"},
		{"name":"free","cmdline":"echo free >> free"}]}`, nil)
	if res := wait(t, e, id); res.Failed {
		t.Fatalf("result = %+v", res)
	}
	if got := readFile(t, filepath.Join(sandbox, "order")); got != "a\nb\nc\n" {
		t.Fatalf("order = %q, want a, b, c", got)
	}
}

func TestSequentialRunsInWrittenOrder(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"sequential":true,"processes":[
		{"name":"one","cmdline":"sleep 0.2; echo one >> order"},
		{"name":"two","cmdline":"sleep 0.1; echo two >> order"},
		{"name":"three","cmdline":"echo three >> order"}]}`, nil)
	if res := wait(t, e, id); res.Failed {
		t.Fatalf("result = %+v", res)
	}
	if got := readFile(t, filepath.Join(sandbox, "order")); got != "one\ntwo\nthree\n" {
		t.Fatalf("order = %q", got)
	}
}

func TestProcessAfterFailedProcessNeverRuns(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"max_failures":2,"processes":[
		{"name":"setup","cmdline":"exit 1","min_duration":"0s"},
		{"name":"app","cmdline":"touch ran","after":["setup"]}]}`, nil)
	res := wait(t, e, id)
	if !res.Failed || !strings.Contains(res.Message, "app") {
		t.Fatalf("result = %+v, want a failure naming app", res)
	}
	if _, err := os.Stat(filepath.Join(sandbox, "ran")); err == nil {
		t.Fatal("app ran although setup failed")
	}
}

func TestFinalProcessRunsAfterOrdinaryOnes(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"processes":[
		{"name":"cleanup","cmdline":"cat work > final","final":true},
		{"name":"work","cmdline":"echo done > work"}]}`, nil)
	if res := wait(t, e, id); res.Failed {
		t.Fatalf("result = %+v", res)
	}
	if got := readFile(t, filepath.Join(sandbox, "final")); got != "done\n" {
		t.Fatalf("final process output = %q", got)
	}
}

func TestDaemonRunsAgainUntilStopped(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"processes":[{"name":"d","daemon":true,"min_duration":"10ms","cmdline":"echo x >> runs"}]}`, nil)
	deadline := time.Now().Add(testTimeout)
	for {
		b, _ := os.ReadFile(filepath.Join(sandbox, "runs"))
		if strings.Count(string(b), "x") >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("daemon was not run again")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := e.Stop(testContext(t), id, time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	res := wait(t, e, id)
	if res.Failed || res.Signal == 0 {
		t.Fatalf("result = %+v, want a stopped task", res)
	}
	if p := inspect(t, e, id)["d"]; p.Runs < 3 {
		t.Fatalf("daemon = %+v, want at least 3 runs", p)
	}
}

func TestStopKillsProcessGroupsWithChildren(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"processes":[
		{"name":"tree","cmdline":"sleep 1000 & echo $! > child.pid; sleep 1000 & wait"},
		{"name":"stubborn","cmdline":"trap '' TERM; sleep 1000 & echo $! > stubborn.pid; while true; do sleep 0.05; done"}]}`, nil)

	child, err := strconv.Atoi(strings.TrimSpace(waitForFile(t, filepath.Join(sandbox, "child.pid"))))
	if err != nil {
		t.Fatal(err)
	}
	stubbornChild, err := strconv.Atoi(strings.TrimSpace(waitForFile(t, filepath.Join(sandbox, "stubborn.pid"))))
	if err != nil {
		t.Fatal(err)
	}
	leaders := map[string]int{}
	for name, p := range inspect(t, e, id) {
		leaders[name] = p.PID
	}
	for _, pid := range []int{child, stubbornChild, leaders["tree"], leaders["stubborn"]} {
		if pid == 0 || !pidAlive(pid) {
			t.Fatalf("process %d should be running before Stop (leaders %v)", pid, leaders)
		}
	}

	const grace = 500 * time.Millisecond
	began := time.Now()
	if err := e.Stop(testContext(t), id, grace); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if took := time.Since(began); took < grace {
		t.Fatalf("Stop returned after %v; the process ignoring SIGTERM needs SIGKILL after the %v grace", took, grace)
	}
	for _, pid := range []int{child, stubbornChild, leaders["tree"], leaders["stubborn"]} {
		if pidAlive(pid) {
			t.Fatalf("process %d is alive after Stop returned", pid)
		}
	}
	res := wait(t, e, id)
	if res.Failed || res.Signal != 9 {
		t.Fatalf("result = %+v, want stopped with SIGKILL (signal 9)", res)
	}
	st, err := e.Inspect(testContext(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != taskKilled {
		t.Fatalf("state = %s, want KILLED", st.State)
	}
}

func TestBackgroundChildrenDieWhenTaskEnds(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"processes":[{"name":"leaky","cmdline":"sleep 1000 & echo $! > child.pid"}]}`, nil)
	if res := wait(t, e, id); res.Failed {
		t.Fatalf("result = %+v", res)
	}
	child, err := strconv.Atoi(strings.TrimSpace(readFile(t, filepath.Join(sandbox, "child.pid"))))
	if err != nil {
		t.Fatal(err)
	}
	if pidAlive(child) {
		t.Fatalf("background child %d outlived its task", child)
	}
}

func TestSignalReachesProcesses(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"processes":[{"name":"waiter",
		"cmdline":"trap 'echo hup > got; exit 0' HUP; echo ready > ready; while true; do sleep 0.05; done"}]}`, nil)
	waitForFile(t, filepath.Join(sandbox, "ready")) // written after the trap is set
	if err := e.Signal(testContext(t), id, "SIGHUP"); err != nil {
		t.Fatalf("Signal: %v", err)
	}
	if res := wait(t, e, id); res.Failed {
		t.Fatalf("result = %+v", res)
	}
	if got := readFile(t, filepath.Join(sandbox, "got")); got != "hup\n" {
		t.Fatalf("trap output = %q", got)
	}
	if err := e.Signal(testContext(t), id, "BOGUS"); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("unknown signal: err = %v", err)
	}
}

func TestPluginVariablesDoNotLeak(t *testing.T) {
	t.Setenv(sdk.Handshake.MagicCookieKey, sdk.Handshake.MagicCookieValue)
	t.Setenv("PLUGIN_PROTOCOL_VERSIONS", "1")
	t.Setenv("KEEP_ME", "base")
	t.Setenv("OVERRIDE_ME", "base")
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"processes":[{"name":"env","cmdline":"env > env.txt"}]}`,
		map[string]string{"OVERRIDE_ME": "task"})
	if res := wait(t, e, id); res.Failed {
		t.Fatalf("result = %+v", res)
	}
	env := readFile(t, filepath.Join(sandbox, "env.txt"))
	for _, want := range []string{"KEEP_ME=base\n", "OVERRIDE_ME=task\n"} {
		if !strings.Contains(env, want) {
			t.Errorf("task env lacks %q", want)
		}
	}
	for _, leak := range []string{sdk.Handshake.MagicCookieKey, "PLUGIN_PROTOCOL_VERSIONS"} {
		if strings.Contains(env, leak+"=") {
			t.Errorf("task env leaks %s", leak)
		}
	}
}

func TestThermosProfileIsLoaded(t *testing.T) {
	e := newTestExecutor(t)
	sandbox := t.TempDir()
	if err := os.WriteFile(filepath.Join(sandbox, profileName), []byte("export FROM_PROFILE=yes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := testContext(t)
	if _, err := e.Start(ctx, &sdk.StartRequest{TaskID: "p", SandboxDir: sandbox,
		Config: []byte(`{"processes":[{"name":"p","cmdline":"echo $FROM_PROFILE > out"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if res := wait(t, e, "p"); res.Failed {
		t.Fatalf("result = %+v", res)
	}
	if got := readFile(t, filepath.Join(sandbox, "out")); got != "yes\n" {
		t.Fatalf("out = %q, want the profile's variable", got)
	}
}

func TestTaskLifecycleErrors(t *testing.T) {
	e := newTestExecutor(t)
	ctx := testContext(t)
	id, sandbox := start(t, e, `{"processes":[{"name":"s","cmdline":"sleep 1000"}]}`, nil)

	if _, err := e.Start(ctx, &sdk.StartRequest{TaskID: id, SandboxDir: sandbox,
		Config: []byte(`{"processes":[{"name":"s","cmdline":"true"}]}`)}); !errors.Is(err, sdk.ErrFailedPrecondition) {
		t.Fatalf("duplicate Start: err = %v, want ErrFailedPrecondition", err)
	}
	if err := e.Destroy(ctx, id, false); !errors.Is(err, sdk.ErrFailedPrecondition) {
		t.Fatalf("Destroy of a running task without force: err = %v", err)
	}
	if err := e.Recover(ctx, &sdk.TaskHandle{TaskID: id}); err != nil {
		t.Fatalf("Recover of a running task: %v", err)
	}
	if err := e.Destroy(ctx, id, true); err != nil {
		t.Fatalf("Destroy with force: %v", err)
	}
	for name, call := range map[string]func() error{
		"Wait":    func() error { _, err := e.Wait(ctx, id); return err },
		"Inspect": func() error { _, err := e.Inspect(ctx, id); return err },
		"Stop":    func() error { return e.Stop(ctx, id, time.Second) },
		"Recover": func() error { return e.Recover(ctx, &sdk.TaskHandle{TaskID: id}) },
	} {
		if err := call(); !errors.Is(err, sdk.ErrNotFound) {
			t.Errorf("%s after Destroy: err = %v, want ErrNotFound", name, err)
		}
	}
}

func TestWaitHonoursContext(t *testing.T) {
	e := newTestExecutor(t)
	id, _ := start(t, e, `{"processes":[{"name":"s","cmdline":"sleep 1000"}]}`, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := e.Wait(ctx, id); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait: err = %v, want context.DeadlineExceeded", err)
	}
}

func TestMaxConcurrency(t *testing.T) {
	e := newTestExecutor(t)
	// Each process records how many are running at once.
	cmd := `echo start >> log; n=$(grep -c start log); m=$(grep -c end log 2>/dev/null || true); echo $((n-m)) >> peaks; sleep 0.1; echo end >> log`
	id, sandbox := start(t, e, `{"max_concurrency":1,"processes":[
		{"name":"a","cmdline":"`+cmd+`"},{"name":"b","cmdline":"`+cmd+`"},{"name":"c","cmdline":"`+cmd+`"}]}`, nil)
	if res := wait(t, e, id); res.Failed {
		t.Fatalf("result = %+v", res)
	}
	if got := readFile(t, filepath.Join(sandbox, "peaks")); got != "1\n1\n1\n" {
		t.Fatalf("running at once = %q, want 1 each time", got)
	}
}
