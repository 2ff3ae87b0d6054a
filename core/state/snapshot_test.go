package state

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/taskstate"
)

// richStore holds a row of every kind and tasks with every field set or
// left empty, times in UTC, local and other zones among them.
func richStore(t *testing.T) *Store {
	t.Helper()
	s, _ := NewStore()
	east := time.FixedZone("", 5*3600+30*60)
	cmds := []Command{
		SetMeta{Key: MetaFrameworkID, Value: "fw-1"},
		SetMeta{Key: "scheduler.leader_id", Value: "n1"},
		SetQuota{Quota: &Quota{Role: "www-data", CPU: 2.5, RAM: 4 << 30, Disk: 8 << 30}},
		PutPlugin{Entry: samplePlugin("0.1.0")},
	}
	for j := 0; j < 3; j++ {
		name := fmt.Sprintf("job%d", j)
		c := sampleCreate(name, taskstate.Pending, taskstate.Running, taskstate.Failed)
		c.Job.CreatedAt = time.Date(2026, 11, 21, 12, j, 0, 0, time.UTC)
		c.Job.Spec.Task = spec.Task{Name: "main", MaxFailures: 2, FinalizationWait: spec.Duration(30 * time.Second),
			Resources: spec.Resources{CPU: 0.5, RAM: 128 * spec.MiB, Ports: []string{"http"}},
			Processes: []spec.Process{{Name: "p", Cmdline: "echo {{thermos.ports[http]}}", MinDuration: spec.Duration(5 * time.Second)}}}
		run := c.Tasks[1]
		run.AgentID, run.Host, run.Sandbox, run.AncestorID = "agent-1", "host-1", "/sandbox/x", "old-1"
		run.Ports = map[string]uint64{"http": 31000, "admin": 31001}
		run.FailureCount = 3
		run.Events = []Event{
			{Time: time.Date(2026, 11, 21, 12, 0, 1, 123456789, time.UTC), Status: taskstate.Pending, Message: "queued"},
			{Time: time.Unix(1_800_000_000, 42), Status: taskstate.Assigned},
			{Time: time.Date(2026, 11, 21, 17, 0, 2, 0, east), Status: taskstate.Running, Message: "ok"},
		}
		c.Tasks[2].PenaltyUntil = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
		c.Tasks[2].Events = []Event{} // empty, not nil
		cmds = append(cmds, c)
	}
	// A task without a config, and tasks of two jobs sharing one config.
	cmds = append(cmds, SaveTasks{Tasks: []*Task{{ID: "orphan", JobKey: "www-data/prod/gone", Status: taskstate.Lost}}})
	for _, c := range cmds {
		if err := s.Apply(c); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func dumpString(t *testing.T, s *Store) string {
	t.Helper()
	var b bytes.Buffer
	if err := s.Dump(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSnapshotV5RoundTrip(t *testing.T) {
	s := richStore(t)
	var buf bytes.Buffer
	n, err := s.Snapshot().WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("WriteTo counted %d bytes, wrote %d", n, buf.Len())
	}
	if !strings.HasPrefix(buf.String(), "{\"version\":5}\n") {
		t.Fatalf("header: %.20q", buf.String())
	}
	r, _ := NewStore()
	if err := r.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if got, want := dumpString(t, r), dumpString(t, s); got != want {
		t.Fatalf("restored state differs:\n got %s\nwant %s", got, want)
	}
	want, _ := s.AllTasks()
	got, _ := r.AllTasks()
	for i := range want {
		w, g := *want[i], *got[i]
		if !reflect.DeepEqual(g.Config, w.Config) {
			t.Fatalf("task %s: config %+v, want %+v", w.ID, g.Config, w.Config)
		}
		if (w.Events == nil) != (g.Events == nil) || (w.Ports == nil) != (g.Ports == nil) {
			t.Fatalf("task %s: nil events/ports not kept: got %#v %#v, want %#v %#v", w.ID, g.Events, g.Ports, w.Events, w.Ports)
		}
		for j := range w.Events {
			if !g.Events[j].Time.Equal(w.Events[j].Time) || g.Events[j].Time.Format(time.RFC3339Nano) != w.Events[j].Time.Format(time.RFC3339Nano) {
				t.Fatalf("task %s event %d: time %v, want %v", w.ID, j, g.Events[j].Time, w.Events[j].Time)
			}
		}
		if !g.PenaltyUntil.Equal(w.PenaltyUntil) || g.PenaltyUntil.IsZero() != w.PenaltyUntil.IsZero() {
			t.Fatalf("task %s: penalty %v, want %v", w.ID, g.PenaltyUntil, w.PenaltyUntil)
		}
	}
	// Tasks of one job still share their config after a restore.
	tasks, _ := r.TasksOfJob("www-data/prod/job1")
	if len(tasks) != 3 || tasks[0].Config != tasks[1].Config || tasks[0].Config == nil {
		t.Fatalf("tasks of job1: %d, shared config %v", len(tasks), len(tasks) > 1 && tasks[0].Config == tasks[1].Config)
	}
	// Every index answers on the restored store as on the original.
	for _, st := range []taskstate.Status{taskstate.Pending, taskstate.Running, taskstate.Failed, taskstate.Lost} {
		a, _ := s.TasksInStatus(st)
		b, _ := r.TasksInStatus(st)
		if len(a) != len(b) || len(a) == 0 {
			t.Fatalf("%v: %d tasks restored, want %d", st, len(b), len(a))
		}
	}
	if tk, _ := r.Task("orphan"); tk == nil || tk.Config != nil {
		t.Fatalf("orphan task: %+v", tk)
	}
}

func TestRestoreReadsVersion4(t *testing.T) {
	s := richStore(t)
	var buf bytes.Buffer
	if _, err := s.Snapshot().writeV4(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "{\"version\":4}\n") {
		t.Fatalf("header: %.20q", buf.String())
	}
	r, _ := NewStore()
	if err := r.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if got, want := dumpString(t, r), dumpString(t, s); got != want {
		t.Fatalf("v4 restores to a different state:\n got %s\nwant %s", got, want)
	}
}

func TestRestoreRefusesDamagedV5(t *testing.T) {
	s := richStore(t)
	var buf bytes.Buffer
	if _, err := s.Snapshot().WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	r, _ := NewStore()
	if err := r.Apply(SetMeta{Key: "before", Value: "restore"}); err != nil {
		t.Fatal(err)
	}
	before := dumpString(t, r)
	header := bytes.IndexByte(full, '\n') + 1
	for _, cut := range []int{header, header + 1, len(full) / 2, len(full) - 1} {
		if err := r.Restore(bytes.NewReader(full[:cut])); err == nil {
			t.Fatalf("a snapshot cut at %d of %d bytes restored", cut, len(full))
		}
		if dumpString(t, r) != before {
			t.Fatalf("a failed restore (cut at %d) changed the store", cut)
		}
	}
	if err := r.Restore(strings.NewReader("{\"version\":6}\n")); err == nil || !strings.Contains(err.Error(), "version 6") {
		t.Fatalf("a newer version: %v", err)
	}
}

func TestTasksInStatusIndexedOrNot(t *testing.T) {
	s := richStore(t)
	a, err := s.tasks("status", taskstate.Pending)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.TasksInStatus(taskstate.Pending)
	if len(a) != 3 || len(b) != 3 {
		t.Fatalf("pending tasks: %d by Status, %d by int, want 3", len(a), len(b))
	}
	if running, _ := s.tasks("status", taskstate.Running); len(running) != 0 {
		t.Fatalf("the status index holds %d RUNNING tasks; it leaves RUNNING out", len(running))
	}
	all, _ := s.AllTasks()
	for _, st := range []taskstate.Status{taskstate.Pending, taskstate.Running, taskstate.Failed, taskstate.Lost, taskstate.Killing} {
		var want []*Task
		for _, tk := range all {
			if tk.Status == st {
				want = append(want, tk)
			}
		}
		got, err := s.TasksInStatus(st)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("TasksInStatus(%v) = %d tasks %v, want %d", st, len(got), err, len(want))
		}
	}
	// A task leaving an indexed status leaves the index.
	p := *b[0]
	p.Status = taskstate.Running
	if err := s.Apply(SaveTasks{Tasks: []*Task{&p}}); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.TasksInStatus(taskstate.Pending); len(after) != 2 {
		t.Fatalf("pending after one started: %d, want 2", len(after))
	}
	if running, _ := s.TasksInStatus(taskstate.Running); len(running) != 4 {
		t.Fatalf("running after one started: %d, want 4", len(running))
	}
}

func TestRestoreResumesGC(t *testing.T) {
	prev := debug.SetGCPercent(73)
	defer debug.SetGCPercent(prev)
	s := richStore(t)
	var buf bytes.Buffer
	if _, err := s.Snapshot().WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, _ := NewStore()
			in := full
			if i%2 == 1 {
				in = full[:len(full)/2] // fails
			}
			_ = r.Restore(bytes.NewReader(in))
		}(i)
	}
	wg.Wait()
	if got := debug.SetGCPercent(73); got != 73 {
		t.Fatalf("after restores the GC percent is %d, want 73 as before", got)
	}
}

func TestSnapshotV5ManyBlocks(t *testing.T) {
	s := richStore(t)
	for j := 0; j < 20; j++ {
		c := sampleCreate(fmt.Sprintf("many%d", j))
		for i := 0; i < 100; i++ {
			c.Tasks = append(c.Tasks, &Task{ID: fmt.Sprintf("many%d-%03d", j, i), JobKey: c.Job.Key, Instance: i,
				Status: taskstate.Running, AgentID: "agent", Host: "host", Config: c.Job.Spec,
				Ports:  map[string]uint64{"http": uint64(31000 + i)},
				Events: []Event{{Time: time.Unix(int64(i), 0), Status: taskstate.Running, Message: strings.Repeat("m", i)}}})
		}
		if err := s.Apply(c); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := s.Snapshot().WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 3*blockSize {
		t.Fatalf("the snapshot is %d bytes, want several blocks", buf.Len())
	}
	full := bytes.Clone(buf.Bytes())
	r, _ := NewStore()
	if err := r.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if got, want := dumpString(t, r), dumpString(t, s); got != want {
		t.Fatal("a snapshot of several blocks restores to a different state")
	}
	// Cut at a block boundary: the first block ends after its length and bytes.
	header := bytes.IndexByte(full, '\n') + 1
	n, k := binary.Uvarint(full[header:])
	if cut := header + k + int(n); cut >= len(full) {
		t.Fatal("the test needs a snapshot of more than one block")
	} else if err := r.Restore(bytes.NewReader(full[:cut])); err == nil || !strings.Contains(err.Error(), "end record") {
		t.Fatalf("a snapshot cut after its first block: %v", err)
	}
}
