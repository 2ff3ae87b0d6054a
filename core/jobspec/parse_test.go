package jobspec

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/spec"
)

// helloJob is what examples/hello.hcl means, spec's defaults included.
func helloJob() *spec.Job {
	return &spec.Job{
		Cluster:         "local",
		Key:             spec.JobKey{Role: "www-data", Environment: "prod", Name: "hello"},
		Service:         true,
		Instances:       1,
		Tier:            "preferred",
		Priority:        0,
		MaxTaskFailures: 1,
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
			name: "every attribute",
			src: `
job "web" {
  cluster           = "us-east"
  role              = "www-data"
  environment       = "staging2"
  service           = false
  instances         = 3
  tier              = "preemptible"
  priority          = 10
  max_task_failures = -1
  contact           = "web@example.com"
  constraints = {
    host = "limit:1"
    zone = "us-east-1a,us-east-1b"
    os   = "!windows"
  }
  metadata = {
    team = "web"
  }

  task "server" {
    max_failures      = 2
    max_concurrency   = 4
    finalization_wait = "1m30s"
    sequential        = true

    resources {
      cpu   = 2
      ram   = "1.5GB"
      disk  = 1048576
      gpu   = 1
      ports = ["http", "admin"]
    }
    process "setup" {
      cmdline      = "./setup"
      max_failures = 3
      ephemeral    = true
      min_duration = "1s"
    }
    process "serve" {
      cmdline = "./serve --port={{thermos.ports[http]}}"
      daemon  = true
      after   = ["setup"]
    }
    process "cleanup" {
      cmdline = "./cleanup"
      final   = true
    }
  }
}
`,
			want: func() []*spec.Job {
				return []*spec.Job{{
					Cluster:         "us-east",
					Key:             spec.JobKey{Role: "www-data", Environment: "staging2", Name: "web"},
					Instances:       3,
					Tier:            "preemptible",
					Priority:        10,
					MaxTaskFailures: -1,
					Contact:         "web@example.com",
					Constraints:     map[string]string{"host": "limit:1", "zone": "us-east-1a,us-east-1b", "os": "!windows"},
					Metadata:        map[string]string{"team": "web"},
					Task: spec.Task{
						Name: "server",
						Processes: []spec.Process{
							{Name: "setup", Cmdline: "./setup", MaxFailures: 3, Ephemeral: true, MinDuration: spec.Duration(time.Second)},
							{Name: "serve", Cmdline: "./serve --port={{thermos.ports[http]}}", MaxFailures: 1, Daemon: true,
								MinDuration: spec.DefaultMinDuration, After: []string{"setup"}},
							{Name: "cleanup", Cmdline: "./cleanup", MaxFailures: 1, Final: true, MinDuration: spec.DefaultMinDuration},
						},
						Resources: spec.Resources{
							CPU: 2, RAM: 3 << 29, Disk: 1 << 20, GPU: 1, Ports: []string{"http", "admin"},
						},
						MaxFailures:      2,
						MaxConcurrency:   4,
						FinalizationWait: spec.Duration(90 * time.Second),
						Sequential:       true,
					},
				}}
			},
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
				bye.Task.Name = "bye"
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
// reach the job exactly as written, alone and mixed with HCL's ${...}.
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
		{"unbalanced braces", `"{{ {{x}} }} {"`,
			"{{ {{x}} }} {"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := "variable \"bin\" {\n  default = \"./server\"\n}\n" +
				edit(t, helloHCL, `"while true; do echo hello world; sleep 10; done"`, tt.cmdline)
			jobs := parseJobs(t, src, Options{})
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
