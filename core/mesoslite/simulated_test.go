package mesoslite

import (
	"context"
	"testing"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
)

func TestSimulatedExecutorsAnswerLaunchAndKillReliably(t *testing.T) {
	cfg := testConfig(t)
	cfg.Agents[0].SimulateExecutors = true
	c := startCluster(t, cfg)
	c.DropStatusUpdates(1) // the first update is lost: resent until acknowledged
	s := subscribe(t, c, bothCodecs[0], testFrameworkInfo())
	o := s.awaitOffer()
	// The command would fail if it ran: nothing is started.
	ex := shellExecutor("exec-1", "exit 1")
	s.mustCall(launch(o, testTask("task-1", o, ex), testTask("task-2", o, ex)))

	for _, id := range []string{"task-1", "task-2"} {
		st := s.awaitUpdate(id, mesos.TASK_STARTING)
		if st.GetSource() != mesos.SOURCE_EXECUTOR || len(st.UUID) == 0 || st.GetExecutorID().GetValue() != "exec-1" {
			t.Errorf("%s STARTING: source %s uuid %x executor %v, want an executor update with a uuid", id, st.GetSource(), st.UUID, st.ExecutorID)
		}
		s.ack(st)
		s.ack(s.awaitUpdate(id, mesos.TASK_RUNNING))
	}
	st, err := c.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(st.Agents[0].Executors); n != 1 || st.Agents[0].Executors[0].PID != 0 {
		t.Fatalf("executors = %+v, want one without a process", st.Agents[0].Executors)
	}

	s.mustCall(calls.Kill("task-1", ""))
	s.ack(s.awaitUpdate("task-1", mesos.TASK_KILLED))
	s.mustCall(calls.Kill("task-2", ""))
	killed := s.awaitUpdate("task-2", mesos.TASK_KILLED)
	// Not acknowledged: resent.
	again := s.awaitUpdate("task-2", mesos.TASK_KILLED)
	if string(again.UUID) != string(killed.UUID) {
		t.Errorf("resent update has uuid %x, want %x", again.UUID, killed.UUID)
	}
	s.ack(again)
	s.await("FAILURE of the executor with status 0", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_FAILURE && e.Failure.GetExecutorID().GetValue() == "exec-1"
	})
}
