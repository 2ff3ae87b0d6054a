package raftlog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

func openNode(t *testing.T, dir string) (*Node, *state.Store) {
	t.Helper()
	store, err := state.NewStore()
	if err != nil {
		t.Fatal(err)
	}
	n, err := Open(Config{DataDir: dir, NodeID: "n1", Bootstrap: true}, store)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.WaitLeader(ctx); err != nil {
		t.Fatal(err)
	}
	return n, store
}

func job(name string) state.CreateJob {
	key := "www-data/prod/" + name
	j := &spec.Job{Cluster: "local", Key: spec.JobKey{Role: "www-data", Environment: "prod", Name: name}, Instances: 1}
	return state.CreateJob{
		Job:   &state.Job{Key: key, Spec: j},
		Tasks: []*state.Task{{ID: name + "-0", JobKey: key, Status: taskstate.Pending, Config: j}},
	}
}

func TestCommittedStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	n, _ := openNode(t, dir)
	ctx := context.Background()
	for i := 0; i < 50; i++ {
		if err := n.Apply(ctx, job(fmt.Sprintf("j%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Snapshot(); err != nil {
		t.Fatal(err)
	}
	// Entries after the snapshot must come back from the log itself.
	if err := n.Apply(ctx, job("after-snapshot")); err != nil {
		t.Fatal(err)
	}
	if err := n.Apply(ctx, state.SetMeta{Key: state.MetaFrameworkID, Value: "fw-1"}); err != nil {
		t.Fatal(err)
	}
	if err := n.Shutdown(); err != nil {
		t.Fatal(err)
	}

	n2, store := openNode(t, dir)
	defer n2.Shutdown()
	jobs, err := store.Jobs("")
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 51 {
		t.Fatalf("after restart got %d jobs, want 51", len(jobs))
	}
	if fid, _ := store.Meta(state.MetaFrameworkID); fid != "fw-1" {
		t.Fatalf("framework id after restart = %q, want fw-1", fid)
	}
	task, err := store.Task("after-snapshot-0")
	if err != nil || task == nil || task.Status != taskstate.Pending {
		t.Fatalf("task after restart = %+v, %v", task, err)
	}
}

func TestApplyReturnsCommandError(t *testing.T) {
	n, store := openNode(t, t.TempDir())
	defer n.Shutdown()
	ctx := context.Background()
	if err := n.Apply(ctx, job("dup")); err != nil {
		t.Fatal(err)
	}
	err := n.Apply(ctx, job("dup"))
	if !errors.Is(err, state.ErrJobExists) {
		t.Fatalf("second create: got %v, want ErrJobExists", err)
	}
	tasks, _ := store.TasksOfJob("www-data/prod/dup")
	if len(tasks) != 1 {
		t.Fatalf("a failed create changed the tasks: %d", len(tasks))
	}
}

func TestBackupAndRestoreReproduceState(t *testing.T) {
	n, store := openNode(t, t.TempDir())
	defer n.Shutdown()
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		if err := n.Apply(ctx, job(fmt.Sprintf("b%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	b := &Backups{Dir: t.TempDir(), Store: store, Keep: 2}
	id, err := b.Backup()
	if err != nil {
		t.Fatal(err)
	}
	want := dump(t, store)

	// Change the live state, then restore the backup over it.
	if err := n.Apply(ctx, job("after-backup")); err != nil {
		t.Fatal(err)
	}
	staged, err := b.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Restore(ctx, staged); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, store); got != want {
		t.Fatalf("restored state differs from the backup:\n got %s\nwant %s", got, want)
	}
	// Restoring into a fresh data dir reproduces the same state, and it
	// survives that node's restart.
	freshDir := t.TempDir()
	fresh, freshStore := openNode(t, freshDir)
	if err := fresh.Restore(ctx, staged); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, freshStore); got != want {
		t.Fatalf("fresh restore differs from the backup:\n got %s\nwant %s", got, want)
	}
	if err := fresh.Shutdown(); err != nil {
		t.Fatal(err)
	}
	reopened, reopenedStore := openNode(t, freshDir)
	if got := dump(t, reopenedStore); got != want {
		t.Fatalf("restored state did not survive a restart:\n got %s\nwant %s", got, want)
	}
	reopened.Shutdown()

	// The log keeps working after a restore, and old backups are pruned.
	if err := n.Apply(ctx, state.SetMeta{Key: "k", Value: "v"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := b.Backup(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if ids, _ := b.List(); len(ids) != 2 {
		t.Fatalf("kept %d backups, want 2", len(ids))
	}
	if _, err := b.Load("../etc/passwd"); err == nil {
		t.Fatal("a path outside the backup dir must be refused")
	}
}

// dump renders a store's state in a comparable form.
func dump(t *testing.T, s *state.Store) string {
	t.Helper()
	var buf strings.Builder
	if err := s.Dump(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
