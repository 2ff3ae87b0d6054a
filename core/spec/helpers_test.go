package spec

import (
	"encoding/json"
	"time"
)

// validJob is the smallest valid job, built as a Go literal and defaulted
// by ApplyDefaults, as other packages' tests build theirs.
func validJob() *Job {
	j := &Job{
		Cluster: "local", Key: JobKey{Role: "www-data", Environment: "prod", Name: "hello"}, Instances: 1,
		Task: Task{
			Resources: Resources{CPU: 0.5, RAM: 128 * MiB, Disk: 128 * MiB},
			Processes: []Process{{Name: "hello", Cmdline: "echo hello"}},
		},
	}
	j.ApplyDefaults()
	return j
}

// fullJob is a valid job that sets every part of the model, defaulted.
func fullJob() *Job {
	j := NewJob()
	j.Cluster = "us-east"
	j.Key = JobKey{Role: "www-data", Environment: "prod", Name: "web"}
	j.Service = true
	j.Instances = 25
	j.Tier = TierPreferred
	j.Priority = 5
	j.MaxTaskFailures = 0
	j.Contact = "web@example.com"
	j.Constraints = map[string]string{"host": "limit:1", "dedicated": "www-data/web"}
	j.Placements = []Placement{{Name: "zone-spread", Config: json.RawMessage(`{"max_skew":1}`)}}
	j.Metadata = map[string]string{"team": "web"}
	j.Update = &UpdateConfig{BatchSize: 1, Watch: Duration(30 * time.Second), MaxPerShardFailures: 2, MaxTotalFailures: 3,
		RollbackOnFailure: false, PulseInterval: Duration(time.Minute), SLAAware: true,
		Strategy: &UpdateStrategy{Type: StrategyVariableBatch, BatchSizes: []int{1, 5}, AutopauseAfterBatch: true}}
	j.HealthCheck = &HealthCheck{InitialInterval: 0, Interval: Duration(5 * time.Second), Timeout: Duration(time.Second),
		MaxConsecutiveFailures: 2, MinConsecutiveSuccesses: 0,
		HTTP: &HTTPHealthChecker{Port: "admin", Endpoint: "/ok", ExpectedResponse: "", ExpectedResponseCode: 204}}
	j.Lifecycle = &Lifecycle{HTTP: &HTTPLifecycle{Port: "admin", GracefulShutdownEndpoint: "/stop", ShutdownEndpoint: "/kill",
		GracefulShutdownWait: 0, ShutdownWait: Duration(time.Second)}}
	j.Announce = &Announce{PrimaryPort: "http", Portmap: map[string]string{"aurora": "http", "static": "8080"}, ZKPath: "/aurora/web"}
	j.PartitionPolicy = &PartitionPolicy{Reschedule: false, Delay: Duration(time.Minute)}
	j.SLAPolicy = &SLAPolicy{Type: SLAPercentage, Percentage: 90, Duration: Duration(10 * time.Minute)}
	j.Container = &Container{Docker: &DockerContainer{Image: "python:3", Parameters: []DockerParameter{{Name: "env", Value: "A=1"}},
		Volumes: []Volume{{ContainerPath: "/data", HostPath: "/srv/data", Mode: VolumeRW}}}}
	j.Executor = "thermos"
	j.ExecutorConfig = json.RawMessage(`{"sandbox":"x"}`)
	j.EnableHooks = true
	j.Task = Task{
		Name:             "web",
		MaxFailures:      0,
		MaxConcurrency:   2,
		FinalizationWait: 0,
		Sequential:       false,
		Resources:        Resources{CPU: 1, RAM: 256 * MiB, Disk: 512 * MiB, GPU: 1, Ports: []string{"admin"}},
		Processes: []Process{
			{Name: "setup", Cmdline: "./setup", MaxFailures: 0, MinDuration: 0, Ephemeral: false},
			{Name: "serve", Cmdline: "./serve --port={{thermos.ports[http]}} --id={{mesos.instance}}", MaxFailures: 1,
				MinDuration: DefaultMinDuration, Daemon: true, After: []string{"setup"},
				Logger: &Logger{Destination: LogToBoth, Mode: LogModeRotate, Rotate: &RotatePolicy{LogSize: MiB, Backups: 0}}},
			{Name: "cleanup", Cmdline: "./cleanup", MaxFailures: 1, MinDuration: DefaultMinDuration, Final: true},
		},
	}
	j.ApplyDefaults()
	return j
}

// paths returns the path of each failure, for comparing failure lists.
func paths(errs FieldErrors) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Path
	}
	return out
}

// dump renders v as indented JSON for failure messages.
func dump(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}
