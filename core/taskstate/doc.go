// Package taskstate is Aurora's task state machine: the states a task moves
// through, which transitions are legal, the side effects each transition
// asks for (kill, reschedule, count a failure), and how Mesos task states
// map onto Aurora's (reference aurora.md section 3.2).
//
// It is pure: it decides, and the scheduler carries the decisions out.
package taskstate
