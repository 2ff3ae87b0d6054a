package executor

import (
	"testing"

	"github.com/aurora-go/aurora/core/spec"
)

func assignedWith(cmdlines ...string) *spec.AssignedTask {
	job := &spec.Job{
		Cluster: "devcluster",
		Key:     spec.JobKey{Role: "www-data", Environment: "prod", Name: "hello"},
		Task:    spec.Task{Name: "hello", Resources: spec.Resources{Ports: []string{"http", "admin-port"}}},
	}
	for i, c := range cmdlines {
		job.Task.Processes = append(job.Task.Processes, spec.Process{Name: string(rune('a' + i)), Cmdline: c})
	}
	return &spec.AssignedTask{
		TaskID:   "www-data-prod-hello-3-abc",
		Instance: 3,
		AgentID:  "agent-1",
		Host:     "scheduler-view-of-host",
		Ports:    map[string]uint64{"http": 31001, "admin-port": 31002},
		Job:      job,
	}
}

func TestBindTemplates(t *testing.T) {
	tests := []struct {
		name, cmdline, want string
	}{
		{"named port", "serve --port={{thermos.ports[http]}}", "serve --port=31001"},
		{"port name with a dash", "admin {{thermos.ports[admin-port]}}", "admin 31002"},
		{"two ports", "{{thermos.ports[http]}}:{{thermos.ports[admin-port]}}", "31001:31002"},
		{"port not assigned is left alone", "x {{thermos.ports[grpc]}}", "x {{thermos.ports[grpc]}}"},
		{"instance", "echo {{mesos.instance}}", "echo 3"},
		{"hostname is the agent's, not the scheduler's", "echo {{mesos.hostname}}", "echo agent-host.example"},
		{"task id", "echo {{thermos.task_id}}", "echo www-data-prod-hello-3-abc"},
		{"job key and cluster", "{{cluster}}/{{role}}/{{environment}}/{{name}}", "devcluster/www-data/prod/hello"},
		{"repeated template", "{{mesos.instance}}-{{mesos.instance}}", "3-3"},
		{"unknown template left alone", "echo {{mesos.unknown}} {{foo}}", "echo {{mesos.unknown}} {{foo}}"},
		{"not a template", "echo {mesos.instance} {{ mesos.instance }}", "echo {mesos.instance} {{ mesos.instance }}"},
		{"no templates", "while true; do echo hi; sleep 1; done", "while true; do echo hi; sleep 1; done"},
		{"mixed", "srv -p {{thermos.ports[http]}} -i {{mesos.instance}} -u {{bogus}}", "srv -p 31001 -i 3 -u {{bogus}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bindTemplates(assignedWith(tt.cmdline), "agent-host.example")
			if len(got.Processes) != 1 {
				t.Fatalf("got %d processes, want 1", len(got.Processes))
			}
			if got.Processes[0].Cmdline != tt.want {
				t.Errorf("cmdline = %q, want %q", got.Processes[0].Cmdline, tt.want)
			}
		})
	}
}

func TestBindTemplatesEveryProcessAndNotTheJob(t *testing.T) {
	a := assignedWith("one {{mesos.instance}}", "two {{thermos.ports[http]}}")
	got := bindTemplates(a, "h")
	want := []string{"one 3", "two 31001"}
	for i, p := range got.Processes {
		if p.Cmdline != want[i] {
			t.Errorf("process %d cmdline = %q, want %q", i, p.Cmdline, want[i])
		}
	}
	// The assigned task's own job must keep its templates: it is the
	// configuration the scheduler sent and may be bound again.
	if c := a.Job.Task.Processes[0].Cmdline; c != "one {{mesos.instance}}" {
		t.Errorf("bindTemplates changed the job's process: %q", c)
	}
	if got.Name != "hello" || len(got.Resources.Ports) != 2 {
		t.Errorf("the rest of the task must be kept, got %+v", got)
	}
}
