// Package state holds the scheduler's replicated state in go-memdb: jobs,
// tasks, role quotas and small metadata such as the Mesos framework id.
//
// Every change is a Command. Commands are applied in log order by the raft
// FSM (core/raftlog) through Store.Apply, so every replica holds the same
// state. Commands are typed and versioned: Decode reads every version this
// binary has ever written. The commands that carry tasks (SaveTasks,
// CreateJob, and the Batch of group commit) are binary MessagePack since
// version 3 (commands_binary.go); the others are JSON.
//
// Snapshots (Store.Snapshot, Store.Restore) are versioned the same way:
// snapshotVersion in snapshot.go lists the formats. The current one (5)
// is MessagePack rows with codecs generated from snapshot_wire.go; Restore
// still reads the JSON lines of versions 1-4 (snapshot_json.go).
package state
