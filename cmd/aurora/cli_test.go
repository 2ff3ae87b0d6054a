package main

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mitchellh/cli"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// Every verb explains itself with an example.
func TestEveryVerbHasHelpWithAnExample(t *testing.T) {
	for name, factory := range commands(&Meta{UI: cli.NewMockUi()}) {
		if !strings.Contains(name, " ") {
			continue // nouns list their verbs
		}
		c, err := factory()
		if err != nil {
			t.Fatal(err)
		}
		help := c.Help()
		if !strings.HasPrefix(help, "Usage: aurora "+name) {
			t.Errorf("%s: help does not start with its usage:\n%s", name, help)
		}
		if !strings.Contains(help, "Example:\n  aurora "+name) {
			t.Errorf("%s: help has no example of the verb:\n%s", name, help)
		}
		if c.Synopsis() == "" {
			t.Errorf("%s: no synopsis", name)
		}
	}
}

func TestParseData(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"4GB", 4 << 30, true},
		{"4G", 4 << 30, true},
		{"4gb", 4 << 30, true},
		{"512MB", 512 << 20, true},
		{"1.5T", 3 << 39, true},
		{"4096", 4096 << 20, true}, // MB, Aurora's quota unit
		{"100B", 100, true},
		{"4XB", 0, false},
		{"-1GB", 0, false},
		{"GB", 0, false},
	}
	for _, tt := range tests {
		got, err := parseData(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseData(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30s", 30 * time.Second, true},
		{"10m", 10 * time.Minute, true},
		{"7d", 7 * 24 * time.Hour, true},
		{"1d12h", 36 * time.Hour, true},
		{"xd", 0, false},
		{"soon", 0, false},
		{"-5m", 0, false},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseDuration(%q) = %s, %v; want %s ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestFormatInstances(t *testing.T) {
	tests := []struct {
		in   []int
		want string
	}{
		{nil, ""},
		{[]int{3}, "3"},
		{[]int{0, 1, 2, 5}, "0-2,5"},
		{[]int{0, 2, 3, 4, 7, 8}, "0,2-4,7-8"},
	}
	for _, tt := range tests {
		if got := formatInstances(tt.in); got != tt.want {
			t.Errorf("formatInstances(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseInstanceKey(t *testing.T) {
	key, inst, err := parseInstanceKey("local/www-data/prod/hello/0-2,5")
	if err != nil || key.String() != "local/www-data/prod/hello" || !reflect.DeepEqual(inst, []int{0, 1, 2, 5}) {
		t.Errorf("got %v %v %v", key, inst, err)
	}
	for _, bad := range []string{"local/www-data/prod", "local/www-data/prod/hello/2-1", "local/www-data/prod/hello/x"} {
		if _, _, err := parseInstanceKey(bad); err == nil {
			t.Errorf("parseInstanceKey(%q) accepted it", bad)
		}
	}
}

func TestIsPattern(t *testing.T) {
	tests := map[string]bool{
		"local/www-data/prod/hello":   false,
		"local/www-data/prod/hello/0": false,
		"local/www-data":              true,
		"local/*/prod/hel*":           true,
		"local/www-data/prod/h?llo":   true,
	}
	for in, want := range tests {
		if got := isPattern(in); got != want {
			t.Errorf("isPattern(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestReached(t *testing.T) {
	tests := []struct {
		until   string
		st      taskstate.Status
		service bool
		want    bool
	}{
		{waitPending, taskstate.Pending, true, true},
		{waitRunning, taskstate.Pending, true, false},
		{waitRunning, taskstate.Running, true, true},
		{waitRunning, taskstate.Failed, true, false}, // a service comes back
		{waitRunning, taskstate.Finished, false, true},
		{waitFinished, taskstate.Running, false, false},
		{waitFinished, taskstate.Finished, false, true},
		{waitFinished, taskstate.Killed, true, true},
	}
	for _, tt := range tests {
		if got := reached(tt.until, tt.st, tt.service); got != tt.want {
			t.Errorf("reached(%s, %s, service=%v) = %v, want %v", tt.until, tt.st, tt.service, got, tt.want)
		}
	}
}

func taskWith(instance int, st taskstate.Status, events ...state.Event) api.TaskStatus {
	return api.TaskStatus{Task: &state.Task{ID: "t", Instance: instance, Status: st, Events: events}}
}

func TestSLA(t *testing.T) {
	now := time.Unix(10_000, 0)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	ev := func(st taskstate.Status, at time.Time) state.Event { return state.Event{Time: at, Status: st} }
	tasks := []api.TaskStatus{
		taskWith(0, taskstate.Running, ev(taskstate.Pending, ago(3*time.Hour)), ev(taskstate.Starting, ago(2*time.Hour)), ev(taskstate.Running, ago(time.Hour))),
		taskWith(1, taskstate.Running, ev(taskstate.Running, ago(30*time.Minute+500*time.Millisecond))), // no STARTING: from RUNNING
		taskWith(2, taskstate.Restarting, ev(taskstate.Starting, ago(5*time.Minute)), ev(taskstate.Restarting, ago(time.Minute))),
		taskWith(3, taskstate.Running, ev(taskstate.Starting, ago(10*time.Second))),
		taskWith(4, taskstate.Pending, ev(taskstate.Pending, ago(time.Hour))), // not live
		taskWith(5, taskstate.Killed, ev(taskstate.Starting, ago(time.Hour))), // not live
	}
	up := uptimes(tasks, now)
	want := map[int]time.Duration{0: 2 * time.Hour, 1: 30 * time.Minute, 2: 5 * time.Minute, 3: 10 * time.Second}
	if !reflect.DeepEqual(up, want) {
		t.Fatalf("uptimes = %v, want %v", up, want)
	}
	for _, tt := range []struct {
		d    time.Duration
		want float64
	}{{time.Second, 100}, {time.Minute, 75}, {time.Hour, 25}, {3 * time.Hour, 0}} {
		if got := taskUpCount(up, tt.d); got != tt.want {
			t.Errorf("taskUpCount(%s) = %g, want %g", tt.d, got, tt.want)
		}
	}
	// Sorted uptimes: 10s, 5m, 30m, 2h. Aurora's index is
	// n - floor(p*n/100) - 1.
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{50, 5 * time.Minute}, {75, 10 * time.Second}, {99, 10 * time.Second}, {25, 30 * time.Minute}, {10, 2 * time.Hour}} {
		if got, err := jobUptime(up, tt.p); err != nil || got != tt.want {
			t.Errorf("jobUptime(%g) = %s, %v; want %s", tt.p, got, err, tt.want)
		}
	}
	if _, err := jobUptime(up, 100); err == nil {
		t.Error("jobUptime(100) must be refused")
	}
	if got := taskUpCount(nil, time.Second); got != 0 {
		t.Errorf("taskUpCount of no tasks = %g, want 0", got)
	}
}

func TestDiffJob(t *testing.T) {
	base := func(instances int, cmd string, cpu float64) *spec.Job {
		j := spec.NewJob()
		j.Cluster, j.Key = "local", spec.JobKey{Role: "www-data", Environment: "prod", Name: "web"}
		j.Instances = instances
		j.Task.Processes = []spec.Process{*spec.NewProcess("main")}
		j.Task.Processes[0].Cmdline = cmd
		j.Task.Resources = spec.Resources{CPU: cpu, RAM: 16 << 20, Disk: 16 << 20}
		j.ApplyDefaults()
		return j
	}
	old := base(3, "sleep 100", 0.1)
	running := map[int]*spec.Job{0: old, 1: old, 2: base(3, "sleep 100", 0.5), 3: old}
	local := base(5, "sleep 200", 0.1)
	diffs, err := diffJob(local, running)
	if err != nil {
		t.Fatal(err)
	}
	want := []InstanceDiff{
		{Instances: []int{0, 1}, Action: diffChange, Changes: []FieldChange{
			{Path: "task.processes[main].cmdline", Running: "sleep 100", Local: "sleep 200"}}},
		{Instances: []int{2}, Action: diffChange, Changes: []FieldChange{
			{Path: "task.processes[main].cmdline", Running: "sleep 100", Local: "sleep 200"},
			{Path: "task.resources.cpu", Running: 0.5, Local: 0.1}}},
		{Instances: []int{3}, Action: diffChange, Changes: []FieldChange{
			{Path: "task.processes[main].cmdline", Running: "sleep 100", Local: "sleep 200"}}},
		{Instances: []int{4}, Action: diffAdd},
	}
	// Instance 3 changes like 0 and 1, so it joins their group.
	want = []InstanceDiff{
		{Instances: []int{0, 1, 3}, Action: diffChange, Changes: want[0].Changes},
		want[1],
		want[3],
	}
	if !reflect.DeepEqual(diffs, want) {
		t.Fatalf("diffJob =\n%+v\nwant\n%+v", diffs, want)
	}
	text := renderDiff(diffs)
	for _, frag := range []string{
		"Instances 0-1,3: would change\n  task.processes[main].cmdline: \"sleep 100\" -> \"sleep 200\"\n",
		"Instance 2: would change\n",
		"  task.resources.cpu: 0.5 -> 0.1\n",
		"Instance 4: would be added",
	} {
		if !strings.Contains(text, frag) {
			t.Errorf("rendered diff lacks %q:\n%s", frag, text)
		}
	}

	// Fewer local instances remove the rest; the same config is unchanged.
	diffs, _ = diffJob(base(2, "sleep 100", 0.1), map[int]*spec.Job{0: old, 1: old, 2: old})
	want = []InstanceDiff{{Instances: []int{0, 1}, Action: diffUnchanged}, {Instances: []int{2}, Action: diffRemove}}
	if !reflect.DeepEqual(diffs, want) {
		t.Fatalf("diffJob with fewer instances = %+v, want %+v", diffs, want)
	}
}

func TestKeyAndFile(t *testing.T) {
	tests := []struct {
		in        []string
		key, file string
	}{
		{[]string{"hello.hcl"}, "", "hello.hcl"},
		{[]string{"local/www-data/prod/hello", "hello.hcl"}, "local/www-data/prod/hello", "hello.hcl"},
		{[]string{"hello.hcl", "local/www-data/prod/hello"}, "local/www-data/prod/hello", "hello.hcl"},
	}
	for _, tt := range tests {
		if k, f := keyAndFile(tt.in); k != tt.key || f != tt.file {
			t.Errorf("keyAndFile(%v) = %q, %q; want %q, %q", tt.in, k, f, tt.key, tt.file)
		}
	}
}

func TestBindCommand(t *testing.T) {
	task := api.TaskStatus{Task: &state.Task{ID: "tid", Instance: 3, Host: "h1", Ports: map[string]uint64{"http": 31001}}}
	got := bindCommand("echo {{mesos.instance}} {{mesos.hostname}} {{thermos.task_id}} {{thermos.ports[http]}} {{thermos.ports[x]}}", task)
	if want := "echo 3 h1 tid 31001 {{thermos.ports[x]}}"; got != want {
		t.Errorf("bindCommand = %q, want %q", got, want)
	}
}
