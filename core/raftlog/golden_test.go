package raftlog

import (
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// The golden fixtures are raft data directories (log and snapshot), each
// written by the version that introduced a format, from the same history
// (goldenCommands). Every later version must read every one of them to the
// state the history produces: never regenerate a fixture to make this test
// pass. Add a new fixture for a new format instead:
//
//	go test ./core/raftlog -run TestGoldenFixture -update-golden golden-vN
//
// and append it to goldenFixtures.
var updateGolden = flag.String("update-golden", "", "write the fixture testdata/`NAME` from this version (only for a new one)")

// goldenFixtures, oldest first:
//   - golden-v1: the first log commands (version 1, tasks with their whole
//     config) and the first JSON snapshots;
//   - golden-v2: commands of version 2 (each config once per command) and
//     snapshots of version 5 (MessagePack);
//   - golden-v3: binary commands (version 3) for tasks and batches.
var goldenFixtures = []string{"golden-v1", "golden-v2", "golden-v3"}

// goldenCommands is the history written into the fixture: a snapshot is
// taken after the first half, so the fixture holds both a snapshot and
// log entries after it.
func goldenCommands() (beforeSnapshot, afterSnapshot []state.Command) {
	at := func(s int) time.Time { return time.Date(2026, 11, 21, 12, 0, s, 0, time.UTC) }
	hello := &spec.Job{
		Cluster: "local", Key: spec.JobKey{Role: "www-data", Environment: "prod", Name: "hello"},
		Service: true, Instances: 2, Tier: "preferred", MaxTaskFailures: 1,
		Constraints: map[string]string{"host": "limit:1"},
		Task: spec.Task{
			Name: "hello", MaxFailures: 1, FinalizationWait: spec.Duration(30 * time.Second),
			Resources: spec.Resources{CPU: 0.5, RAM: 128 * spec.MiB, Disk: 128 * spec.MiB, Ports: []string{"http"}},
			Processes: []spec.Process{{Name: "hello", Cmdline: "echo hello {{thermos.ports[http]}}", MaxFailures: 1, MinDuration: spec.Duration(5 * time.Second)}},
		},
	}
	task := func(id string, inst int, st taskstate.Status, sec int) *state.Task {
		return &state.Task{ID: id, JobKey: "www-data/prod/hello", Instance: inst, Status: st, Config: hello,
			Events: []state.Event{{Time: at(sec), Status: st, Message: "golden"}}}
	}
	beforeSnapshot = []state.Command{
		state.SetMeta{Key: state.MetaFrameworkID, Value: "golden-framework-0000"},
		state.CreateJob{Job: &state.Job{Key: "www-data/prod/hello", Spec: hello, CreatedAt: at(0)},
			Tasks: []*state.Task{task("t0", 0, taskstate.Pending, 0), task("t1", 1, taskstate.Pending, 0)}},
	}
	running := task("t0", 0, taskstate.Running, 5)
	running.AgentID, running.Host, running.Ports, running.Sandbox = "agent-1", "host-1", map[string]uint64{"http": 31000}, "/sandbox/t0"
	afterSnapshot = []state.Command{
		state.SaveTasks{Tasks: []*state.Task{running}},
		state.Batch{Commands: []state.Command{
			state.SaveTasks{Tasks: []*state.Task{task("t1", 1, taskstate.Failed, 6), task("t2", 1, taskstate.Pending, 6)}},
			state.DeleteTasks{IDs: []string{"t1"}},
		}},
		state.SetMeta{Key: "scheduler.leader_id", Value: "golden"},
	}
	return beforeSnapshot, afterSnapshot
}

func TestGoldenFixture(t *testing.T) {
	before, after := goldenCommands()
	if *updateGolden != "" {
		writeGolden(t, filepath.Join("testdata", *updateGolden), before, after)
	}
	// The state the history must produce, computed by this binary.
	want, _ := state.NewStore()
	for _, c := range append(before, after...) {
		if err := want.Apply(c); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range goldenFixtures {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := copyDir(filepath.Join("testdata", name), dir); err != nil {
				t.Fatalf("copy the golden fixture: %v", err)
			}
			store, _ := state.NewStore()
			n, err := Open(Config{DataDir: dir, NodeID: "golden", Bootstrap: true, SegmentSize: 64 << 10}, store)
			if err != nil {
				t.Fatalf("this version cannot open the %s raft directory: %v", name, err)
			}
			defer n.Shutdown()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := n.WaitLeader(ctx); err != nil {
				t.Fatal(err)
			}
			if got, w := dump(t, store), dump(t, want); got != w {
				t.Fatalf("the %s fixture replays to a different state:\n got %s\nwant %s", name, got, w)
			}
		})
	}
}

func writeGolden(t *testing.T, dir string, before, after []state.Command) {
	t.Helper()
	if _, err := os.Stat(dir); err == nil {
		t.Fatalf("%s exists: fixtures are never rewritten; name a new one", dir)
	}
	store, _ := state.NewStore()
	n, err := Open(Config{DataDir: dir, NodeID: "golden", Bootstrap: true, SegmentSize: 64 << 10}, store)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := n.WaitLeader(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range before {
		if err := n.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Snapshot(); err != nil {
		t.Fatal(err)
	}
	for _, c := range after {
		if err := n.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Shutdown(); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", dir)
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o600)
	})
}
