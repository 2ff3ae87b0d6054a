package mesoslite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
)

func TestRestartAgentReattachesCheckpointedExecutors(t *testing.T) {
	cfg := testConfig(t)
	cfg.StatusUpdateRetry = time.Minute // only the re-registration may resend
	cfg.ExecutorReregistrationTimeout = 10 * time.Second
	c := startCluster(t, cfg)
	s := subscribe(t, c, bothCodecs[0], frameworkInfo(true, false))
	o := s.awaitOffer()
	agentID := o.AgentID.Value
	s.mustCall(launch(o, testTask("task-1", o, testExecutor(t, "exec-1", s.codec, ""))))
	s.ack(s.awaitUpdate("task-1", mesos.TASK_STARTING))
	running := s.awaitUpdate("task-1", mesos.TASK_RUNNING) // not acknowledged
	rest := s.awaitOffer()
	pid, before := executorPID(t, c, "exec-1")
	if _, err := os.Stat(filepath.Join(c.agents[0].workDir, "meta", "frameworks", s.fwID, "executors", "exec-1", "executor.json")); err != nil {
		t.Errorf("no executor checkpoint: %v", err)
	}

	if err := c.RestartAgent(context.Background(), agentID); err != nil {
		t.Fatal(err)
	}
	s.await("RESCIND of the restarting agent's offer", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_RESCIND && e.Rescind.OfferID == rest.ID
	})
	// The executor subscribes again, the agent re-registers and resends the
	// unacknowledged update.
	again := s.awaitUpdate("task-1", mesos.TASK_RUNNING)
	if !bytes.Equal(again.UUID, running.UUID) {
		t.Errorf("resent RUNNING has uuid %x, want %x", again.UUID, running.UUID)
	}
	waitAgentStatus(t, c, agentID, "registered")
	_, after := executorPID(t, c, "exec-1")
	if after.PID != pid || after.ContainerID != before.ContainerID || after.State != "RUNNING" || !alive(pid) {
		t.Errorf("executor after restart %+v, want the same running process %d in container %s", after, pid, before.ContainerID)
	}
	s.ack(again)
	s.mustCall(calls.Reconcile())
	checkReconciliation(t, s.awaitUpdate("task-1", mesos.TASK_RUNNING))

	// The re-attached executor is fully usable.
	s.mustCall(calls.Message(agentID, "exec-1", []byte("ping")))
	if msg := s.await("MESSAGE", isType(scheduler.Event_MESSAGE)).Message; string(msg.Data) != "echo:ping" {
		t.Errorf("MESSAGE = %q", msg.Data)
	}
	s.mustCall(calls.Kill("task-1", ""))
	s.ack(s.awaitUpdate("task-1", mesos.TASK_KILLED))
	failure := s.await("FAILURE", isType(scheduler.Event_FAILURE)).Failure
	if failure.GetExecutorID().GetValue() != "exec-1" || failure.Status == nil || *failure.Status != 0 {
		t.Errorf("FAILURE = %v, want exec-1 exiting with 0", failure)
	}
}

func TestRestartAgentLosesTasksOfFrameworksThatDoNotCheckpoint(t *testing.T) {
	c := startCluster(t, testConfig(t))
	s := subscribe(t, c, bothCodecs[0], frameworkInfo(false, true))
	agentID := launchOnEveryAgent(t, s, 1)["agent-1"]
	pid, _ := executorPID(t, c, "exec-agent-1")
	if err := c.RestartAgent(context.Background(), agentID); err != nil {
		t.Fatal(err)
	}
	lost := s.awaitUpdate("task-agent-1", mesos.TASK_LOST)
	checkMasterGenerated(t, lost, mesos.REASON_AGENT_DISCONNECTED)
	waitFor(t, "the executor to be killed", func() bool { return !alive(pid) })
	waitAgentStatus(t, c, agentID, "registered")
	s.awaitOffer()
}

func TestRestartAgentDestroysExecutorsThatDoNotSubscribeAgain(t *testing.T) {
	cfg := testConfig(t)
	cfg.ExecutorReregistrationTimeout = 500 * time.Millisecond
	c := startCluster(t, cfg)
	s := subscribe(t, c, bothCodecs[0], frameworkInfo(true, true))
	o := s.awaitOffer()
	s.mustCall(launch(o, testTask("stuck", o, shellExecutor("exec-stuck", "sleep 60"))))
	pid, _ := executorPID(t, c, "exec-stuck")
	start := time.Now()
	if err := c.RestartAgent(context.Background(), o.AgentID.Value); err != nil {
		t.Fatal(err)
	}
	gone := s.awaitUpdate("stuck", mesos.TASK_GONE)
	checkReliable(t, gone, mesos.SOURCE_AGENT)
	if gone.GetReason() != mesos.REASON_EXECUTOR_REREGISTRATION_TIMEOUT {
		t.Errorf("reason = %s, want REASON_EXECUTOR_REREGISTRATION_TIMEOUT", gone.GetReason())
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("destroyed after %v, before the 500ms re-registration timeout", d)
	}
	s.ack(gone)
	s.await("FAILURE of the destroyed executor", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_FAILURE && e.Failure.GetExecutorID().GetValue() == "exec-stuck"
	})
	if alive(pid) {
		t.Errorf("executor %d still alive", pid)
	}
}

func TestRecoverReattachesAfterTheClusterRestarts(t *testing.T) {
	cfg := testConfig(t)
	cfg.Recover = true
	lw := &testLogWriter{t: t}
	t.Cleanup(func() { lw.mu.Lock(); lw.done = true; lw.mu.Unlock() })
	cfg.Logger = hclog.New(&hclog.LoggerOptions{Name: "mesoslite", Level: hclog.Debug, Output: lw})
	ctx := context.Background()

	c1, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c1.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c1.Shutdown(context.Background()) }) // if the test fails before Detach
	fi := frameworkInfo(true, true)
	s1 := subscribe(t, c1, bothCodecs[0], fi)
	agentID := launchOnEveryAgent(t, s1, 1)["agent-1"]
	pid, ex := executorPID(t, c1, "exec-agent-1")
	before, _ := c1.State(ctx)
	if err := c1.Detach(ctx); err != nil {
		t.Fatalf("Detach: %v", err)
	}
	s1.awaitEnd()
	if !alive(pid) {
		t.Fatalf("Detach killed the executor of a checkpointing framework")
	}

	c2 := startCluster(t, cfg)
	waitAgentStatus(t, c2, agentID, "registered")
	after, _ := c2.State(ctx)
	if a, b := after.Agents[0], before.Agents[0]; a.ID != b.ID || a.Endpoint != b.Endpoint {
		t.Errorf("recovered agent %s at %s, want %s at %s", a.ID, a.Endpoint, b.ID, b.Endpoint)
	}
	if _, got := executorPID(t, c2, "exec-agent-1"); got.PID != pid || got.ContainerID != ex.ContainerID {
		t.Errorf("recovered executor %+v, want pid %d container %s", got, pid, ex.ContainerID)
	}
	fi.ID = &mesos.FrameworkID{Value: s1.fwID}
	s2 := subscribe(t, c2, bothCodecs[0], fi)
	s2.mustCall(calls.Reconcile())
	checkReconciliation(t, s2.awaitUpdate("task-agent-1", mesos.TASK_RUNNING))
	s2.mustCall(calls.Kill("task-agent-1", ""))
	s2.ack(s2.awaitUpdate("task-agent-1", mesos.TASK_KILLED))
	waitFor(t, "the executor to exit", func() bool { return !alive(pid) })
}
