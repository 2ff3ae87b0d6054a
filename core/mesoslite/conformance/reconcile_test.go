package conformance

import (
	"testing"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
)

// TestReconciliationTable checks mesos.md §1.9 for a registered agent:
// known tasks report their latest state, unknown ones TASK_GONE (agent
// registered) or TASK_UNKNOWN (agent unknown or not given), all TASK_LOST
// without PARTITION_AWARE. KILL of an unknown task is answered the same way.
func TestReconciliationTable(t *testing.T) {
	for _, pa := range []bool{false, true} {
		t.Run(paName(pa), func(t *testing.T) {
			tg := NewTarget(t, Options{})
			s := Subscribe(t, tg.MasterURL, Codecs[0], FrameworkInfo("reconcile", true, pa))
			o := s.AwaitOffer()
			agent := o.AgentID.Value
			s.MustCall(Launch(o, Task("task-1", o, Executor(t, "exec-1", s.Codec, ""), "")))
			s.Ack(s.AwaitUpdate("task-1", mesos.TASK_STARTING))
			running := s.AwaitUpdate("task-1", mesos.TASK_RUNNING) // unacknowledged

			s.MustCall(calls.Reconcile())
			rec := s.AwaitUpdate("task-1", mesos.TASK_RUNNING)
			checkReconciliation(t, rec)
			if rec.GetAgentID().GetValue() != agent || rec.GetExecutorID().GetValue() != "exec-1" {
				t.Errorf("implicit reconciliation agent %v executor %v", rec.AgentID, rec.ExecutorID)
			}
			s.Ack(running)

			s.MustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{
				"task-1":          agent,
				"gone-task":       agent,
				"unknown-task":    "",
				"lost-agent-task": "no-such-agent",
			})))
			checkReconciliation(t, s.AwaitUpdate("task-1", mesos.TASK_RUNNING))
			checkReconciliation(t, s.AwaitUpdate("gone-task", lostOr(pa, mesos.TASK_GONE)))
			checkReconciliation(t, s.AwaitUpdate("unknown-task", lostOr(pa, mesos.TASK_UNKNOWN)))
			checkReconciliation(t, s.AwaitUpdate("lost-agent-task", lostOr(pa, mesos.TASK_UNKNOWN)))

			s.MustCall(calls.Kill("never-launched", ""))
			checkReconciliation(t, s.AwaitUpdate("never-launched", lostOr(pa, mesos.TASK_UNKNOWN)))
		})
	}
}
