package spec

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestValidate breaks one rule per row and checks that validation reports
// exactly that one failure, at the path given, with a message containing
// the fragment.
func TestValidate(t *testing.T) {
	t.Parallel()
	withPorts := func(ports ...string) func(j *Job) {
		return func(j *Job) { j.Task.Resources.Ports = ports }
	}
	procs := func(ps ...Process) []Process { return ps }
	proc := func(name string, edit func(p *Process)) Process {
		p := NewProcess(name)
		p.Cmdline = "run " + name
		if edit != nil {
			edit(p)
		}
		return *p
	}
	sla := func(j *Job, p *SLAPolicy) {
		j.Instances, j.Tier = 20, TierPreferred
		j.SLAPolicy = p
	}
	tests := []struct {
		name     string
		edit     func(j *Job)
		path     string
		fragment string
	}{
		// Keys and job attributes.
		{"bad environment", func(j *Job) { j.Key.Environment = "prd" }, "environment", `"prd" is not an Aurora environment`},
		{"bad role", func(j *Job) { j.Key.Role = "www data" }, "role", "may contain only"},
		{"long name", func(j *Job) { j.Key.Name = strings.Repeat("a", 256) }, "name", "more than the limit of 255"},
		{"empty cluster", func(j *Job) { j.Cluster = "" }, "cluster", "must not be empty"},
		{"no instances", func(j *Job) { j.Instances = 0 }, "instances", "must be at least 1, not 0"},
		{"too many instances", func(j *Job) { j.Instances = 4001 }, "instances", "4001 exceeds the limit of 4000"},
		{"max_task_failures", func(j *Job) { j.MaxTaskFailures = -2 }, "max_task_failures", "-1 (unlimited) or at least 0"},
		{"unknown tier", func(j *Job) { j.Tier = "gold" }, "tier", `"gold" is not a tier`},
		{"production without a production tier", func(j *Job) { j.Production = true }, "production", `set tier = "preferred"`},
		{"bad executor name", func(j *Job) { j.Executor = "my executor" }, "executor", "may contain only"},
		{"executor config not an object", func(j *Job) { j.ExecutorConfig = json.RawMessage(`[1]`) }, "executor", "must be a JSON object"},
		{"empty metadata key", func(j *Job) { j.Metadata = map[string]string{"": "x"} }, "metadata", "must not be empty"},

		// Constraints.
		{"bad limit", func(j *Job) { j.Constraints = map[string]string{"host": "limit:0"} }, "constraints.host", "positive integer"},
		{"dedicated to another role", func(j *Job) { j.Constraints = map[string]string{"dedicated": "db/redis"} },
			"constraints.dedicated", `dedicated to role "db", not this job's role "www-data"`},
		{"dedicated limit", func(j *Job) { j.Constraints = map[string]string{"dedicated": "limit:1"} }, "constraints.dedicated", "one value"},
		{"dedicated negated", func(j *Job) { j.Constraints = map[string]string{"dedicated": "!www-data/x"} }, "constraints.dedicated", "one value"},
		{"dedicated two values", func(j *Job) { j.Constraints = map[string]string{"dedicated": "www-data/a,www-data/b"} }, "constraints.dedicated", "one value"},
		{"dedicated without a name", func(j *Job) { j.Constraints = map[string]string{"dedicated": "www-data"} }, "constraints.dedicated", `"ROLE/NAME"`},

		// Placements.
		{"placement twice", func(j *Job) {
			j.Placements = []Placement{{Name: "spread", Config: json.RawMessage(`{}`)}, {Name: "spread", Config: json.RawMessage(`{}`)}}
		}, "placement[spread]", "given twice"},
		{"placement name", func(j *Job) { j.Placements = []Placement{{Name: "a b", Config: json.RawMessage(`{}`)}} }, "placement[a b]", "may contain only"},
		{"placement config", func(j *Job) { j.Placements = []Placement{{Name: "x", Config: json.RawMessage(`"s"`)}} }, "placement[x]", "JSON object"},

		// Cron.
		{"bad schedule", func(j *Job) { j.Service = false; j.Cron = &Cron{Schedule: "every minute"} }, "cron.schedule", "five fields"},
		{"RUN_OVERLAP", func(j *Job) { j.Service = false; j.Cron = &Cron{Schedule: "* * * * *", CollisionPolicy: "RUN_OVERLAP"} },
			"cron.collision_policy", "deprecated"},
		{"unknown collision policy", func(j *Job) { j.Service = false; j.Cron = &Cron{Schedule: "* * * * *", CollisionPolicy: "WAIT"} },
			"cron.collision_policy", `"WAIT" is not a collision policy`},
		{"cron service", func(j *Job) { j.Service = true; j.Cron = &Cron{Schedule: "* * * * *"} }, "cron", "a cron job cannot be a service"},

		// Update.
		{"batch_size", func(j *Job) { j.Update.BatchSize = 0 }, "update.batch_size", "at least 1"},
		{"negative watch", func(j *Job) { j.Update.Watch = -1 }, "update.watch", "negative"},
		{"max_per_shard_failures", func(j *Job) { j.Update.MaxPerShardFailures = -1 }, "update.max_per_shard_failures", "at least 0"},
		{"max_total_failures >= instances", func(j *Job) { j.Instances = 3; j.Update.MaxTotalFailures = 3 },
			"update.max_total_failures", "use at most 2"},
		{"dedicated failure threshold", func(j *Job) {
			j.Instances = 100
			j.Constraints = map[string]string{"dedicated": "*/web"}
			j.Update.MaxTotalFailures = 1
		}, "update.max_total_failures", "max_total_failures >= 2"},
		{"short pulse", func(j *Job) { j.Update.PulseInterval = Duration(30 * time.Second) }, "update.pulse_interval", "at least 1m0s"},
		{"batch_size with strategy", func(j *Job) { j.Update.BatchSize = 2; j.Update.Strategy = NewUpdateStrategy("queue") },
			"update.batch_size", "cannot be combined with a strategy"},
		{"wait_for_batch_completion with strategy", func(j *Job) {
			j.Update.WaitForBatchCompletion = true
			j.Update.Strategy = NewUpdateStrategy("queue")
		}, "update.wait_for_batch_completion", `use strategy "batch"`},
		{"queue size", func(j *Job) { j.Update.Strategy = &UpdateStrategy{Type: "queue"} }, "update.strategy.batch_size", "at least 1"},
		{"queue autopause", func(j *Job) {
			j.Update.Strategy = &UpdateStrategy{Type: "queue", BatchSize: 1, AutopauseAfterBatch: true}
		},
			"update.strategy.autopause_after_batch", "no batches"},
		{"variable batch without sizes", func(j *Job) { j.Update.Strategy = NewUpdateStrategy("variable_batch") },
			"update.strategy.batch_sizes", "at least one batch size"},
		{"variable batch size zero", func(j *Job) { j.Update.Strategy = &UpdateStrategy{Type: "variable_batch", BatchSizes: []int{1, 0}} },
			"update.strategy.batch_sizes", "not 0"},
		{"unknown strategy", func(j *Job) { j.Update.Strategy = &UpdateStrategy{Type: "random", BatchSize: 1} }, "update.strategy", "not an update strategy"},
		{"sla_aware without policy", func(j *Job) { j.Update.SLAAware = true }, "update.sla_aware", "needs an sla_policy"},

		// Health checks.
		{"zero interval", func(j *Job) { j.HealthCheck = &HealthCheck{Timeout: 1, Shell: &ShellHealthChecker{Command: "true"}} },
			"health_check.interval", "greater than 0"},
		{"zero timeout", func(j *Job) { j.HealthCheck = &HealthCheck{Interval: 1, Shell: &ShellHealthChecker{Command: "true"}} },
			"health_check.timeout", "greater than 0"},
		{"negative initial interval", func(j *Job) {
			j.HealthCheck = &HealthCheck{InitialInterval: -1, Interval: 1, Timeout: 1, Shell: &ShellHealthChecker{Command: "true"}}
		}, "health_check.initial_interval", "negative"},
		{"negative max_consecutive_failures", func(j *Job) {
			j.HealthCheck = &HealthCheck{Interval: 1, Timeout: 1, MaxConsecutiveFailures: -1, Shell: &ShellHealthChecker{Command: "true"}}
		}, "health_check.max_consecutive_failures", "at least 0"},
		{"negative min_consecutive_successes", func(j *Job) {
			j.HealthCheck = &HealthCheck{Interval: 1, Timeout: 1, MinConsecutiveSuccesses: -1, Shell: &ShellHealthChecker{Command: "true"}}
		}, "health_check.min_consecutive_successes", "at least 0"},
		{"health port not requested", func(j *Job) { j.HealthCheck = NewHealthCheck() }, "health_check.http.port",
			`port "health" is not requested by the task`},
		{"health endpoint", func(j *Job) {
			withPorts("health")(j)
			j.HealthCheck = NewHealthCheck()
			j.HealthCheck.HTTP = NewHTTPHealthChecker()
			j.HealthCheck.HTTP.Endpoint = "health"
		}, "health_check.http.endpoint", "starting with '/'"},
		{"health status code", func(j *Job) {
			withPorts("health")(j)
			j.HealthCheck = NewHealthCheck()
			j.HealthCheck.HTTP = NewHTTPHealthChecker()
			j.HealthCheck.HTTP.ExpectedResponseCode = 700
		}, "health_check.http.expected_response_code", "not an HTTP status"},
		{"http and shell", func(j *Job) {
			withPorts("health")(j)
			j.HealthCheck = NewHealthCheck()
			j.HealthCheck.HTTP = NewHTTPHealthChecker()
			j.HealthCheck.Shell = &ShellHealthChecker{Command: "true"}
		}, "health_check.shell", "either http or shell"},
		{"empty shell command", func(j *Job) {
			j.HealthCheck = NewHealthCheck()
			j.HealthCheck.Shell = &ShellHealthChecker{Command: " "}
		}, "health_check.shell.command", "must not be empty"},

		// Lifecycle.
		{"lifecycle port not requested", func(j *Job) { j.Lifecycle = NewLifecycle() }, "lifecycle.http.port", `port "health" is not requested`},
		{"lifecycle endpoint", func(j *Job) {
			withPorts("health")(j)
			j.Lifecycle = NewLifecycle()
			j.Lifecycle.HTTP.ShutdownEndpoint = "abort"
		}, "lifecycle.http.shutdown_endpoint", "starting with '/'"},
		{"lifecycle wait", func(j *Job) {
			withPorts("health")(j)
			j.Lifecycle = NewLifecycle()
			j.Lifecycle.HTTP.GracefulShutdownWait = -1
		}, "lifecycle.http.graceful_shutdown_wait", "negative"},

		// Announce.
		{"primary port not requested", func(j *Job) { j.Announce = NewAnnounce(); j.Announce.Portmap = map[string]string{} },
			"announce.primary_port", `port "http" is not requested`},
		{"static port without dedicated", func(j *Job) {
			withPorts("http")(j)
			j.Announce = &Announce{PrimaryPort: "http", Portmap: map[string]string{"aurora": "http", "legacy": "8080"}}
		}, "announce.portmap.legacy", "only a dedicated job"},
		{"static port out of range", func(j *Job) {
			withPorts("http")(j)
			j.Constraints = map[string]string{"dedicated": "www-data/x"}
			j.Announce = &Announce{PrimaryPort: "http", Portmap: map[string]string{"legacy": "70000"}}
		}, "announce.portmap.legacy", "not between 1 and 65535"},
		{"alias of an unrequested port", func(j *Job) {
			withPorts("http")(j)
			j.Announce = &Announce{PrimaryPort: "http", Portmap: map[string]string{"admin": "admin"}}
		}, "announce.portmap.admin", `port "admin" is not requested`},
		{"relative zk_path", func(j *Job) {
			withPorts("http")(j)
			j.Announce = &Announce{PrimaryPort: "http", ZKPath: "aurora/x"}
		}, "announce.zk_path", "absolute ZooKeeper path"},

		// Partition and SLA policies.
		{"partition delay", func(j *Job) { j.PartitionPolicy.Delay = -1 }, "partition_policy.delay", "negative"},
		{"sla on a preemptible tier", func(j *Job) {
			sla(j, &SLAPolicy{Type: "count", Count: 1, Duration: 1})
			j.Tier = TierPreemptible
		}, "sla_policy", "needs a production tier"},
		{"sla with few instances", func(j *Job) {
			sla(j, &SLAPolicy{Type: "count", Count: 1, Duration: 1})
			j.Instances = 19
		}, "sla_policy", "at least 20 instances"},
		{"sla count", func(j *Job) { sla(j, &SLAPolicy{Type: "count", Count: 20, Duration: 1}) }, "sla_policy.count", "so that one may be killed"},
		{"sla percentage", func(j *Job) { sla(j, &SLAPolicy{Type: "percentage", Percentage: 96, Duration: 1}) },
			"sla_policy.percentage", "use at most 95"},
		{"sla duration", func(j *Job) { sla(j, &SLAPolicy{Type: "count", Count: 1, Duration: Duration(3 * time.Hour)}) },
			"sla_policy.duration", "exceeds the limit of 2h0m0s"},
		{"sla coordinator url", func(j *Job) { sla(j, &SLAPolicy{Type: "coordinator", CoordinatorURL: "coordinator:8080"}) },
			"sla_policy.coordinator_url", "not an http or https URL"},
		{"sla type", func(j *Job) { sla(j, &SLAPolicy{Type: "best-effort"}) }, "sla_policy", "not an SLA policy"},

		// Containers.
		{"docker and mesos", func(j *Job) {
			j.Container = &Container{Docker: &DockerContainer{Image: "x"}, Mesos: &MesosContainer{}}
		}, "container.mesos", "either docker or mesos"},
		{"empty container", func(j *Job) { j.Container = &Container{} }, "container", "needs a docker or a mesos block"},
		{"docker image", func(j *Job) { j.Container = &Container{Docker: &DockerContainer{}} }, "container.docker.image", "must not be empty"},
		{"docker parameter", func(j *Job) {
			j.Container = &Container{Docker: &DockerContainer{Image: "x", Parameters: []DockerParameter{{Value: "v"}}}}
		}, "container.docker.parameter[0].name", "must not be empty"},
		{"relative volume", func(j *Job) {
			j.Container = &Container{Docker: &DockerContainer{Image: "x", Volumes: []Volume{{ContainerPath: "data", HostPath: "/d"}}}}
		}, "container.docker.volume[0].container_path", "absolute path"},
		{"volume mode", func(j *Job) {
			j.Container = &Container{Mesos: &MesosContainer{Volumes: []Volume{{ContainerPath: "/d", HostPath: "/d", Mode: "rw"}}}}
		}, "container.mesos.volume[0].mode", "use RO or RW"},
		{"appc without image_id", func(j *Job) {
			j.Container = &Container{Mesos: &MesosContainer{Image: &MesosImage{Type: "appc", Name: "x"}}}
		}, "container.mesos.image.image_id", "needs an image_id"},
		{"image type", func(j *Job) {
			j.Container = &Container{Mesos: &MesosContainer{Image: &MesosImage{Type: "oci", Name: "x"}}}
		}, "container.mesos.image", "not an image type"},

		// Task, resources and processes.
		{"task max_failures", func(j *Job) { j.Task.MaxFailures = -1 }, "task.max_failures", "at least 0"},
		{"task max_concurrency", func(j *Job) { j.Task.MaxConcurrency = -1 }, "task.max_concurrency", "at least 0"},
		{"finalization_wait", func(j *Job) { j.Task.FinalizationWait = -1 }, "task.finalization_wait", "negative"},
		{"task name", func(j *Job) { j.Task.Name = "a/b" }, "task.name", "may contain only"},
		{"no processes", func(j *Job) { j.Task.Processes = nil }, "task.process", "at least one process"},
		{"duplicate process", func(j *Job) { j.Task.Processes = procs(proc("a", nil), proc("b", nil), proc("a", nil)) },
			"task.process[a]", "unique"},
		{"cpu", func(j *Job) { j.Task.Resources.CPU = 0 }, "task.resources.cpu", "greater than 0"},
		{"ram", func(j *Job) { j.Task.Resources.RAM = 0 }, "task.resources.ram", "greater than 0"},
		{"disk", func(j *Job) { j.Task.Resources.Disk = -1 }, "task.resources.disk", "greater than 0"},
		{"gpu", func(j *Job) { j.Task.Resources.GPU = -1 }, "task.resources.gpu", "negative"},
		{"port name", withPorts("a b"), "task.resources.ports", `port name "a b"`},
		{"port twice", withPorts("http", "http"), "task.resources.ports", "named twice"},
		{"process name", func(j *Job) { j.Task.Processes = procs(proc("a/b", nil)) }, "task.process[a/b]", "may contain only"},
		{"process leading dot", func(j *Job) { j.Task.Processes = procs(proc(".hidden", nil)) }, "task.process[.hidden]", "must not start with '.'"},
		{"empty cmdline", func(j *Job) { j.Task.Processes[0].Cmdline = "  " }, "task.process[hello].cmdline", "must not be empty"},
		{"process max_failures", func(j *Job) { j.Task.Processes[0].MaxFailures = -1 }, "task.process[hello].max_failures", "at least 0"},
		{"min_duration", func(j *Job) { j.Task.Processes[0].MinDuration = -1 }, "task.process[hello].min_duration", "negative"},
		{"log destination", func(j *Job) { j.Task.Processes[0].Logger = &Logger{Destination: "syslog", Mode: "standard"} },
			"task.process[hello].logger.destination", "not a log destination"},
		{"log mode", func(j *Job) { j.Task.Processes[0].Logger = &Logger{Destination: "file", Mode: "daily"} },
			"task.process[hello].logger.mode", "not a log mode"},
		{"rotate in standard mode", func(j *Job) {
			j.Task.Processes[0].Logger = &Logger{Destination: "file", Mode: "standard", Rotate: NewRotatePolicy()}
		}, "task.process[hello].logger.rotate", `only with mode = "rotate"`},
		{"rotate to the console", func(j *Job) { j.Task.Processes[0].Logger = &Logger{Destination: "console", Mode: "rotate"} },
			"task.process[hello].logger.mode", "writes none"},
		{"log size", func(j *Job) {
			j.Task.Processes[0].Logger = &Logger{Destination: "file", Mode: "rotate", Rotate: &RotatePolicy{LogSize: 0, Backups: 1}}
		}, "task.process[hello].logger.rotate.log_size", "greater than 0"},
		{"log backups", func(j *Job) {
			j.Task.Processes[0].Logger = &Logger{Destination: "file", Mode: "rotate", Rotate: &RotatePolicy{LogSize: 1, Backups: -1}}
		}, "task.process[hello].logger.rotate.backups", "at least 0"},

		// Process ordering (Thermos's planner).
		{"after unknown", func(j *Job) { j.Task.Processes[0].After = []string{"setup"} }, "task.process[hello].after", `unknown process "setup"`},
		{"after itself", func(j *Job) { j.Task.Processes[0].After = []string{"hello"} }, "task.process[hello].after", "cannot wait for itself"},
		{"after a daemon", func(j *Job) {
			j.Task.Processes = procs(proc("d", func(p *Process) { p.Daemon = true }), proc("b", func(p *Process) { p.After = []string{"d"} }))
		}, "task.process[b].after", `cannot run after daemon process "d"`},
		{"after an ephemeral", func(j *Job) {
			j.Task.Processes = procs(proc("e", func(p *Process) { p.Ephemeral = true }), proc("b", func(p *Process) { p.After = []string{"e"} }))
		}, "task.process[b].after", `only an ephemeral process may depend on an ephemeral one`},
		{"final after ordinary", func(j *Job) {
			j.Task.Processes = procs(proc("a", nil), proc("f", func(p *Process) { p.Final = true; p.After = []string{"a"} }))
		}, "task.process[f].after", "a final process may depend only on other final processes"},
		{"ordinary after final", func(j *Job) {
			j.Task.Processes = procs(proc("f", func(p *Process) { p.Final = true }), proc("a", func(p *Process) { p.After = []string{"f"} }))
		}, "task.process[a].after", "final processes run after every ordinary process"},
		{"cycle", func(j *Job) {
			j.Task.Processes = procs(
				proc("a", func(p *Process) { p.After = []string{"c"} }),
				proc("b", func(p *Process) { p.After = []string{"a"} }),
				proc("c", func(p *Process) { p.After = []string{"b"} }))
		}, "task.process[a].after", "cycle: a -> c -> b -> a"},
		{"sequential after a daemon", func(j *Job) {
			j.Task.Sequential = true
			j.Task.Processes = procs(proc("d", func(p *Process) { p.Daemon = true }), proc("b", nil))
		}, "task.sequential", `process "b" cannot run after daemon process "d"`},
		{"sequential cycle", func(j *Job) {
			j.Task.Sequential = true
			j.Task.Processes = procs(proc("a", func(p *Process) { p.After = []string{"b"} }), proc("b", nil))
		}, "task.process[a].after", "cycle: a -> b -> a"},

		// Templates.
		{"unknown template", func(j *Job) { j.Task.Processes[0].Cmdline = "echo {{profile.version}}" },
			"task.process[hello].cmdline", "unknown template {{profile.version}}"},
		{"bad port template", func(j *Job) { j.Task.Processes[0].Cmdline = "echo {{thermos.ports[a b]}}" },
			"task.process[hello].cmdline", "unknown template {{thermos.ports[a b]}}"},
		{"empty template", func(j *Job) { j.Task.Processes[0].Cmdline = "echo {{ }}" }, "task.process[hello].cmdline", "empty template"},
		{"runtime template outside the executor", func(j *Job) {
			j.Container = &Container{Docker: &DockerContainer{Image: "app:{{mesos.instance}}"}}
		}, "container.docker.image", "bound by the executor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := validJob()
			tt.edit(j)
			j.ApplyDefaults()
			errs := j.Validate()
			if len(errs) != 1 || errs[0].Path != tt.path || !strings.Contains(errs[0].Message, tt.fragment) {
				t.Errorf("Validate() = %v\nwant one failure at %s containing %q", errs, tt.path, tt.fragment)
			}
		})
	}
}

// TestValidateValid checks jobs that sit on the edge of a rule.
func TestValidateValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(j *Job)
	}{
		{"full", func(j *Job) { *j = *fullJob() }},
		{"dedicated to any role", func(j *Job) { j.Constraints = map[string]string{"dedicated": "*/redis"} }},
		{"4000 instances", func(j *Job) { j.Instances = 4000 }},
		{"unlimited task failures", func(j *Job) { j.MaxTaskFailures = -1 }},
		{"explicit zeros", func(j *Job) {
			j.MaxTaskFailures, j.Task.MaxFailures, j.Task.FinalizationWait = 0, 0, 0
			j.Task.Processes[0].MaxFailures, j.Task.Processes[0].MinDuration = 0, 0
			j.Update.Watch = 0
		}},
		{"staging environment", func(j *Job) { j.Key.Environment = "staging12" }},
		{"cron batch job", func(j *Job) { j.Service = false; j.Cron = &Cron{Schedule: "0 2 * * MON-FRI"} }},
		{"port from a template", func(j *Job) {
			j.Task.Processes[0].Cmdline = "serve {{thermos.ports[health]}}"
			j.HealthCheck, j.Lifecycle, j.Announce = NewHealthCheck(), NewLifecycle(), &Announce{PrimaryPort: "health"}
		}},
		{"shell health check without ports", func(j *Job) {
			j.HealthCheck = NewHealthCheck()
			j.HealthCheck.Shell = &ShellHealthChecker{Command: "pgrep hello"}
		}},
		{"disabled lifecycle", func(j *Job) { j.Lifecycle = &Lifecycle{} }},
		{"ephemeral after ephemeral", func(j *Job) {
			j.Task.Processes = []Process{
				{Name: "a", Cmdline: "a", Ephemeral: true},
				{Name: "b", Cmdline: "b", Ephemeral: true, After: []string{"a"}},
			}
		}},
		{"sequential stages", func(j *Job) {
			j.Task.Sequential = true
			j.Task.Processes = []Process{{Name: "a", Cmdline: "a"}, {Name: "f", Cmdline: "f", Final: true}, {Name: "b", Cmdline: "b"},
				{Name: "g", Cmdline: "g", Final: true}}
		}},
		{"runtime templates in a cmdline", func(j *Job) {
			j.Task.Processes[0].Cmdline = "echo {{mesos.instance}} {{mesos.hostname}} {{thermos.task_id}} {{role}} {{environment}} {{name}} {{cluster}} {{thermos.ports[http]}}"
		}},
		{"job attributes outside the executor", func(j *Job) {
			j.Container = &Container{Docker: &DockerContainer{Image: "registry/{{role}}/{{name}}:{{environment}}-{{cluster}}"}}
		}},
	}
	for _, tt := range tests {
		j := validJob()
		tt.edit(j)
		j.ApplyDefaults()
		if errs := j.Validate(); len(errs) != 0 {
			t.Errorf("%s: Validate() = %v, want no failures", tt.name, errs)
		}
	}
}

// TestValidateNamesEveryFailure checks that all failures are reported,
// in a stable order.
func TestValidateNamesEveryFailure(t *testing.T) {
	t.Parallel()
	j := validJob()
	j.Instances = 0
	j.Tier = "gold"
	j.Task.Resources.CPU = 0
	j.Task.Processes = append(j.Task.Processes, Process{Name: "hello", Cmdline: ""}, Process{Name: "b", Cmdline: "x", After: []string{"nope"}})
	j.Constraints = map[string]string{"host": "limit:zero", "zone": ""}
	want := []string{"instances", "tier", "constraints.host", "constraints.zone", "task.resources.cpu", "task.process[hello]",
		"task.process[hello].cmdline", "task.process[b].after"}
	if got := paths(j.Validate()); !reflect.DeepEqual(got, want) {
		t.Fatalf("failure paths = %v, want %v", got, want)
	}
}
