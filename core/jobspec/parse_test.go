package jobspec

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/spec"
)

// helloJob is what examples/hello.hcl means, spec's defaults included,
// written out so that a wrong default fails.
func helloJob() *spec.Job {
	return &spec.Job{
		Cluster:         "local",
		Key:             spec.JobKey{Role: "www-data", Environment: "prod", Name: "hello"},
		Service:         true,
		Instances:       1,
		Tier:            "preemptible",
		Priority:        0,
		MaxTaskFailures: 1,
		Update:          &spec.UpdateConfig{BatchSize: 1, Watch: spec.Duration(45 * time.Second), RollbackOnFailure: true},
		PartitionPolicy: &spec.PartitionPolicy{Reschedule: true},
		Executor:        "thermos",
		Task: spec.Task{
			Name: "hello",
			Processes: []spec.Process{{
				Name:        "hello",
				Cmdline:     "while true; do echo hello world; sleep 10; done",
				MaxFailures: 1,
				MinDuration: spec.Duration(5 * time.Second),
			}},
			Resources: spec.Resources{
				CPU:  0.5,
				RAM:  128 * 1024 * 1024,
				Disk: 128 * 1024 * 1024,
			},
			MaxFailures:      1,
			MaxConcurrency:   0,
			FinalizationWait: spec.Duration(30 * time.Second),
		},
	}
}

func TestParseFileHello(t *testing.T) {
	t.Parallel()
	jobs, err := ParseFile("../../examples/hello.hcl", Options{})
	if err != nil {
		t.Fatalf("ParseFile: %v", err)
	}
	want := []*spec.Job{helloJob()}
	if !reflect.DeepEqual(jobs, want) {
		t.Errorf("jobs =\n%s\nwant\n%s", dump(jobs), dump(want))
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want func() []*spec.Job
	}{
		{
			name: "hello",
			src:  helloHCL,
			want: func() []*spec.Job { return []*spec.Job{helloJob()} },
		},
		{
			name: "instances defaults to 1",
			src:  edit(t, helloHCL, "  instances   = 1\n", ""),
			want: func() []*spec.Job { return []*spec.Job{helloJob()} },
		},
		{
			name: "null is unset",
			src:  edit(t, helloHCL, "  instances   = 1\n", "  instances = null\n  tier = null\n"),
			want: func() []*spec.Job { return []*spec.Job{helloJob()} },
		},
		{
			name: "multiple jobs in order",
			src: helloHCL + edit(t, edit(t, helloHCL, `environment = "prod"`, `environment = "devel"`), `instances   = 1`, `instances   = 2`) +
				edit(t, helloHCL, `job "hello"`, `job "bye"`),
			want: func() []*spec.Job {
				devel := helloJob()
				devel.Key.Environment = "devel"
				devel.Instances = 2
				bye := helloJob()
				bye.Key.Name = "bye"
				return []*spec.Job{helloJob(), devel, bye}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := parseJobs(t, tt.src, Options{})
			want := tt.want()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("jobs =\n%s\nwant\n%s", dump(got), dump(want))
			}
		})
	}
}

// TestParseAuroraTemplates checks that Aurora's {{...}} runtime templates
// reach the job as written, alone and mixed with HCL's ${...}, and that
// Options.Binds binds the others.
func TestParseAuroraTemplates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cmdline string // an HCL expression
		want    string
	}{
		{"quoted", `"echo {{mesos.instance}} {{thermos.ports[http]}}"`,
			"echo {{mesos.instance}} {{thermos.ports[http]}}"},
		{"with interpolation", `"${var.bin} --port={{thermos.ports[http]}} --id=${upper("x")}"`,
			"./server --port={{thermos.ports[http]}} --id=X"},
		{"from a function", `format("%s --port={{thermos.ports[%s]}}", var.bin, "admin")`,
			"./server --port={{thermos.ports[admin]}}"},
		{"heredoc", "<<-EOT\n        echo {{mesos.instance}}\n        echo {{thermos.task_id}}\n      EOT",
			"echo {{mesos.instance}}\necho {{thermos.task_id}}\n"},
		{"escaped HCL template", `"echo $${HOME} %%{x} {{name}}"`,
			"echo ${HOME} %{x} {{name}}"},
		{"unbalanced braces", `"{{ {{mesos.instance}} }} {"`,
			"{{ {{mesos.instance}} }} {"},
		{"bound", `"./server --version={{profile.version}} --tag={{ tag }} {{mesos.instance}}"`,
			"./server --version=1.2 --tag=blue {{mesos.instance}}"},
		{"deprecated names", `"echo {{thermos.user}} {{mesos.role}} {{mesos.cluster}}"`,
			"echo {{role}} {{role}} {{cluster}}"},
		{"spaces inside", `"echo {{ mesos.instance }}"`,
			"echo {{mesos.instance}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := "variable \"bin\" {\n  default = \"./server\"\n}\n" +
				edit(t, helloHCL, `"while true; do echo hello world; sleep 10; done"`, tt.cmdline)
			jobs := parseJobs(t, src, Options{Binds: map[string]string{"profile.version": "1.2", "tag": "blue"}})
			if got := jobs[0].Task.Processes[0].Cmdline; got != tt.want {
				t.Errorf("cmdline = %q, want %q", got, tt.want)
			}
		})
	}
}

// dump renders jobs for a failure message.
func dump(jobs []*spec.Job) string {
	b, err := json.MarshalIndent(jobs, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}
