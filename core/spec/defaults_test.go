package spec

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestConstructorDefaults checks every one of Aurora's defaults (reference
// aurora.md section 2), written out as literals so that a wrong constant
// fails too.
func TestConstructorDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		got, want any
	}{
		{"job", NewJob(), &Job{
			Instances: 1, Tier: "preemptible", MaxTaskFailures: 1, Executor: "thermos",
			Update:          &UpdateConfig{BatchSize: 1, Watch: Duration(45 * time.Second), RollbackOnFailure: true},
			PartitionPolicy: &PartitionPolicy{Reschedule: true, Delay: 0},
			Task:            Task{MaxFailures: 1, MaxConcurrency: 0, FinalizationWait: Duration(30 * time.Second)},
		}},
		{"task", NewTask(), &Task{MaxFailures: 1, FinalizationWait: Duration(30 * time.Second)}},
		{"process", NewProcess("p"), &Process{Name: "p", MaxFailures: 1, MinDuration: Duration(5 * time.Second)}},
		{"logger", NewLogger(), &Logger{Destination: "file", Mode: "standard"}},
		{"rotate", NewRotatePolicy(), &RotatePolicy{LogSize: 100 << 20, Backups: 5}},
		{"update", NewUpdateConfig(), &UpdateConfig{BatchSize: 1, Watch: Duration(45 * time.Second), RollbackOnFailure: true}},
		{"queue strategy", NewUpdateStrategy("queue"), &UpdateStrategy{Type: "queue", BatchSize: 1}},
		{"batch strategy", NewUpdateStrategy("batch"), &UpdateStrategy{Type: "batch", BatchSize: 1}},
		{"variable batch strategy", NewUpdateStrategy("variable_batch"), &UpdateStrategy{Type: "variable_batch"}},
		{"health check", NewHealthCheck(), &HealthCheck{InitialInterval: Duration(15 * time.Second),
			Interval: Duration(10 * time.Second), Timeout: Duration(time.Second), MaxConsecutiveFailures: 0, MinConsecutiveSuccesses: 1}},
		{"http health checker", NewHTTPHealthChecker(), &HTTPHealthChecker{Port: "health", Endpoint: "/health",
			ExpectedResponse: "ok", ExpectedResponseCode: 0}},
		{"lifecycle", NewLifecycle(), &Lifecycle{HTTP: &HTTPLifecycle{Port: "health",
			GracefulShutdownEndpoint: "/quitquitquit", ShutdownEndpoint: "/abortabortabort",
			GracefulShutdownWait: Duration(5 * time.Second), ShutdownWait: Duration(5 * time.Second)}}},
		{"announce", NewAnnounce(), &Announce{PrimaryPort: "http"}},
		{"cron", NewCron(), &Cron{CollisionPolicy: "KILL_EXISTING"}},
		{"partition policy", NewPartitionPolicy(), &PartitionPolicy{Reschedule: true}},
		{"coordinator sla", NewSLAPolicy("coordinator"), &SLAPolicy{Type: "coordinator", StatusKey: "drain"}},
		{"count sla", NewSLAPolicy("count"), &SLAPolicy{Type: "count"}},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s defaults =\n%s\nwant\n%s", tt.name, dump(tt.got), dump(tt.want))
		}
	}
}

// TestApplyDefaults checks what ApplyDefaults fills in a job built as a Go
// literal: only what can never be meant as written.
func TestApplyDefaults(t *testing.T) {
	t.Parallel()
	j := &Job{
		Cluster: "local", Key: JobKey{Role: "www-data", Environment: "prod", Name: "web"}, Instances: 1,
		Cron:        &Cron{Schedule: "* * * * *"},
		HealthCheck: &HealthCheck{Interval: Duration(time.Second), HTTP: &HTTPHealthChecker{}},
		Lifecycle:   &Lifecycle{HTTP: &HTTPLifecycle{}},
		Announce:    &Announce{},
		SLAPolicy:   &SLAPolicy{Type: "coordinator"},
		Container:   &Container{Mesos: &MesosContainer{Image: &MesosImage{Type: "docker", Name: "busybox"}, Volumes: []Volume{{ContainerPath: "/a", HostPath: "/b"}}}},
		Task: Task{
			Resources: Resources{CPU: 1, RAM: MiB, Disk: MiB, Ports: []string{"admin"}},
			Processes: []Process{
				{Name: "first", Cmdline: "serve {{thermos.ports[http]}} {{thermos.ports[admin]}} {{ thermos.ports[http] }}",
					Logger: &Logger{Mode: "rotate"}},
				{Name: "second", Cmdline: "echo {{thermos.user}}@{{mesos.cluster}} {{mesos.role}}"},
			},
		},
	}
	j.ApplyDefaults()
	noChecker := &Job{HealthCheck: &HealthCheck{}}
	noChecker.ApplyDefaults()
	got := map[string]any{
		"default checker":  noChecker.HealthCheck.HTTP,
		"tier":             j.Tier,
		"production":       j.Production,
		"executor":         j.Executor,
		"update":           j.Update,
		"partition_policy": j.PartitionPolicy,
		"collision_policy": j.Cron.CollisionPolicy,
		"health checker":   j.HealthCheck.HTTP,
		"lifecycle":        j.Lifecycle.HTTP,
		"announce":         j.Announce,
		"status_key":       j.SLAPolicy.StatusKey,
		"image tag":        j.Container.Mesos.Image.Tag,
		"volume mode":      j.Container.Mesos.Volumes[0].Mode,
		"task name":        j.Task.Name,
		"logger":           j.Task.Processes[0].Logger,
		"ports":            j.Task.Resources.Ports,
		"cmdlines":         []string{j.Task.Processes[0].Cmdline, j.Task.Processes[1].Cmdline},
		// Explicit zeros stay zero.
		"zeros": []any{j.MaxTaskFailures, j.Task.MaxFailures, j.Task.FinalizationWait, j.Task.Processes[0].MaxFailures,
			j.Task.Processes[0].MinDuration, j.HealthCheck.InitialInterval, j.HealthCheck.MinConsecutiveSuccesses},
	}
	want := map[string]any{
		"default checker":  &HTTPHealthChecker{Port: "health", Endpoint: "/health", ExpectedResponse: "ok"},
		"tier":             "preemptible",
		"production":       false,
		"executor":         "thermos",
		"update":           &UpdateConfig{BatchSize: 1, Watch: Duration(45 * time.Second), RollbackOnFailure: true},
		"partition_policy": &PartitionPolicy{Reschedule: true},
		"collision_policy": "KILL_EXISTING",
		"health checker":   &HTTPHealthChecker{Port: "health", Endpoint: "/health"},
		"lifecycle":        &HTTPLifecycle{Port: "health", GracefulShutdownEndpoint: "/quitquitquit", ShutdownEndpoint: "/abortabortabort"},
		"announce":         &Announce{PrimaryPort: "http", Portmap: map[string]string{"aurora": "http"}},
		"status_key":       "drain",
		"image tag":        "latest",
		"volume mode":      "RO",
		"task name":        "first",
		"logger":           &Logger{Destination: "file", Mode: "rotate", Rotate: &RotatePolicy{LogSize: 100 << 20, Backups: 5}},
		"ports":            []string{"admin", "http"},
		"cmdlines":         []string{"serve {{thermos.ports[http]}} {{thermos.ports[admin]}} {{thermos.ports[http]}}", "echo {{role}}@{{cluster}} {{role}}"},
		"zeros":            []any{0, 0, Duration(0), 0, Duration(0), Duration(0), 0},
	}
	for k := range want {
		if !reflect.DeepEqual(got[k], want[k]) {
			t.Errorf("after ApplyDefaults, %s = %s, want %s", k, dump(got[k]), dump(want[k]))
		}
	}
}

// TestApplyDefaultsProduction checks that a production tier marks the job
// production, and that production alone does not change the tier.
func TestApplyDefaultsProduction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tier           string
		production     bool
		wantTier       string
		wantProduction bool
	}{
		{"", false, "preemptible", false},
		{"preferred", false, "preferred", true},
		{"revocable", false, "revocable", false},
		{"", true, "preemptible", true}, // and Validate rejects it
	}
	for _, tt := range tests {
		j := validJob()
		j.Tier, j.Production = tt.tier, tt.production
		j.ApplyDefaults()
		if j.Tier != tt.wantTier || j.Production != tt.wantProduction {
			t.Errorf("tier %q production %t: got tier %q production %t, want %q %t",
				tt.tier, tt.production, j.Tier, j.Production, tt.wantTier, tt.wantProduction)
		}
	}
}

func TestApplyDefaultsIsIdempotent(t *testing.T) {
	t.Parallel()
	for name, j := range map[string]*Job{"valid": validJob(), "full": fullJob()} {
		before := dump(j)
		j.ApplyDefaults()
		if after := dump(j); after != before {
			t.Errorf("%s: a second ApplyDefaults changed the job:\n%s\nwant\n%s", name, after, before)
		}
	}
}

// TestJSONDefaults checks the API contract: an omitted field takes
// Aurora's default, a present one keeps its value, even when zero.
func TestJSONDefaults(t *testing.T) {
	t.Parallel()
	const omitted = `{"cluster":"local","key":{"role":"www-data","environment":"prod","name":"hello"},
		"update":{"watch":"10s","strategy":{"type":"batch"}},
		"health_check":{"http":{"port":"admin"}},
		"lifecycle":{"http":{}},
		"partition_policy":{"delay":"1m"},
		"task":{"resources":{"cpu":1,"ram":1048576,"disk":1048576},
			"processes":[{"name":"p","cmdline":"x","logger":{"mode":"rotate","rotate":{"backups":1}}}]}}`
	const zeros = `{"cluster":"local","key":{"role":"www-data","environment":"prod","name":"hello"},
		"instances":0,"max_task_failures":0,
		"update":{"batch_size":0,"watch":"0s","rollback_on_failure":false,"strategy":{"type":"queue","batch_size":0}},
		"health_check":{"initial_interval":"0s","min_consecutive_successes":0,"http":{"expected_response":""}},
		"lifecycle":{"http":{"graceful_shutdown_wait":"0s"}},
		"partition_policy":{"reschedule":false},
		"task":{"max_failures":0,"finalization_wait":"0s","resources":{"cpu":1,"ram":1048576,"disk":1048576},
			"processes":[{"name":"p","cmdline":"x","max_failures":0,"min_duration":"0s","logger":{"mode":"rotate","rotate":{"log_size":0,"backups":0}}}]}}`

	var d, z Job
	if err := json.Unmarshal([]byte(omitted), &d); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if err := json.Unmarshal([]byte(zeros), &z); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	got := []any{
		d.Instances, d.MaxTaskFailures, d.Update.BatchSize, d.Update.Watch, d.Update.RollbackOnFailure, d.Update.Strategy.BatchSize,
		d.HealthCheck.InitialInterval, d.HealthCheck.MinConsecutiveSuccesses, d.HealthCheck.HTTP.Port, d.HealthCheck.HTTP.ExpectedResponse,
		d.Lifecycle.HTTP.GracefulShutdownWait, d.PartitionPolicy.Reschedule, d.PartitionPolicy.Delay,
		d.Task.MaxFailures, d.Task.FinalizationWait, d.Task.Processes[0].MaxFailures, d.Task.Processes[0].MinDuration,
		d.Task.Processes[0].Logger.Rotate.LogSize, d.Task.Processes[0].Logger.Rotate.Backups,
	}
	want := []any{
		1, 1, 1, Duration(10 * time.Second), true, 1,
		Duration(15 * time.Second), 1, "admin", "ok",
		Duration(5 * time.Second), true, Duration(time.Minute),
		1, Duration(30 * time.Second), 1, Duration(5 * time.Second),
		int64(100 << 20), 1,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("omitted fields decode as\n%v\nwant the defaults\n%v", got, want)
	}
	got = []any{
		z.Instances, z.MaxTaskFailures, z.Update.BatchSize, z.Update.Watch, z.Update.RollbackOnFailure, z.Update.Strategy.BatchSize,
		z.HealthCheck.InitialInterval, z.HealthCheck.MinConsecutiveSuccesses, z.HealthCheck.HTTP.ExpectedResponse,
		z.Lifecycle.HTTP.GracefulShutdownWait, z.PartitionPolicy.Reschedule,
		z.Task.MaxFailures, z.Task.FinalizationWait, z.Task.Processes[0].MaxFailures, z.Task.Processes[0].MinDuration,
		z.Task.Processes[0].Logger.Rotate.LogSize, z.Task.Processes[0].Logger.Rotate.Backups,
	}
	want = []any{
		0, 0, 0, Duration(0), false, 0,
		Duration(0), 0, "",
		Duration(0), false,
		0, Duration(0), 0, Duration(0),
		int64(0), 0,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("explicit zeros decode as\n%v\nwant\n%v", got, want)
	}
}

// TestJSONRoundTrip checks that a job survives the API and the log: what
// is marshaled decodes to the same job, defaulted or not.
func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	literal := validJob()
	literal.Tier, literal.Executor, literal.Update, literal.PartitionPolicy = "", "", nil, nil
	literal.Task.MaxFailures, literal.Task.Processes[0].MinDuration = 0, 0
	for name, j := range map[string]*Job{"valid": validJob(), "full": fullJob(), "undefaulted": literal} {
		b, err := json.Marshal(j)
		if err != nil {
			t.Fatalf("%s: marshal: %v", name, err)
		}
		var back Job
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: unmarshal: %v", name, err)
		}
		if !reflect.DeepEqual(&back, j) {
			t.Errorf("%s: round trip =\n%s\nwant\n%s", name, dump(&back), dump(j))
		}
	}
}

// TestJSONMatchesNewJob checks that a minimal API payload means the same
// job as the same fields written over NewJob, once both are defaulted.
func TestJSONMatchesNewJob(t *testing.T) {
	t.Parallel()
	const payload = `{"cluster":"local","key":{"role":"www-data","environment":"prod","name":"hello"},
		"task":{"resources":{"cpu":1,"ram":1048576,"disk":1048576},"processes":[{"name":"p","cmdline":"x"}]}}`
	var got Job
	if err := json.Unmarshal([]byte(payload), &got); err != nil {
		t.Fatal(err)
	}
	got.ApplyDefaults()
	want := NewJob()
	want.Cluster, want.Key = "local", JobKey{Role: "www-data", Environment: "prod", Name: "hello"}
	want.Task.Resources = Resources{CPU: 1, RAM: MiB, Disk: MiB}
	p := NewProcess("p")
	p.Cmdline = "x"
	want.Task.Processes = []Process{*p}
	want.ApplyDefaults()
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("decoded payload =\n%s\nwant\n%s", dump(&got), dump(want))
	}
}
