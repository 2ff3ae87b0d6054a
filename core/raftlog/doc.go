// Package raftlog is the replicated log: a hashicorp/raft node whose log
// lives on disk in raft-wal, with file snapshots, applying state.Commands to
// a state.Store through its FSM.
//
// A command is acknowledged to its caller only after raft has committed it
// and the FSM has applied it, so nothing acknowledged is lost on a crash.
package raftlog
