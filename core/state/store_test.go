package state

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/taskstate"
)

func sampleCreate(name string, statuses ...taskstate.Status) CreateJob {
	key := "www-data/prod/" + name
	j := &spec.Job{Cluster: "local", Key: spec.JobKey{Role: "www-data", Environment: "prod", Name: name}, Instances: len(statuses)}
	c := CreateJob{Job: &Job{Key: key, Spec: j}}
	for i, st := range statuses {
		c.Tasks = append(c.Tasks, &Task{ID: name + "-" + string(rune('a'+i)), JobKey: key, Instance: i, Status: st, Config: j})
	}
	return c
}

func TestCommandsRoundTripThroughEncoding(t *testing.T) {
	cmds := []Command{
		sampleCreate("a", taskstate.Pending),
		SaveTasks{Tasks: []*Task{{ID: "x", JobKey: "r/e/n", Status: taskstate.Running, Ports: map[string]uint64{"http": 31000}}}},
		DeleteTasks{IDs: []string{"x"}},
		DeleteJob{Key: "r/e/n"},
		SetMeta{Key: MetaFrameworkID, Value: "fw"},
		Batch{Commands: []Command{SetMeta{Key: "k", Value: "v"}, DeleteTasks{IDs: []string{"y"}}}},
		SetQuota{Quota: &Quota{Role: "www-data", CPU: 4.5, RAM: 4 << 30, Disk: 10 << 30}},
		SaveJob{Job: sampleCreate("b", taskstate.Pending).Job},
	}
	for _, c := range cmds {
		raw, err := Encode(c)
		if err != nil {
			t.Fatalf("encode %T: %v", c, err)
		}
		got, err := Decode(raw)
		if err != nil {
			t.Fatalf("decode %T: %v", c, err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("round trip of %T:\n got %#v\nwant %#v", c, got, c)
		}
	}
}

func TestDecodeRejectsNewerVersions(t *testing.T) {
	if _, err := Decode([]byte(`{"t":1,"v":99,"p":{}}`)); err == nil {
		t.Fatal("a command from a newer binary must be refused, not misread")
	}
}

func TestFailedBatchChangesNothing(t *testing.T) {
	s, _ := NewStore()
	if err := s.Apply(sampleCreate("a", taskstate.Pending)); err != nil {
		t.Fatal(err)
	}
	err := s.Apply(Batch{Commands: []Command{SetMeta{Key: "k", Value: "v"}, sampleCreate("a", taskstate.Pending)}})
	if !errors.Is(err, ErrJobExists) {
		t.Fatalf("got %v, want ErrJobExists", err)
	}
	if v, _ := s.Meta("k"); v != "" {
		t.Fatalf("the failed batch left meta k=%q behind", v)
	}
}

func TestSnapshotRestoreReproducesState(t *testing.T) {
	s, _ := NewStore()
	_ = s.Apply(sampleCreate("a", taskstate.Pending, taskstate.Running))
	_ = s.Apply(sampleCreate("b", taskstate.Killed))
	_ = s.Apply(SetMeta{Key: MetaFrameworkID, Value: "fw-7"})
	var buf bytes.Buffer
	if _, err := s.Snapshot().WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	r, _ := NewStore()
	if err := r.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	for _, store := range []*Store{s, r} {
		running, _ := store.TasksInStatus(taskstate.Running)
		if len(running) != 1 || running[0].ID != "a-b" {
			t.Fatalf("running tasks = %v", running)
		}
	}
	want, _ := s.AllTasks()
	got, _ := r.AllTasks()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("restored tasks differ:\n got %v\nwant %v", got, want)
	}
	if fid, _ := r.Meta(MetaFrameworkID); fid != "fw-7" {
		t.Fatalf("framework id = %q", fid)
	}
	jobs, _ := r.Jobs("www-data/*/a")
	if len(jobs) != 1 {
		t.Fatalf("glob found %d jobs, want 1", len(jobs))
	}
}
