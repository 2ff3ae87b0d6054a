// Package scheduling is the leader's brain: it turns jobs into tasks,
// places pending tasks on held Mesos offers (asking the constraint plugin
// once per task group with every candidate host), carries task state
// transitions and their side effects (kill, reschedule) into the
// replicated log, and acknowledges status updates only after they are
// committed.
//
// It depends only on the small interfaces declared in deps.go, so it can
// be driven in tests without a server, raft or Mesos.
package scheduling
