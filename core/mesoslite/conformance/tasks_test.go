package conformance

import (
	"bytes"
	"encoding/json"
	"syscall"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"

	"github.com/aurora-go/aurora/core/mesoslite/testexec"
)

func TestTaskLifecycle(t *testing.T) {
	for _, codec := range Codecs {
		t.Run(codec.Name, func(t *testing.T) {
			checkpoint := codec.Name == "protobuf"
			tg := NewTarget(t, Options{})
			s := Subscribe(t, tg.MasterURL, codec, FrameworkInfo("lifecycle", checkpoint, false))
			o := s.AwaitOffer()
			agent := o.AgentID.Value
			s.MustCall(Launch(o, Task("task-1", o, Executor(t, "exec-1", codec, ""), testexec.Run)))

			starting := s.AwaitUpdate("task-1", mesos.TASK_STARTING)
			checkReliable(t, starting, mesos.SOURCE_EXECUTOR)
			if starting.GetExecutorID().GetValue() != "exec-1" || starting.GetAgentID().GetValue() != agent {
				t.Errorf("STARTING executor %v agent %v", starting.ExecutorID, starting.AgentID)
			}
			// Only the head of a task's stream is in flight: unacknowledged,
			// STARTING is resent (same uuid) and RUNNING waits behind it.
			resent := s.Await("STARTING resent", func(e *scheduler.Event) bool {
				if IsUpdate("task-1", mesos.TASK_RUNNING)(e) {
					t.Fatalf("RUNNING forwarded before STARTING was acknowledged")
				}
				return IsUpdate("task-1", mesos.TASK_STARTING)(e)
			}).Update.Status
			if !bytes.Equal(resent.UUID, starting.UUID) {
				t.Errorf("resent STARTING uuid %x, want %x", resent.UUID, starting.UUID)
			}
			s.Ack(starting)

			running := s.AwaitUpdate("task-1", mesos.TASK_RUNNING)
			checkReliable(t, running, mesos.SOURCE_EXECUTOR)
			s.Ack(running)
			checkExecutorEnv(t, running, s.FrameworkID, checkpoint)

			s.MustCall(calls.Message(agent, "exec-1", []byte("ping")))
			msg := s.Await("MESSAGE", IsType(scheduler.Event_MESSAGE)).Message
			if string(msg.Data) != "echo:ping" || msg.ExecutorID.Value != "exec-1" || msg.AgentID.Value != agent {
				t.Errorf("MESSAGE = %v", msg)
			}

			s.MustCall(calls.Kill("task-1", ""))
			killed := s.AwaitUpdate("task-1", mesos.TASK_KILLED)
			checkReliable(t, killed, mesos.SOURCE_EXECUTOR)
			s.Ack(killed)
			f := s.Await("FAILURE of the exited executor", func(e *scheduler.Event) bool {
				return e.Type == scheduler.Event_FAILURE && e.Failure.GetExecutorID().GetValue() == "exec-1"
			}).Failure
			if f.GetAgentID().GetValue() != agent || f.Status == nil || !syscall.WaitStatus(*f.Status).Exited() ||
				syscall.WaitStatus(*f.Status).ExitStatus() != 0 {
				t.Errorf("FAILURE = %v, want exec-1 on %s exiting with 0", f, agent)
			}

			// Forgotten after its terminal acknowledgement: a KILL is
			// answered by reconciliation.
			s.MustCall(calls.Kill("task-1", ""))
			checkReconciliation(t, s.AwaitUpdate("task-1", mesos.TASK_LOST))
		})
	}
}

// checkExecutorEnv checks the environment the test executor reports in
// RUNNING's data.
func checkExecutorEnv(t *testing.T, running mesos.TaskStatus, frameworkID string, checkpoint bool) {
	t.Helper()
	var env map[string]string
	if err := json.Unmarshal(running.Data, &env); err != nil {
		t.Fatalf("RUNNING data %q: %v", running.Data, err)
	}
	if env["MESOS_FRAMEWORK_ID"] != frameworkID || env["MESOS_EXECUTOR_ID"] != "exec-1" ||
		env["MESOS_AGENT_ENDPOINT"] == "" || env["MESOS_DIRECTORY"] == "" || env["MESOS_SANDBOX"] == "" {
		t.Errorf("executor environment %v", env)
	}
	want := "0"
	durations := []string{"MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"}
	if checkpoint {
		want = "1"
		durations = append(durations, "MESOS_RECOVERY_TIMEOUT", "MESOS_SUBSCRIPTION_BACKOFF_MAX")
	}
	if env["MESOS_CHECKPOINT"] != want {
		t.Errorf("MESOS_CHECKPOINT = %q, want %q", env["MESOS_CHECKPOINT"], want)
	}
	for _, k := range durations {
		if !stoutDuration.MatchString(env[k]) {
			t.Errorf("%s = %q, want a stout duration like 5secs", k, env[k])
		}
	}
}

func TestTerminalTasksAndExecutorLoss(t *testing.T) {
	tg := NewTarget(t, Options{})
	s := Subscribe(t, tg.MasterURL, Codecs[0], FrameworkInfo("terminal", true, false))
	o := s.AwaitOffer()
	s.MustCall(Launch(o,
		Task("finishes", o, Executor(t, "exec-finishes", s.Codec, ""), testexec.Finish),
		Task("fails", o, Executor(t, "exec-fails", s.Codec, ""), testexec.Fail),
		Task("exits", o, Executor(t, "exec-exits", s.Codec, ""), testexec.Exit),
	))
	for _, id := range []string{"finishes", "fails", "exits"} {
		s.Ack(s.AwaitUpdate(id, mesos.TASK_STARTING))
	}
	s.Ack(s.AwaitUpdate("finishes", mesos.TASK_RUNNING))
	s.Ack(s.AwaitUpdate("finishes", mesos.TASK_FINISHED))
	failed := s.AwaitUpdate("fails", mesos.TASK_FAILED)
	checkReliable(t, failed, mesos.SOURCE_EXECUTOR)
	s.Ack(failed)

	// The executor exits under a running task: the agent fails it.
	s.Ack(s.AwaitUpdate("exits", mesos.TASK_RUNNING))
	lost := s.AwaitUpdate("exits", mesos.TASK_FAILED)
	checkReliable(t, lost, mesos.SOURCE_AGENT)
	if lost.GetReason() != mesos.REASON_EXECUTOR_TERMINATED {
		t.Errorf("reason %s, want REASON_EXECUTOR_TERMINATED", lost.GetReason())
	}
	s.Ack(lost)
	f := s.Await("FAILURE of exec-exits", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_FAILURE && e.Failure.GetExecutorID().GetValue() == "exec-exits"
	}).Failure
	if f.Status == nil || syscall.WaitStatus(*f.Status).ExitStatus() != 3 {
		t.Errorf("FAILURE status %v, want exit status 3", f.Status)
	}

	// Tasks whose terminal update was acknowledged are forgotten.
	s.backlog = nil // resends of updates acknowledged since
	s.MustCall(calls.Reconcile())
	s.ExpectNone("reconciliation of finished tasks", time.Second, IsType(scheduler.Event_UPDATE))
}

func TestInvalidLaunches(t *testing.T) {
	for _, pa := range []bool{false, true} {
		t.Run(paName(pa), func(t *testing.T) {
			tg := NewTarget(t, Options{})
			s := Subscribe(t, tg.MasterURL, Codecs[0], FrameworkInfo("invalid", false, pa))
			o := s.AwaitOffer()
			ex := Executor(t, "exec-1", s.Codec, "")

			bogus := o
			bogus.ID = mesos.OfferID{Value: "no-such-offer"}
			s.MustCall(Launch(bogus, Task("bad-offer", o, ex, "")))
			checkMasterGenerated(t, s.AwaitUpdate("bad-offer", lostOr(pa, mesos.TASK_DROPPED)), mesos.REASON_INVALID_OFFERS)

			greedy := Task("greedy", o, ex, "")
			greedy.Resources = []mesos.Resource{testexec.Scalar("cpus", 100000), testexec.Scalar("mem", 32)}
			wrongAgent := Task("wrong-agent", o, ex, "")
			wrongAgent.AgentID = mesos.AgentID{Value: "no-such-agent"}
			s.MustCall(Launch(o, greedy, wrongAgent))
			for _, id := range []string{"greedy", "wrong-agent"} {
				checkMasterGenerated(t, s.AwaitUpdate(id, mesos.TASK_ERROR), mesos.REASON_TASK_INVALID)
			}
			// The offer was used up by the ACCEPT: now it is invalid too.
			s.MustCall(Launch(o, Task("used-offer", o, ex, "")))
			checkMasterGenerated(t, s.AwaitUpdate("used-offer", lostOr(pa, mesos.TASK_DROPPED)), mesos.REASON_INVALID_OFFERS)
		})
	}
}

func TestFailoverResendsUnacknowledgedUpdates(t *testing.T) {
	tg := NewTarget(t, Options{})
	fi := FrameworkInfo("resend", true, false)
	s1 := Subscribe(t, tg.MasterURL, Codecs[0], fi)
	o := s1.AwaitOffer()
	s1.MustCall(Launch(o, Task("task-1", o, Executor(t, "exec-1", s1.Codec, ""), "")))
	starting := s1.AwaitUpdate("task-1", mesos.TASK_STARTING)

	fi.ID = &mesos.FrameworkID{Value: s1.FrameworkID}
	subscribed := time.Now()
	s2 := Subscribe(t, tg.MasterURL, Codecs[1], fi)
	s1.Forget()
	again := s2.AwaitUpdate("task-1", mesos.TASK_STARTING)
	if !bytes.Equal(again.UUID, starting.UUID) {
		t.Errorf("resent uuid %x, want %x", again.UUID, starting.UUID)
	}
	if d := time.Since(subscribed); d > 5*time.Second {
		t.Errorf("resent %v after the failover; agents resend at once", d)
	}
	s2.Ack(again)
	s2.Ack(s2.AwaitUpdate("task-1", mesos.TASK_RUNNING))
}

func TestKillOfAQueuedTask(t *testing.T) {
	tg := NewTarget(t, Options{})
	s := Subscribe(t, tg.MasterURL, Codecs[0], FrameworkInfo("queued", false, false))
	o := s.AwaitOffer()
	command := "sleep 60"
	never := &mesos.ExecutorInfo{
		ExecutorID: mesos.ExecutorID{Value: "exec-silent"},
		Command:    &mesos.CommandInfo{Value: &command},
		Resources:  []mesos.Resource{testexec.Scalar("cpus", 0.1), testexec.Scalar("mem", 32)},
	}
	s.MustCall(Launch(o, Task("queued", o, never, "")))
	s.MustCall(calls.Kill("queued", o.AgentID.Value))
	killed := s.AwaitUpdate("queued", mesos.TASK_KILLED)
	checkReliable(t, killed, mesos.SOURCE_AGENT)
	if killed.GetReason() != mesos.REASON_TASK_KILLED_DURING_LAUNCH {
		t.Errorf("reason %s, want REASON_TASK_KILLED_DURING_LAUNCH", killed.GetReason())
	}
	s.Ack(killed)
	s.Await("FAILURE of the executor left without tasks", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_FAILURE && e.Failure.GetExecutorID().GetValue() == "exec-silent"
	})
}
