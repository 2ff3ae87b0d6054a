package state

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/aurora-go/aurora/core/taskstate"
)

func TestQueryTasks(t *testing.T) {
	s, _ := NewStore()
	for _, c := range []CreateJob{
		sampleCreate("a", taskstate.Running, taskstate.Pending, taskstate.Killed),
		sampleCreate("b", taskstate.Running),
	} {
		if err := s.Apply(c); err != nil {
			t.Fatal(err)
		}
	}
	other := sampleCreate("c", taskstate.Running)
	other.Job.Key = "db/test/c"
	other.Tasks[0].JobKey = "db/test/c"
	if err := s.Apply(other); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		q    TaskQuery
		want []string
	}{
		{"everything", TaskQuery{}, []string{"a-a", "a-b", "a-c", "b-a", "c-a"}},
		{"role", TaskQuery{Role: "www-data"}, []string{"a-a", "a-b", "a-c", "b-a"}},
		{"environment", TaskQuery{Environment: "test"}, []string{"c-a"}},
		{"whole key", TaskQuery{Role: "www-data", Environment: "prod", Name: "a"}, []string{"a-a", "a-b", "a-c"}},
		{"name only", TaskQuery{Name: "b"}, []string{"b-a"}},
		{"statuses", TaskQuery{Statuses: []taskstate.Status{taskstate.Running}}, []string{"a-a", "b-a", "c-a"}},
		{"statuses of a job", TaskQuery{Role: "www-data", Environment: "prod", Name: "a",
			Statuses: []taskstate.Status{taskstate.Pending, taskstate.Killed}}, []string{"a-b", "a-c"}},
		{"instances", TaskQuery{Role: "www-data", Instances: []int{1, 2}}, []string{"a-b", "a-c"}},
		{"task ids", TaskQuery{TaskIDs: []string{"b-a", "nope"}}, []string{"b-a"}},
		{"no match", TaskQuery{Role: "nobody"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tasks, err := s.QueryTasks(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, task := range tasks {
				ids = append(ids, task.ID)
			}
			if !reflect.DeepEqual(ids, tt.want) {
				t.Errorf("QueryTasks(%+v) = %v, want %v", tt.q, ids, tt.want)
			}
		})
	}
}

func TestQuotas(t *testing.T) {
	s, _ := NewStore()
	if q, err := s.Quota("www-data"); q != nil || err != nil {
		t.Fatalf("quota before any was set = %v, %v; want nil", q, err)
	}
	set := func(q Quota) {
		t.Helper()
		if err := s.Apply(SetQuota{Quota: &q}); err != nil {
			t.Fatal(err)
		}
	}
	set(Quota{Role: "www-data", CPU: 1, RAM: 1 << 30, Disk: 2 << 30})
	set(Quota{Role: "db", CPU: 8})
	set(Quota{Role: "www-data", CPU: 2.5, RAM: 3 << 30, Disk: 4 << 30}) // replaces
	if err := s.Apply(SetQuota{Quota: &Quota{CPU: 1}}); err == nil {
		t.Error("a quota without a role was stored")
	}
	q, _ := s.Quota("www-data")
	if want := (Quota{Role: "www-data", CPU: 2.5, RAM: 3 << 30, Disk: 4 << 30}); q == nil || *q != want {
		t.Fatalf("quota = %+v, want %+v", q, want)
	}

	// Quotas survive a snapshot and restore.
	var buf bytes.Buffer
	if _, err := s.Snapshot().WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	r, _ := NewStore()
	if err := r.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	want, _ := s.Quotas()
	got, _ := r.Quotas()
	if len(got) != 2 || !reflect.DeepEqual(got, want) {
		t.Fatalf("restored quotas = %v, want %v", got, want)
	}
}

func TestSaveJobReplaces(t *testing.T) {
	s, _ := NewStore()
	c := sampleCreate("a", taskstate.Pending)
	if err := s.Apply(c); err != nil {
		t.Fatal(err)
	}
	grown := *c.Job
	spec := *grown.Spec
	spec.Instances = 3
	grown.Spec = &spec
	if err := s.Apply(SaveJob{Job: &grown}); err != nil {
		t.Fatal(err)
	}
	j, _ := s.Job("www-data/prod/a")
	if j == nil || j.Spec.Instances != 3 {
		t.Fatalf("job after SaveJob = %+v, want 3 instances", j)
	}
	if tasks, _ := s.TasksOfJob("www-data/prod/a"); len(tasks) != 1 {
		t.Fatalf("SaveJob changed the tasks: %d, want 1", len(tasks))
	}
}
