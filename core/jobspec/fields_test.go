package jobspec

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/spec"
)

// fieldsHCL is the job the field rows edit: a batch job with one process.
// The rows insert text into the job (1), the task (2), the resources (3)
// and the process (4).
const fieldsHCL = `job "fields" {
  cluster     = "us-east"
  role        = "www-data"
  environment = "staging3"
%s
  task {
%s
    resources {
      cpu  = 0.5
      ram  = "128MB"
      disk = "256MB"
%s
    }
    process "main" {
      cmdline = "./main"
%s
    }
  }
}
`

// sec is n seconds as a spec.Duration.
func sec(n float64) spec.Duration { return spec.Duration(n * float64(time.Second)) }

// TestParseFields has a row for every field of reference aurora.md
// section 2: it writes the field in HCL and checks its value in the spec.
func TestParseFields(t *testing.T) {
	t.Parallel()
	const (
		slaJob       = "instances = 20\ntier = \"preferred\"\n"
		healthPorts  = `ports = ["health", "admin"]`
		processAfter = "process \"setup\" {\n  cmdline = \"./setup\"\n}\n"
	)
	tests := []struct {
		name                string
		job, task, res, pro string
		old, new            string // an edit of the rest of the file, if old is set
		get                 func(j *spec.Job) any
		want                any
	}{
		// Job (2.2).
		{name: "name", get: func(j *spec.Job) any { return j.Key.Name }, want: "fields"},
		{name: "role", get: func(j *spec.Job) any { return j.Key.Role }, want: "www-data"},
		{name: "cluster", get: func(j *spec.Job) any { return j.Cluster }, want: "us-east"},
		{name: "environment", get: func(j *spec.Job) any { return j.Key.Environment }, want: "staging3"},
		{name: "contact", job: `contact = "web@example.com"`, get: func(j *spec.Job) any { return j.Contact }, want: "web@example.com"},
		{name: "instances", job: `instances = 7`, get: func(j *spec.Job) any { return j.Instances }, want: 7},
		{name: "tier", job: `tier = "revocable"`, get: func(j *spec.Job) any { return j.Tier }, want: "revocable"},
		{name: "service", job: `service = true`, get: func(j *spec.Job) any { return j.Service }, want: true},
		{name: "max_task_failures", job: `max_task_failures = -1`, get: func(j *spec.Job) any { return j.MaxTaskFailures }, want: -1},
		{name: "max_task_failures = 0", job: `max_task_failures = 0`, get: func(j *spec.Job) any { return j.MaxTaskFailures }, want: 0},
		{name: "production", job: "tier = \"preferred\"\nproduction = true", get: func(j *spec.Job) any { return j.Production }, want: true},
		{name: "priority", job: `priority = 10`, get: func(j *spec.Job) any { return j.Priority }, want: 10},
		{name: "metadata", job: `metadata = { team = "web", tier = "1" }`,
			get: func(j *spec.Job) any { return j.Metadata }, want: map[string]string{"team": "web", "tier": "1"}},
		{name: "enable_hooks", job: `enable_hooks = true`, get: func(j *spec.Job) any { return j.EnableHooks }, want: true},
		{name: "executor", job: `executor "custom" {}`, get: func(j *spec.Job) any { return []any{j.Executor, j.ExecutorConfig} },
			want: []any{"custom", json.RawMessage(nil)}},
		{name: "executor config", job: "executor \"custom\" {\n  image = \"x:1\"\n  args = [\"-v\", 2]\n}",
			get: func(j *spec.Job) any { return string(j.ExecutorConfig) }, want: `{"args":["-v",2],"image":"x:1"}`},

		// Constraints (2.4), all of Aurora's forms, and plugin placements.
		{name: "limit constraint", job: `constraints = { host = "limit:2" }`,
			get: parsedConstraints, want: []spec.Constraint{{Name: "host", Limit: 2}}},
		{name: "value constraint", job: `constraints = { zone = "us-east-1a,us-east-1b" }`,
			get: parsedConstraints, want: []spec.Constraint{{Name: "zone", Values: []string{"us-east-1a", "us-east-1b"}}}},
		{name: "negated constraint", job: `constraints = { os = "!windows,plan9" }`,
			get: parsedConstraints, want: []spec.Constraint{{Name: "os", Values: []string{"windows", "plan9"}, Negated: true}}},
		{name: "dedicated constraint", job: `constraints = { dedicated = "www-data/db" }`,
			get: parsedConstraints, want: []spec.Constraint{{Name: "dedicated", Values: []string{"www-data/db"}}}},
		{name: "dedicated to any role", job: `constraints = { dedicated = "*/db" }`,
			get: func(j *spec.Job) any { return j.Constraints }, want: map[string]string{"dedicated": "*/db"}},
		{name: "placement", job: "placement \"zone-spread\" {\n  max_skew = 1\n  zones = [\"a\", \"b\"]\n}\nplacement \"gpu-type\" {}",
			get: func(j *spec.Job) any { return j.Placements },
			want: []spec.Placement{{Name: "zone-spread", Config: json.RawMessage(`{"max_skew":1,"zones":["a","b"]}`)},
				{Name: "gpu-type", Config: json.RawMessage(`{}`)}}},

		// Cron (2.2).
		{name: "cron schedule", job: "cron {\n  schedule = \"0 3 * * MON\"\n}", get: func(j *spec.Job) any { return j.Cron.Schedule }, want: "0 3 * * MON"},
		{name: "cron collision policy", job: "cron {\n  schedule = \"* * * * *\"\n  collision_policy = \"CANCEL_NEW\"\n}",
			get: func(j *spec.Job) any { return j.Cron.CollisionPolicy }, want: "CANCEL_NEW"},

		// Update (2.5).
		{name: "update batch_size", job: "instances = 3\nupdate {\n  batch_size = 2\n}", get: func(j *spec.Job) any { return j.Update.BatchSize }, want: 2},
		{name: "update watch", job: "update {\n  watch = \"1m30s\"\n}", get: func(j *spec.Job) any { return j.Update.Watch }, want: sec(90)},
		{name: "update watch = 0", job: "update {\n  watch = \"0s\"\n}", get: func(j *spec.Job) any { return j.Update.Watch }, want: sec(0)},
		{name: "update max_per_shard_failures", job: "update {\n  max_per_shard_failures = 2\n}",
			get: func(j *spec.Job) any { return j.Update.MaxPerShardFailures }, want: 2},
		{name: "update max_total_failures", job: "instances = 3\nupdate {\n  max_total_failures = 2\n}",
			get: func(j *spec.Job) any { return j.Update.MaxTotalFailures }, want: 2},
		{name: "update rollback_on_failure", job: "update {\n  rollback_on_failure = false\n}",
			get: func(j *spec.Job) any { return j.Update.RollbackOnFailure }, want: false},
		{name: "update wait_for_batch_completion", job: "update {\n  wait_for_batch_completion = true\n}",
			get: func(j *spec.Job) any { return j.Update.WaitForBatchCompletion }, want: true},
		{name: "update pulse_interval", job: "update {\n  pulse_interval = \"5m\"\n}",
			get: func(j *spec.Job) any { return j.Update.PulseInterval }, want: sec(300)},
		{name: "update sla_aware", job: slaJob + "sla_policy \"count\" {\n  count = 10\n  duration = \"1m\"\n}\nupdate {\n  sla_aware = true\n}",
			get: func(j *spec.Job) any { return j.Update.SLAAware }, want: true},
		{name: "queue strategy", job: "update {\n  strategy \"queue\" {\n    batch_size = 4\n  }\n}",
			get: func(j *spec.Job) any { return j.Update.Strategy }, want: &spec.UpdateStrategy{Type: "queue", BatchSize: 4}},
		{name: "batch strategy", job: "update {\n  strategy \"batch\" {\n    batch_size = 3\n    autopause_after_batch = true\n  }\n}",
			get: func(j *spec.Job) any { return j.Update.Strategy }, want: &spec.UpdateStrategy{Type: "batch", BatchSize: 3, AutopauseAfterBatch: true}},
		{name: "variable batch strategy", job: "update {\n  strategy \"variable_batch\" {\n    batch_sizes = [1, 5, 10]\n    autopause_after_batch = true\n  }\n}",
			get:  func(j *spec.Job) any { return j.Update.Strategy },
			want: &spec.UpdateStrategy{Type: "variable_batch", BatchSizes: []int{1, 5, 10}, AutopauseAfterBatch: true}},

		// Health checks (2.6).
		{name: "health initial_interval", job: "health_check {\n  initial_interval = \"30s\"\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.HealthCheck.InitialInterval }, want: sec(30)},
		{name: "health initial_interval = 0", job: "health_check {\n  initial_interval = \"0s\"\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.HealthCheck.InitialInterval }, want: sec(0)},
		{name: "health interval", job: "health_check {\n  interval = \"2s\"\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.HealthCheck.Interval }, want: sec(2)},
		{name: "health timeout", job: "health_check {\n  timeout = \"500ms\"\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.HealthCheck.Timeout }, want: sec(0.5)},
		{name: "health max_consecutive_failures", job: "health_check {\n  max_consecutive_failures = 3\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.HealthCheck.MaxConsecutiveFailures }, want: 3},
		{name: "health min_consecutive_successes", job: "health_check {\n  min_consecutive_successes = 0\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.HealthCheck.MinConsecutiveSuccesses }, want: 0},
		{name: "http health port", job: "health_check {\n  http {\n    port = \"admin\"\n  }\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.HealthCheck.HTTP.Port }, want: "admin"},
		{name: "http health endpoint", job: "health_check {\n  http {\n    endpoint = \"/ready\"\n  }\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.HealthCheck.HTTP.Endpoint }, want: "/ready"},
		{name: "http health expected_response", job: "health_check {\n  http {\n    expected_response = \"\"\n  }\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.HealthCheck.HTTP.ExpectedResponse }, want: ""},
		{name: "http health expected_response_code", job: "health_check {\n  http {\n    expected_response_code = 204\n  }\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.HealthCheck.HTTP.ExpectedResponseCode }, want: 204},
		{name: "shell health command", job: "health_check {\n  shell {\n    command = \"pgrep main\"\n  }\n}",
			get:  func(j *spec.Job) any { return []any{j.HealthCheck.Shell, j.HealthCheck.HTTP} },
			want: []any{&spec.ShellHealthChecker{Command: "pgrep main"}, (*spec.HTTPHealthChecker)(nil)}},

		// Lifecycle (2.7).
		{name: "lifecycle port", job: "lifecycle {\n  http {\n    port = \"admin\"\n  }\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.Lifecycle.HTTP.Port }, want: "admin"},
		{name: "lifecycle graceful_shutdown_endpoint", job: "lifecycle {\n  http {\n    graceful_shutdown_endpoint = \"/stop\"\n  }\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.Lifecycle.HTTP.GracefulShutdownEndpoint }, want: "/stop"},
		{name: "lifecycle shutdown_endpoint", job: "lifecycle {\n  http {\n    shutdown_endpoint = \"/kill\"\n  }\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.Lifecycle.HTTP.ShutdownEndpoint }, want: "/kill"},
		{name: "lifecycle graceful_shutdown_wait", job: "lifecycle {\n  http {\n    graceful_shutdown_wait = \"0s\"\n  }\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.Lifecycle.HTTP.GracefulShutdownWait }, want: sec(0)},
		{name: "lifecycle shutdown_wait", job: "lifecycle {\n  http {\n    shutdown_wait = \"20s\"\n  }\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.Lifecycle.HTTP.ShutdownWait }, want: sec(20)},
		{name: "lifecycle disabled", job: "lifecycle {}", res: healthPorts,
			get: func(j *spec.Job) any { return j.Lifecycle }, want: &spec.Lifecycle{}},

		// Announcer (2.8).
		{name: "announce primary_port", job: "announce {\n  primary_port = \"admin\"\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.Announce.PrimaryPort }, want: "admin"},
		{name: "announce portmap", job: "constraints = { dedicated = \"www-data/x\" }\nannounce {\n  primary_port = \"admin\"\n  portmap = { web = \"health\", legacy = 8080 }\n}",
			res: healthPorts, get: func(j *spec.Job) any { return j.Announce.Portmap }, want: map[string]string{"web": "health", "legacy": "8080"}},
		{name: "announce zk_path", job: "announce {\n  primary_port = \"admin\"\n  zk_path = \"/aurora/custom\"\n}", res: healthPorts,
			get: func(j *spec.Job) any { return j.Announce.ZKPath }, want: "/aurora/custom"},

		// Partition and SLA policies (2.2, 2.10).
		{name: "partition reschedule", job: "partition_policy {\n  reschedule = false\n}",
			get: func(j *spec.Job) any { return j.PartitionPolicy.Reschedule }, want: false},
		{name: "partition delay", job: "partition_policy {\n  delay = \"5m\"\n}",
			get: func(j *spec.Job) any { return j.PartitionPolicy.Delay }, want: sec(300)},
		{name: "count sla", job: slaJob + "sla_policy \"count\" {\n  count = 15\n  duration = \"30m\"\n}",
			get: func(j *spec.Job) any { return j.SLAPolicy }, want: &spec.SLAPolicy{Type: "count", Count: 15, Duration: sec(1800)}},
		{name: "percentage sla", job: slaJob + "sla_policy \"percentage\" {\n  percentage = 80.5\n  duration = \"10m\"\n}",
			get: func(j *spec.Job) any { return j.SLAPolicy }, want: &spec.SLAPolicy{Type: "percentage", Percentage: 80.5, Duration: sec(600)}},
		{name: "coordinator sla", job: slaJob + "sla_policy \"coordinator\" {\n  coordinator_url = \"http://coord:8080/\"\n  status_key = \"ok\"\n}",
			get:  func(j *spec.Job) any { return j.SLAPolicy },
			want: &spec.SLAPolicy{Type: "coordinator", CoordinatorURL: "http://coord:8080/", StatusKey: "ok"}},

		// Containers (2.9).
		{name: "docker image", job: "container {\n  docker {\n    image = \"python:3\"\n  }\n}",
			get: func(j *spec.Job) any { return j.Container.Docker.Image }, want: "python:3"},
		{name: "docker parameters", job: "container {\n  docker {\n    image = \"x\"\n    parameter {\n      name = \"env\"\n      value = \"A=1\"\n    }\n    parameter {\n      name = \"env\"\n      value = \"B=2\"\n    }\n  }\n}",
			get: func(j *spec.Job) any { return j.Container.Docker.Parameters }, want: []spec.DockerParameter{{Name: "env", Value: "A=1"}, {Name: "env", Value: "B=2"}}},
		{name: "docker volume", job: "container {\n  docker {\n    image = \"x\"\n    volume {\n      container_path = \"/data\"\n      host_path = \"/srv\"\n      mode = \"RW\"\n    }\n  }\n}",
			get: func(j *spec.Job) any { return j.Container.Docker.Volumes }, want: []spec.Volume{{ContainerPath: "/data", HostPath: "/srv", Mode: "RW"}}},
		{name: "mesos docker image", job: "container {\n  mesos {\n    image \"docker\" {\n      name = \"busybox\"\n      tag = \"1.36\"\n    }\n  }\n}",
			get: func(j *spec.Job) any { return j.Container.Mesos.Image }, want: &spec.MesosImage{Type: "docker", Name: "busybox", Tag: "1.36"}},
		{name: "mesos appc image", job: "container {\n  mesos {\n    image \"appc\" {\n      name = \"app\"\n      image_id = \"sha512-abc\"\n    }\n  }\n}",
			get: func(j *spec.Job) any { return j.Container.Mesos.Image }, want: &spec.MesosImage{Type: "appc", Name: "app", ImageID: "sha512-abc"}},
		{name: "mesos volume", job: "container {\n  mesos {\n    volume {\n      container_path = \"/etc/app\"\n      host_path = \"/etc/app\"\n    }\n  }\n}",
			get: func(j *spec.Job) any { return j.Container.Mesos.Volumes }, want: []spec.Volume{{ContainerPath: "/etc/app", HostPath: "/etc/app", Mode: "RO"}}},

		// Task (2.3).
		{name: "task name", old: "  task {", new: `  task "server" {`, get: func(j *spec.Job) any { return j.Task.Name }, want: "server"},
		{name: "task max_failures", task: `max_failures = 3`, get: func(j *spec.Job) any { return j.Task.MaxFailures }, want: 3},
		{name: "task max_failures = 0", task: `max_failures = 0`, get: func(j *spec.Job) any { return j.Task.MaxFailures }, want: 0},
		{name: "task max_concurrency", task: `max_concurrency = 2`, get: func(j *spec.Job) any { return j.Task.MaxConcurrency }, want: 2},
		{name: "task finalization_wait", task: `finalization_wait = "45s"`, get: func(j *spec.Job) any { return j.Task.FinalizationWait }, want: sec(45)},
		{name: "task finalization_wait = 0", task: `finalization_wait = "0s"`, get: func(j *spec.Job) any { return j.Task.FinalizationWait }, want: sec(0)},
		{name: "task sequential", task: "sequential = true\n" + processAfter, get: func(j *spec.Job) any { return j.Task.Sequential }, want: true},
		{name: "task processes in order", task: processAfter,
			get: func(j *spec.Job) any { return []string{j.Task.Processes[0].Name, j.Task.Processes[1].Name} }, want: []string{"setup", "main"}},

		// Process (2.3).
		{name: "process cmdline", get: func(j *spec.Job) any { return j.Task.Processes[0].Cmdline }, want: "./main"},
		{name: "process max_failures", pro: `max_failures = 5`, get: func(j *spec.Job) any { return j.Task.Processes[0].MaxFailures }, want: 5},
		{name: "process max_failures = 0", pro: `max_failures = 0`, get: func(j *spec.Job) any { return j.Task.Processes[0].MaxFailures }, want: 0},
		{name: "process daemon", pro: `daemon = true`, get: func(j *spec.Job) any { return j.Task.Processes[0].Daemon }, want: true},
		{name: "process ephemeral", pro: `ephemeral = true`, get: func(j *spec.Job) any { return j.Task.Processes[0].Ephemeral }, want: true},
		{name: "process min_duration", pro: `min_duration = "1m"`, get: func(j *spec.Job) any { return j.Task.Processes[0].MinDuration }, want: sec(60)},
		{name: "process min_duration = 0", pro: `min_duration = "0s"`, get: func(j *spec.Job) any { return j.Task.Processes[0].MinDuration }, want: sec(0)},
		{name: "process final", pro: `final = true`, get: func(j *spec.Job) any { return j.Task.Processes[0].Final }, want: true},
		{name: "process after", task: processAfter, pro: `after = ["setup"]`,
			get: func(j *spec.Job) any { return j.Task.Processes[1].After }, want: []string{"setup"}},
		{name: "logger destination", pro: "logger {\n  destination = \"both\"\n}",
			get: func(j *spec.Job) any { return j.Task.Processes[0].Logger }, want: &spec.Logger{Destination: "both", Mode: "standard"}},
		{name: "logger mode", pro: "logger {\n  mode = \"rotate\"\n}",
			get: func(j *spec.Job) any { return j.Task.Processes[0].Logger.Mode }, want: "rotate"},
		{name: "logger rotate", pro: "logger {\n  mode = \"rotate\"\n  rotate {\n    log_size = \"10MB\"\n    backups = 0\n  }\n}",
			get: func(j *spec.Job) any { return j.Task.Processes[0].Logger.Rotate }, want: &spec.RotatePolicy{LogSize: 10 << 20, Backups: 0}},

		// Resources (2.3).
		{name: "cpu", get: func(j *spec.Job) any { return j.Task.Resources.CPU }, want: 0.5},
		{name: "ram", get: func(j *spec.Job) any { return j.Task.Resources.RAM }, want: int64(128 << 20)},
		{name: "disk", get: func(j *spec.Job) any { return j.Task.Resources.Disk }, want: int64(256 << 20)},
		{name: "gpu", res: `gpu = 2`, get: func(j *spec.Job) any { return j.Task.Resources.GPU }, want: 2},
		{name: "ports", res: `ports = ["http", "admin"]`, get: func(j *spec.Job) any { return j.Task.Resources.Ports }, want: []string{"http", "admin"}},
		{name: "ports from templates", res: `ports = ["admin"]`, old: `cmdline = "./main"`, new: `cmdline = "./main {{thermos.ports[http]}} {{thermos.ports[admin]}}"`,
			get: func(j *spec.Job) any { return j.Task.Resources.Ports }, want: []string{"admin", "http"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := fmt.Sprintf(fieldsHCL, tt.job, tt.task, tt.res, tt.pro)
			if tt.old != "" {
				src = edit(t, src, tt.old, tt.new)
			}
			jobs := parseJobs(t, src, Options{})
			if got := tt.get(jobs[0]); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %s, want %s", dumpValue(got), dumpValue(tt.want))
			}
		})
	}
}

func parsedConstraints(j *spec.Job) any {
	cs, err := j.ParsedConstraints()
	if err != nil {
		return err
	}
	return cs
}

// defaultsHCL writes each optional part with nothing in it, so that every
// default shows.
const defaultsHCL = `
job "plain" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  task {
    resources {
      cpu  = 1
      ram  = "1MB"
      disk = "1MB"
    }
    process "first" {
      cmdline = "./first {{thermos.ports[health]}}"
      logger {}
    }
    process "second" {
      cmdline = "./second"
      logger {
        mode = "rotate"
      }
    }
  }
}

job "blocks" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  instances   = 20
  tier        = "preferred"

  cron {
    schedule = "* * * * *"
  }
  update {
    strategy "batch" {}
  }
  health_check {}
  lifecycle {
    http {}
  }
  announce {
    primary_port = "health"
  }
  partition_policy {}
  sla_policy "coordinator" {
    coordinator_url = "https://coord/"
  }
  container {
    mesos {
      image "docker" {
        name = "busybox"
      }
      volume {
        container_path = "/a"
        host_path      = "/b"
      }
    }
  }
  task {
    resources {
      cpu   = 1
      ram   = "1MB"
      disk  = "1MB"
      ports = ["health"]
    }
    process "only" {
      cmdline = "./only"
    }
  }
}

job "queue" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  update {
    strategy "queue" {}
  }
  task {
    resources {
      cpu  = 1
      ram  = "1MB"
      disk = "1MB"
    }
    process "only" {
      cmdline = "./only"
    }
  }
}
`

// TestParseDefaults checks every default of reference aurora.md section 2,
// written out as literals.
func TestParseDefaults(t *testing.T) {
	t.Parallel()
	jobs := parseJobs(t, defaultsHCL, Options{})
	plain, blocks, queue := jobs[0], jobs[1], jobs[2]
	first := plain.Task.Processes[0]
	tests := []struct {
		name      string
		got, want any
	}{
		// Job.
		{"instances", plain.Instances, 1},
		{"tier", plain.Tier, "preemptible"},
		{"priority", plain.Priority, 0},
		{"max_task_failures", plain.MaxTaskFailures, 1},
		{"service", plain.Service, false},
		{"production", plain.Production, false},
		{"production of a production tier", blocks.Production, true},
		{"contact", plain.Contact, ""},
		{"constraints", plain.Constraints, map[string]string(nil)},
		{"placements", plain.Placements, []spec.Placement(nil)},
		{"metadata", plain.Metadata, map[string]string(nil)},
		{"executor", []any{plain.Executor, plain.ExecutorConfig}, []any{"thermos", json.RawMessage(nil)}},
		{"enable_hooks", plain.EnableHooks, false},
		{"no cron", plain.Cron, (*spec.Cron)(nil)},
		{"no sla policy", plain.SLAPolicy, (*spec.SLAPolicy)(nil)},
		{"no container", plain.Container, (*spec.Container)(nil)},
		{"no announce", plain.Announce, (*spec.Announce)(nil)},
		{"health check unwritten", plain.HealthCheck, (*spec.HealthCheck)(nil)},
		{"lifecycle unwritten", plain.Lifecycle, (*spec.Lifecycle)(nil)},
		{"health check run on the health port", plain.EffectiveHealthCheck(), &spec.HealthCheck{
			InitialInterval: sec(15), Interval: sec(10), Timeout: sec(1), MaxConsecutiveFailures: 0, MinConsecutiveSuccesses: 1,
			HTTP: &spec.HTTPHealthChecker{Port: "health", Endpoint: "/health", ExpectedResponse: "ok", ExpectedResponseCode: 0}}},
		{"lifecycle run on the health port", plain.EffectiveLifecycle(), &spec.HTTPLifecycle{Port: "health",
			GracefulShutdownEndpoint: "/quitquitquit", ShutdownEndpoint: "/abortabortabort", GracefulShutdownWait: sec(5), ShutdownWait: sec(5)}},
		{"update", plain.Update, &spec.UpdateConfig{BatchSize: 1, Watch: sec(45), MaxPerShardFailures: 0, MaxTotalFailures: 0,
			RollbackOnFailure: true, WaitForBatchCompletion: false, PulseInterval: 0, SLAAware: false, Strategy: nil}},
		{"update strategy", plain.Update.EffectiveStrategy(), spec.UpdateStrategy{Type: "queue", BatchSize: 1}},
		{"partition policy", plain.PartitionPolicy, &spec.PartitionPolicy{Reschedule: true, Delay: 0}},

		// Task, process, resources.
		{"task name", plain.Task.Name, "first"},
		{"task max_failures", plain.Task.MaxFailures, 1},
		{"task max_concurrency", plain.Task.MaxConcurrency, 0},
		{"task finalization_wait", plain.Task.FinalizationWait, sec(30)},
		{"task sequential", plain.Task.Sequential, false},
		{"process max_failures", first.MaxFailures, 1},
		{"process daemon", first.Daemon, false},
		{"process ephemeral", first.Ephemeral, false},
		{"process final", first.Final, false},
		{"process min_duration", first.MinDuration, sec(5)},
		{"process after", first.After, []string(nil)},
		{"logger", first.Logger, &spec.Logger{Destination: "file", Mode: "standard"}},
		{"rotating logger", plain.Task.Processes[1].Logger, &spec.Logger{Destination: "file", Mode: "rotate",
			Rotate: &spec.RotatePolicy{LogSize: 100 << 20, Backups: 5}}},
		{"gpu", plain.Task.Resources.GPU, 0},
		{"ports", plain.Task.Resources.Ports, []string{"health"}},

		// Blocks written empty.
		{"cron collision policy", blocks.Cron.CollisionPolicy, "KILL_EXISTING"},
		{"batch strategy", blocks.Update.Strategy, &spec.UpdateStrategy{Type: "batch", BatchSize: 1, AutopauseAfterBatch: false}},
		{"queue strategy", queue.Update.Strategy, &spec.UpdateStrategy{Type: "queue", BatchSize: 1}},
		{"health check", blocks.HealthCheck, &spec.HealthCheck{
			InitialInterval: sec(15), Interval: sec(10), Timeout: sec(1), MaxConsecutiveFailures: 0, MinConsecutiveSuccesses: 1,
			HTTP: &spec.HTTPHealthChecker{Port: "health", Endpoint: "/health", ExpectedResponse: "ok", ExpectedResponseCode: 0}}},
		{"lifecycle", blocks.Lifecycle.HTTP, &spec.HTTPLifecycle{Port: "health", GracefulShutdownEndpoint: "/quitquitquit",
			ShutdownEndpoint: "/abortabortabort", GracefulShutdownWait: sec(5), ShutdownWait: sec(5)}},
		{"announce", blocks.Announce, &spec.Announce{PrimaryPort: "health", Portmap: map[string]string{"aurora": "health"}}},
		{"partition policy block", blocks.PartitionPolicy, &spec.PartitionPolicy{Reschedule: true}},
		{"sla status_key", blocks.SLAPolicy.StatusKey, "drain"},
		{"image tag", blocks.Container.Mesos.Image.Tag, "latest"},
		{"volume mode", blocks.Container.Mesos.Volumes[0].Mode, "RO"},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("default %s = %s, want %s", tt.name, dumpValue(tt.got), dumpValue(tt.want))
		}
	}
}

// TestParseAnnounceDefaultPrimaryPort checks the primary port's default,
// which the defaults job cannot use (it has no http port).
func TestParseAnnounceDefaultPrimaryPort(t *testing.T) {
	t.Parallel()
	src := fmt.Sprintf(fieldsHCL, "announce {}", "", `ports = ["http"]`, "")
	got := parseJobs(t, src, Options{})[0].Announce
	want := &spec.Announce{PrimaryPort: "http", Portmap: map[string]string{"aurora": "http"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("announce = %s, want %s", dumpValue(got), dumpValue(want))
	}
}

// dumpValue renders a value for a failure message.
func dumpValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return fmt.Sprintf("%T %s", v, b)
}
