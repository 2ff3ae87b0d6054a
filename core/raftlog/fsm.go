package raftlog

import (
	"fmt"
	"io"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"

	"github.com/aurora-go/aurora/core/state"
)

// fsm applies committed log entries to the store.
type fsm struct {
	store  *state.Store
	logger hclog.Logger
}

// applyResult is what Apply hands back to the proposer through the future.
type applyResult struct {
	err error
}

func (f *fsm) Apply(l *raft.Log) interface{} {
	if l.Type != raft.LogCommand {
		return nil
	}
	cmd, err := state.Decode(l.Data)
	if err != nil {
		// A committed entry this binary cannot read means the state would
		// diverge from the other replicas; stopping is the only safe answer.
		f.logger.Error("cannot decode committed log entry", "index", l.Index, "error", err)
		panic(fmt.Sprintf("raftlog: undecodable entry at index %d: %v", l.Index, err))
	}
	return applyResult{err: f.store.Apply(cmd)}
}

func (f *fsm) Snapshot() (raft.FSMSnapshot, error) {
	return &fsmSnapshot{snap: f.store.Snapshot()}, nil
}

func (f *fsm) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	return f.store.Restore(rc)
}

type fsmSnapshot struct {
	snap *state.Snapshot
}

func (s *fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	if _, err := s.snap.WriteTo(sink); err != nil {
		_ = sink.Cancel()
		return fmt.Errorf("persist snapshot: %w", err)
	}
	return sink.Close()
}

func (s *fsmSnapshot) Release() {}
