package executor

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aurora-go/aurora/core/spec"
)

func TestBoundHealthCheckBindsShellCommand(t *testing.T) {
	a := assignedWith("serve")
	a.Job.HealthCheck = spec.NewHealthCheck()
	a.Job.HealthCheck.Shell = &spec.ShellHealthChecker{Command: "curl -f localhost:{{thermos.ports[http]}}/{{mesos.instance}} {{thermos.ports[admin-port]}}"}
	h := boundHealthCheck(a, "h")
	if want := "curl -f localhost:31001/3 31002"; h.Shell.Command != want {
		t.Fatalf("shell command = %q, want %q", h.Shell.Command, want)
	}
	if a.Job.HealthCheck.Shell.Command == h.Shell.Command {
		t.Fatal("binding changed the job's own health check")
	}
	a.Job.HealthCheck = nil
	if boundHealthCheck(a, "h") != nil {
		t.Fatal("no health check and no health port: want none")
	}
	a.Ports["health"] = 31003
	a.Job.Task.Resources.Ports = append(a.Job.Task.Resources.Ports, "health")
	if h := boundHealthCheck(a, "h"); h == nil || h.HTTP == nil || h.HTTP.Port != "health" || h.HTTP.Endpoint != "/health" {
		t.Fatalf("a task with a health port gets Aurora's default HTTP check, got %+v", h)
	}
}

func TestAnnounceEndpoints(t *testing.T) {
	a := assignedWith("serve")
	ann := &spec.Announce{PrimaryPort: "http", Portmap: map[string]string{"aurora": "http", "static": "8080"}}
	eps := announceEndpoints(a, ann, "agent-host", "exec-1")
	got := map[string]string{}
	for _, ep := range eps {
		got[ep.Key.PortName] = fmt.Sprintf("%s:%d primary=%s", ep.Host, ep.Port, ep.Metadata["primary"])
		if ep.Key.TaskID != a.TaskID || ep.Instance != 3 || ep.Role != "www-data" || ep.Environment != "prod" || ep.Job != "hello" || ep.Owner != "exec-1" {
			t.Errorf("endpoint %+v lacks the task's identity", ep)
		}
	}
	want := map[string]string{
		"http":       "agent-host:31001 primary=true",
		"admin-port": "agent-host:31002 primary=",
		"aurora":     "agent-host:31001 primary=",
		"static":     "agent-host:8080 primary=",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("endpoints = %v, want %v", got, want)
	}
}

func TestPluginNameAndConfig(t *testing.T) {
	a := assignedWith("echo {{mesos.instance}}")
	if n := pluginName(a.Job); n != "thermos" {
		t.Fatalf("plugin = %s", n)
	}
	a.Job.Container = &spec.Container{Docker: &spec.DockerContainer{Image: "busybox"}}
	a.Job.Executor = "thermos"
	if n := pluginName(a.Job); n != "docker" {
		t.Fatalf("a docker container runs under the docker plugin, got %s", n)
	}
	a.Job.Executor = "custom"
	if n := pluginName(a.Job); n != "custom" {
		t.Fatalf("an explicit executor wins, got %s", n)
	}
	raw, err := pluginConfig(a, "h")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Processes []spec.Process  `json:"processes"`
		Container *spec.Container `json:"container"`
		Ports     map[string]int  `json:"ports"`
		Job       map[string]any  `json:"job"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Processes[0].Cmdline != "echo 3" || cfg.Container.Docker.Image != "busybox" || cfg.Ports["http"] != 31001 || cfg.Job["role"] != "www-data" {
		t.Fatalf("plugin config = %s", raw)
	}
}

func TestAnnouncerConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if c, err := announcerConfigFromEnv(env(nil)); c != nil || err != nil {
		t.Fatalf("no AURORA_ANNOUNCER_ZK: got %v, %v; want announcing off", c, err)
	}
	c, err := announcerConfigFromEnv(env(map[string]string{EnvAnnouncerZK: "127.0.0.1:2181, 127.0.0.2:2181", EnvAnnouncerAllowCustomPath: "true", EnvAnnouncerSessionTimeout: "4s"}))
	if err != nil || c == nil || len(c.Servers) != 2 || c.Servers[1] != "127.0.0.2:2181" || !c.AllowCustomServersetPath || c.SessionTimeout != "4s" {
		t.Fatalf("announcerConfigFromEnv = %+v, %v", c, err)
	}
	for _, bad := range []map[string]string{
		{EnvAnnouncerZK: "nohost"},
		{EnvAnnouncerZK: "h:1", EnvAnnouncerAllowCustomPath: "maybe"},
		{EnvAnnouncerZK: "h:1", EnvAnnouncerSessionTimeout: "soon"},
	} {
		if _, err := announcerConfigFromEnv(env(bad)); err == nil {
			t.Errorf("announcerConfigFromEnv(%v) succeeded", bad)
		}
	}
}
