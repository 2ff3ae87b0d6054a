package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/internal/dockertest"
	"github.com/aurora-go/aurora/sdk"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newPlugin(t *testing.T, eng *dockertest.Engine) sdk.ExecutorPlugin {
	t.Helper()
	p := New(hclog.New(&hclog.LoggerOptions{Name: t.Name(), Level: hclog.Warn, Output: os.Stderr}))
	if err := p.Configure(testContext(t), json.RawMessage(fmt.Sprintf(`{"socket":%q}`, eng.Socket))); err != nil {
		t.Fatal(err)
	}
	return p
}

// taskConfig is what the executor sends for a job with a docker container.
func taskConfig(processes string, docker string) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"name":"t","processes":%s,"resources":{"cpu":0.5,"ram":67108864},
		"container":{"docker":%s},"ports":{"http":31555}}`, processes, docker))
}

func start(t *testing.T, p sdk.ExecutorPlugin, config json.RawMessage) (string, string) {
	t.Helper()
	id := strings.ReplaceAll(t.Name(), "/", "_")
	sandbox := t.TempDir()
	if _, err := p.Start(testContext(t), &sdk.StartRequest{TaskID: id, SandboxDir: sandbox, Config: config,
		Env: map[string]string{"AURORA_TASK_ID": id, "PATH": "/host/only", "HOME": "/root"}}); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Destroy(context.Background(), id, true); err != nil && !errors.Is(err, sdk.ErrNotFound) {
			t.Errorf("Destroy: %v", err)
		}
	})
	return id, sandbox
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return string(b)
}

func TestDockerTaskRunsInTheImage(t *testing.T) {
	eng := dockertest.Start(t)
	p := newPlugin(t, eng)
	data := t.TempDir()
	procs := `[{"name":"hello","cmdline":"echo \"$GREETING from $(hostname) in $(pwd)\"; echo oops >&2; echo $AURORA_TASK_ID > /data/task; [ \"$PATH\" != /host/only ]","min_duration":"0s"},
		{"name":"flaky","cmdline":"n=$(cat n 2>/dev/null || echo 0); echo $((n+1)) > n; [ $n -ge 1 ]","max_failures":3,"min_duration":"0s","after":["hello"]},
		{"name":"bye","cmdline":"echo bye > final.txt","final":true}]`
	docker := fmt.Sprintf(`{"image":%q,"parameters":[{"name":"env","value":"GREETING=hello"},{"name":"hostname","value":"boxy"}],
		"volumes":[{"container_path":"/data","host_path":%q,"mode":"RW"}]}`, dockertest.Image, data)
	id, sandbox := start(t, p, taskConfig(procs, docker))
	res, err := p.Wait(testContext(t), id)
	if err != nil || res.Failed {
		t.Fatalf("Wait = %+v, %v; runner stderr: %s", res, err, read(t, filepath.Join(sandbox, "container.stderr")))
	}
	if got := read(t, filepath.Join(sandbox, ".logs/hello/0/stdout")); got != "hello from boxy in /mnt/mesos/sandbox\n" {
		t.Fatalf("stdout in the sandbox = %q", got)
	}
	if got := read(t, filepath.Join(sandbox, ".logs/hello/0/stderr")); got != "oops\n" {
		t.Fatalf("stderr in the sandbox = %q", got)
	}
	if got := read(t, filepath.Join(data, "task")); got != id+"\n" {
		t.Fatalf("the volume holds %q, want the task id from AURORA_TASK_ID", got)
	}
	if got := read(t, filepath.Join(sandbox, "final.txt")); got != "bye\n" {
		t.Fatalf("final process output = %q", got)
	}
	st, err := p.Inspect(testContext(t), id)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"hello": "SUCCESS 1", "flaky": "SUCCESS 2", "bye": "SUCCESS 1"}
	for _, ps := range st.Processes {
		if got := fmt.Sprintf("%s %d", ps.State, ps.Runs); got != want[ps.Name] {
			t.Errorf("process %s = %s, want %s", ps.Name, got, want[ps.Name])
		}
	}
	if st.State != "SUCCESS" {
		t.Errorf("task state %s, want SUCCESS", st.State)
	}
}

func TestDockerFailureNamesTheProcess(t *testing.T) {
	eng := dockertest.Start(t)
	p := newPlugin(t, eng)
	procs := `[{"name":"broken","cmdline":"echo try; exit 7","max_failures":2,"min_duration":"0s"},{"name":"never","cmdline":"touch ran","after":["broken"]}]`
	id, sandbox := start(t, p, taskConfig(procs, fmt.Sprintf(`{"image":%q}`, dockertest.Image)))
	res, err := p.Wait(testContext(t), id)
	if err != nil || !res.Failed || res.ExitCode != 7 || !strings.Contains(res.Message, `"broken" failed after 2 runs`) {
		t.Fatalf("Wait = %+v, %v", res, err)
	}
	if _, err := os.Stat(filepath.Join(sandbox, "ran")); err == nil {
		t.Fatal("a process after the failed one ran")
	}
	if got := read(t, filepath.Join(sandbox, ".logs/broken/1/stdout")); got != "try\n" {
		t.Fatalf("second run's stdout = %q", got)
	}
}

func TestDockerStopKillsTheContainer(t *testing.T) {
	eng := dockertest.Start(t)
	p := newPlugin(t, eng)
	procs := `[{"name":"stubborn","cmdline":"trap '' TERM; echo up > up; while true; do sleep 0.1; done"}]`
	id, sandbox := start(t, p, taskConfig(procs, fmt.Sprintf(`{"image":%q}`, dockertest.Image)))
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(sandbox, "up")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the process did not start; container stderr: %s", read(t, filepath.Join(sandbox, "container.stderr")))
		}
		time.Sleep(50 * time.Millisecond)
	}
	label := ContainerLabel + "=" + id
	if states, _ := eng.Containers(label); len(states) != 1 || states[0] != "running" {
		t.Fatalf("containers of the task = %v, want one running", states)
	}
	began := time.Now()
	if err := p.Stop(testContext(t), id, time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if took := time.Since(began); took < time.Second {
		t.Fatalf("Stop took %v; a process that ignores SIGTERM needs the 1s grace, then SIGKILL", took)
	}
	res, err := p.Wait(testContext(t), id)
	if err != nil || res.Failed || res.Signal != 9 {
		t.Fatalf("Wait = %+v, %v; want stopped with SIGKILL", res, err)
	}
	if states, _ := eng.Containers(label); len(states) != 1 || states[0] != "exited" {
		t.Fatalf("containers after Stop = %v, want one exited", states)
	}
	if err := p.Destroy(testContext(t), id, false); err != nil {
		t.Fatal(err)
	}
	if states, _ := eng.Containers(label); len(states) != 0 {
		t.Fatalf("containers after Destroy = %v, want none", states)
	}
}

func TestDockerTaskConfigErrors(t *testing.T) {
	cfg := pluginConfig{SandboxMountPoint: DefaultSandboxMountPoint, Network: DefaultNetwork}
	tests := []struct{ config, want string }{
		{`{"processes":[{"name":"a","cmdline":"x"}]}`, "container.docker.image is required"},
		{string(taskConfig(`[{"name":"a","cmdline":"x"}]`, `{"image":"i","parameters":[{"name":"privileged","value":"true"}]}`)), `docker parameter "privileged" is not supported`},
		{string(taskConfig(`[{"name":"a","cmdline":"x","after":["b"]},{"name":"b","cmdline":"y","after":["a"]}]`, `{"image":"i"}`)), "cycle among a, b"},
		{string(taskConfig(`[]`, `{"image":"i"}`)), "at least one process"},
	}
	for _, tt := range tests {
		_, err := parseTask(json.RawMessage(tt.config), "/sb", cfg)
		if !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseTask(%s) = %v, want %q", tt.config, err, tt.want)
		}
	}
	cs, err := parseTask(taskConfig(`[{"name":"c","cmdline":"x","after":["b"]},{"name":"f","cmdline":"z","final":true},{"name":"b","cmdline":"y"}]`,
		`{"image":"i","parameters":[{"name":"network","value":"bridge"},{"name":"publish","value":"8080:80"}]}`), "/sb", cfg)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, p := range cs.processes {
		order = append(order, p.name)
	}
	if strings.Join(order, ",") != "b,c,f" {
		t.Fatalf("run order %v, want b, c, then the final f", order)
	}
	pb := cs.portBindings()
	if pb["31555/tcp"][0]["HostPort"] != "31555" || pb["80/tcp"][0]["HostPort"] != "8080" {
		t.Fatalf("port bindings %v: want the assigned port published on itself and 8080:80", pb)
	}
}
