package mesoslite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
)

func TestSubscribeSendsSubscribedThenHeartbeats(t *testing.T) {
	for _, codec := range bothCodecs {
		t.Run(codec.Name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.HeartbeatInterval = 300 * time.Millisecond
			c := startCluster(t, cfg)
			st, err := c.State(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			s := subscribe(t, c, codec, testFrameworkInfo())

			sub := s.backlog[0].Subscribed
			if want := st.MasterID + "-0000"; s.fwID != want {
				t.Errorf("framework id = %q, want %q", s.fwID, want)
			}
			if got := sub.GetHeartbeatIntervalSeconds(); got != 0.3 {
				t.Errorf("heartbeat_interval_seconds = %v, want 0.3", got)
			}
			if sub.MasterInfo == nil || sub.MasterInfo.ID != st.MasterID {
				t.Errorf("master_info = %v, want id %s", sub.MasterInfo, st.MasterID)
			}
			if e := s.next(waitTimeout); e.Type != scheduler.Event_HEARTBEAT {
				t.Fatalf("second event is %s, want HEARTBEAT", e.Type)
			}
			start := time.Now()
			s.await("periodic HEARTBEAT", isType(scheduler.Event_HEARTBEAT))
			if d := time.Since(start); d < 150*time.Millisecond {
				t.Errorf("second heartbeat after %v, want about 300ms", d)
			}
		})
	}
}

func TestOffersDescribeEachAgent(t *testing.T) {
	for _, codec := range bothCodecs {
		t.Run(codec.Name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Agents = []AgentConfig{
				{Hostname: "host-a", Attributes: map[string]string{"rack": "r1", "host": "host-a"},
					CPUs: 2, MemMB: 1024, DiskMB: 2048, Ports: [][2]uint64{{31000, 31010}, {32000, 32005}}},
				{Hostname: "host-b", Attributes: map[string]string{"rack": "r2"}, CPUs: 1.5, MemMB: 512, DiskMB: 100},
			}
			c := startCluster(t, cfg)
			st, _ := c.State(context.Background())
			s := subscribe(t, c, codec, testFrameworkInfo())

			offers := map[string]mesos.Offer{}
			for len(offers) < 2 {
				o := s.awaitOffer()
				if _, dup := offers[o.Hostname]; dup {
					t.Fatalf("two offers for %s", o.Hostname)
				}
				offers[o.Hostname] = o
			}
			idRE := regexp.MustCompile("^" + regexp.QuoteMeta(st.MasterID) + `-O\d+$`)
			agentRE := regexp.MustCompile("^" + regexp.QuoteMeta(st.MasterID) + `-S\d+$`)
			for host, o := range offers {
				if !idRE.MatchString(o.ID.Value) || !agentRE.MatchString(o.AgentID.Value) {
					t.Errorf("%s: offer id %q / agent id %q do not follow <masterID>-O<n> / -S<n>", host, o.ID.Value, o.AgentID.Value)
				}
				if o.FrameworkID.Value != s.fwID || o.AllocationInfo != nil || len(o.ExecutorIDs) != 0 {
					t.Errorf("%s: framework %q allocation_info %v executor_ids %v", host, o.FrameworkID.Value, o.AllocationInfo, o.ExecutorIDs)
				}
				for _, r := range o.Resources {
					if r.GetRole() != "*" || r.Role == nil || r.AllocationInfo != nil || r.Reservation != nil {
						t.Errorf("%s: resource %s is not unreserved pre-MULTI_ROLE format: %v", host, r.Name, r)
					}
				}
			}
			a, b := offers["host-a"], offers["host-b"]
			checkScalar(t, a.Resources, "cpus", 2)
			checkScalar(t, a.Resources, "mem", 1024)
			checkScalar(t, a.Resources, "disk", 2048)
			ports, _ := findResource(a.Resources, "ports")
			want := []mesos.Value_Range{{Begin: 31000, End: 31010}, {Begin: 32000, End: 32005}}
			if ports.GetType() != mesos.RANGES || !rangesEqual(ports.GetRanges().GetRange(), want) {
				t.Errorf("host-a ports = %v, want %v", ports, want)
			}
			checkScalar(t, b.Resources, "cpus", 1.5)
			bports, _ := findResource(b.Resources, "ports")
			if !rangesEqual(bports.GetRanges().GetRange(), []mesos.Value_Range{{Begin: 31000, End: 32000}}) {
				t.Errorf("host-b default ports = %v", bports)
			}
			if got := attrs(a.Attributes); got != "host=host-a,rack=r1" {
				t.Errorf("host-a attributes = %s", got)
			}
			if got := attrs(b.Attributes); got != "rack=r2" {
				t.Errorf("host-b attributes = %s", got)
			}
		})
	}
}

func TestDeclineFilterSuppressAndRevive(t *testing.T) {
	c := startCluster(t, testConfig(t))
	s := subscribe(t, c, bothCodecs[0], testFrameworkInfo())

	o := s.awaitOffer()
	declined := time.Now()
	s.mustCall(calls.Decline(o.ID).With(calls.RefuseSeconds(1500 * time.Millisecond)))
	// The allocator runs every 50ms: without the filter the agent would be
	// offered again at once.
	s.expectNone("offer while the filter lasts", time.Second, isType(scheduler.Event_OFFERS))
	o = s.awaitOffer()
	if d := time.Since(declined); d < 1400*time.Millisecond {
		t.Errorf("re-offered after %v, want at least 1.5s", d)
	}

	// A decline of an offer that no longer exists is accepted (202).
	if err := s.call(calls.Decline(o.ID)); err != nil {
		t.Fatalf("first DECLINE: %v", err)
	}
	if err := s.call(calls.Decline(o.ID, mesos.OfferID{Value: "no-such-offer"})); err != nil {
		t.Fatalf("DECLINE of unknown offers: %v", err)
	}
	// That first decline had the default 5s filter; REVIVE clears it.
	s.expectNone("offer during the default filter", 300*time.Millisecond, isType(scheduler.Event_OFFERS))
	s.mustCall(calls.Revive())
	o = s.awaitOffer()

	s.mustCall(calls.Suppress())
	s.mustCall(calls.Decline(o.ID).With(calls.RefuseSeconds(0)))
	s.expectNone("offer while suppressed", 500*time.Millisecond, isType(scheduler.Event_OFFERS))
	s.mustCall(calls.Revive())
	s.awaitOffer()
}

func TestTaskLifecycle(t *testing.T) {
	for _, codec := range bothCodecs {
		t.Run(codec.Name, func(t *testing.T) {
			checkpoint := codec.Name == "protobuf"
			cfg := testConfig(t)
			cfg.StatusUpdateRetry = 500 * time.Millisecond
			cfg.ExecutorEnv = map[string]string{"MESOSLITE_EXTRA": "from-config"}
			c := startCluster(t, cfg)
			fi := testFrameworkInfo()
			fi.Checkpoint = &checkpoint
			s := subscribe(t, c, codec, fi)

			o := s.awaitOffer()
			ex := testExecutor(t, "exec-1", codec, "")
			s.mustCall(launch(o, testTask("task-1", o, ex)))

			starting := s.awaitUpdate("task-1", mesos.TASK_STARTING)
			firstSeen := time.Now()
			checkReliable(t, starting, mesos.SOURCE_EXECUTOR)
			if starting.GetExecutorID().GetValue() != "exec-1" || starting.GetAgentID().GetValue() != o.AgentID.Value {
				t.Errorf("STARTING executor/agent = %v/%v", starting.ExecutorID, starting.AgentID)
			}
			// Unacknowledged, the head is resent after StatusUpdateRetry, and
			// RUNNING waits behind it.
			resent := s.await("resent STARTING", func(e *scheduler.Event) bool {
				if isUpdate("task-1", mesos.TASK_RUNNING)(e) {
					t.Fatalf("RUNNING forwarded before STARTING was acknowledged")
				}
				return isUpdate("task-1", mesos.TASK_STARTING)(e)
			}).Update.Status
			if d := time.Since(firstSeen); d < 400*time.Millisecond {
				t.Errorf("STARTING resent after %v, want about 500ms", d)
			}
			if !bytes.Equal(resent.UUID, starting.UUID) {
				t.Errorf("resent uuid %x, want %x", resent.UUID, starting.UUID)
			}
			s.ack(starting)

			running := s.awaitUpdate("task-1", mesos.TASK_RUNNING)
			checkReliable(t, running, mesos.SOURCE_EXECUTOR)
			if bytes.Equal(running.UUID, starting.UUID) {
				t.Errorf("RUNNING reuses STARTING's uuid")
			}
			s.ack(running)
			checkExecutorEnv(t, c, running, checkpoint)

			// Implicit reconciliation reports the task; explicit reports
			// unknown tasks as TASK_LOST to a framework without PARTITION_AWARE.
			s.mustCall(calls.Reconcile())
			rec := s.awaitUpdate("task-1", mesos.TASK_RUNNING)
			checkReconciliation(t, rec)
			s.mustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{"no-such-task": ""})))
			checkReconciliation(t, s.awaitUpdate("no-such-task", mesos.TASK_LOST))
			s.mustCall(calls.Reconcile(calls.ReconcileTasks(map[string]string{"gone-task": o.AgentID.Value})))
			checkReconciliation(t, s.awaitUpdate("gone-task", mesos.TASK_LOST))

			// MESSAGE both ways: the executor echoes.
			s.mustCall(calls.Message(o.AgentID.Value, "exec-1", []byte("ping")))
			msg := s.await("MESSAGE", isType(scheduler.Event_MESSAGE)).Message
			if string(msg.Data) != "echo:ping" || msg.ExecutorID.Value != "exec-1" || msg.AgentID.Value != o.AgentID.Value {
				t.Errorf("MESSAGE = %v", msg)
			}

			s.mustCall(calls.Kill("task-1", ""))
			killed := s.awaitUpdate("task-1", mesos.TASK_KILLED)
			checkReliable(t, killed, mesos.SOURCE_EXECUTOR)
			s.ack(killed)
			failure := s.await("FAILURE", isType(scheduler.Event_FAILURE)).Failure
			if failure.GetExecutorID().GetValue() != "exec-1" || failure.GetAgentID().GetValue() != o.AgentID.Value ||
				failure.Status == nil || *failure.Status != 0 {
				t.Errorf("FAILURE = %v, want exec-1 on %s with status 0", failure, o.AgentID.Value)
			}

			// Everything returns to the allocator: the outstanding offers
			// (never answered) add up to the whole agent again.
			offered, sawExecutor := 0.0, false
			s.await("offers adding up to the whole agent", func(e *scheduler.Event) bool {
				if e.Type == scheduler.Event_OFFERS {
					for _, o := range e.Offers.Offers {
						offered += scalar(o.Resources, "cpus")
						for _, id := range o.ExecutorIDs {
							sawExecutor = sawExecutor || id.Value == "exec-1"
						}
					}
				}
				return offered >= 4
			})
			if offered != 4 {
				t.Errorf("outstanding offers hold %v cpus, want exactly the agent's 4", offered)
			}
			if !sawExecutor {
				t.Errorf("no offer made while exec-1 ran listed it in executor_ids")
			}
			waitFor(t, "the master to forget the task", func() bool {
				st, _ := c.State(context.Background())
				return len(st.Frameworks) == 1 && len(st.Frameworks[0].Tasks) == 0
			})
		})
	}
}

func TestExecutorKilledFailsItsTasks(t *testing.T) {
	c := startCluster(t, testConfig(t))
	s := subscribe(t, c, bothCodecs[0], testFrameworkInfo())
	o := s.awaitOffer()
	s.mustCall(launch(o, testTask("task-1", o, testExecutor(t, "exec-1", s.codec, ""))))
	s.ack(s.awaitUpdate("task-1", mesos.TASK_STARTING))
	s.ack(s.awaitUpdate("task-1", mesos.TASK_RUNNING))

	pid, _ := executorPID(t, c, "exec-1")
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill executor: %v", err)
	}
	failed := s.awaitUpdate("task-1", mesos.TASK_FAILED)
	checkReliable(t, failed, mesos.SOURCE_AGENT)
	if failed.GetReason() != mesos.REASON_EXECUTOR_TERMINATED {
		t.Errorf("reason = %s, want REASON_EXECUTOR_TERMINATED", failed.GetReason())
	}
	failure := s.await("FAILURE", isType(scheduler.Event_FAILURE)).Failure
	if failure.GetExecutorID().GetValue() != "exec-1" || failure.Status == nil ||
		syscall.WaitStatus(*failure.Status).Signal() != syscall.SIGKILL {
		t.Errorf("FAILURE = %v, want exec-1 killed by SIGKILL", failure)
	}
	s.ack(failed)
}

func TestQueuedKillAndRegistrationTimeout(t *testing.T) {
	cfg := testConfig(t)
	cfg.ExecutorRegistrationTimeout = 1500 * time.Millisecond
	c := startCluster(t, cfg)
	s := subscribe(t, c, bothCodecs[1], testFrameworkInfo())
	o := s.awaitOffer()
	s.mustCall(launch(o,
		testTask("queued", o, shellExecutor("exec-queued", "exec sleep 60")),
		testTask("late", o, shellExecutor("exec-late", "sleep 60")),
	))
	_, late := executorPID(t, c, "exec-late")
	checkSandbox(t, late)

	// The agent's executor API, as an executor that has not subscribed.
	agent := agentEndpoint(t, c)
	execCall := func(fw, ex string, body string) int {
		return postJSON(t, "http://"+agent+"/api/v1/executor", nil,
			`{"framework_id":{"value":"`+fw+`"},"executor_id":{"value":"`+ex+`"},`+body+`}`).StatusCode
	}
	update := func(uuid []byte) string {
		u, _ := json.Marshal(uuid)
		return `"type":"UPDATE","update":{"status":{"task_id":{"value":"late"},"state":"TASK_RUNNING","source":"SOURCE_EXECUTOR","uuid":` + string(u) + `}}`
	}
	for _, tc := range []struct {
		name   string
		fw, ex string
		body   string
		want   int
	}{
		{"update before subscribing", s.fwID, "exec-late", update(newUUID()), 403},
		{"update of unknown framework", "nope", "exec-late", update(newUUID()), 400},
		{"update of unknown executor", s.fwID, "nope", update(newUUID()), 400},
		{"update with random uuid", s.fwID, "exec-late", update(bytes.Repeat([]byte{7}, 16)), 400},
		{"update with short uuid", s.fwID, "exec-late", update([]byte{0x40}), 400},
		{"subscribe of unknown executor", s.fwID, "nope", `"type":"SUBSCRIBE","subscribe":{}`, 400},
		{"heartbeat", "any", "any", `"type":"HEARTBEAT"`, 202},
	} {
		if got := execCall(tc.fw, tc.ex, tc.body); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
	}

	s.mustCall(calls.Kill("queued", o.AgentID.Value))
	killed := s.awaitUpdate("queued", mesos.TASK_KILLED)
	checkReliable(t, killed, mesos.SOURCE_AGENT)
	if killed.GetReason() != mesos.REASON_TASK_KILLED_DURING_LAUNCH {
		t.Errorf("reason = %s, want REASON_TASK_KILLED_DURING_LAUNCH", killed.GetReason())
	}
	s.ack(killed)
	s.await("FAILURE of the emptied executor", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_FAILURE && e.Failure.GetExecutorID().GetValue() == "exec-queued"
	})

	failed := s.awaitUpdate("late", mesos.TASK_FAILED)
	checkReliable(t, failed, mesos.SOURCE_AGENT)
	if failed.GetReason() != mesos.REASON_EXECUTOR_REGISTRATION_TIMEOUT {
		t.Errorf("reason = %s, want REASON_EXECUTOR_REGISTRATION_TIMEOUT", failed.GetReason())
	}
	s.await("FAILURE of the timed-out executor", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_FAILURE && e.Failure.GetExecutorID().GetValue() == "exec-late"
	})
}

func TestInvalidLaunches(t *testing.T) {
	c := startCluster(t, testConfig(t))
	s := subscribe(t, c, bothCodecs[0], testFrameworkInfo())
	o := s.awaitOffer()

	bogus := o
	bogus.ID = mesos.OfferID{Value: "no-such-offer"}
	if err := s.call(launch(bogus, testTask("lost", o, shellExecutor("e", "true")))); err != nil {
		t.Fatalf("ACCEPT of an invalid offer: %v", err)
	}
	lost := s.awaitUpdate("lost", mesos.TASK_LOST)
	checkMasterGenerated(t, lost, mesos.REASON_INVALID_OFFERS)

	command := testTask("command", o, nil)
	cmd := "true"
	command.Command = &mesos.CommandInfo{Value: &cmd}
	greedy := testTask("greedy", o, shellExecutor("e", "true"))
	greedy.Resources = []mesos.Resource{scalarResource("cpus", 100)}
	wrongAgent := testTask("wrong-agent", o, shellExecutor("e2", "true"))
	wrongAgent.AgentID = mesos.AgentID{Value: "nope"}
	s.mustCall(launch(o, command, greedy, wrongAgent))
	for _, id := range []string{"command", "greedy", "wrong-agent"} {
		st := s.awaitUpdate(id, mesos.TASK_ERROR)
		checkMasterGenerated(t, st, mesos.REASON_TASK_INVALID)
		if id == "command" && !strings.Contains(st.GetMessage(), "not supported") {
			t.Errorf("command task message = %q", st.GetMessage())
		}
	}
	// Nothing was launched: the whole agent is offered again.
	o = s.awaitOffer()
	if scalar(o.Resources, "cpus") != 4 {
		t.Errorf("offer after invalid launches has %v cpus, want 4", scalar(o.Resources, "cpus"))
	}
}

func TestFailoverResendsUnacknowledgedUpdates(t *testing.T) {
	cfg := testConfig(t)
	cfg.StatusUpdateRetry = time.Minute // only the failover may resend
	c := startCluster(t, cfg)
	fi := testFrameworkInfo()
	timeout := 60.0
	fi.FailoverTimeout = &timeout
	s1 := subscribe(t, c, bothCodecs[0], fi)
	o := s1.awaitOffer()
	s1.mustCall(launch(o, testTask("task-1", o, testExecutor(t, "exec-1", s1.codec, ""))))
	starting := s1.awaitUpdate("task-1", mesos.TASK_STARTING)

	fi.ID = &mesos.FrameworkID{Value: s1.fwID}
	s2 := subscribe(t, c, bothCodecs[1], fi)
	if s2.fwID != s1.fwID {
		t.Fatalf("failover got framework id %s, want %s", s2.fwID, s1.fwID)
	}
	e := s1.await("ERROR on the old subscription", isType(scheduler.Event_ERROR))
	if e.Error.Message != "Framework failed over" {
		t.Errorf("ERROR = %q", e.Error.Message)
	}
	again := s2.awaitUpdate("task-1", mesos.TASK_STARTING)
	if !bytes.Equal(again.UUID, starting.UUID) {
		t.Errorf("resent uuid %x, want %x", again.UUID, starting.UUID)
	}
	s2.ack(again)
	s2.ack(s2.awaitUpdate("task-1", mesos.TASK_RUNNING))
}

func TestTeardownShutsDownExecutors(t *testing.T) {
	c := startCluster(t, testConfig(t))
	fi := testFrameworkInfo()
	timeout := 3600.0
	fi.FailoverTimeout = &timeout
	s := subscribe(t, c, bothCodecs[0], fi)
	o := s.awaitOffer()
	s.mustCall(launch(o, testTask("task-1", o, testExecutor(t, "exec-1", s.codec, ""))))
	s.ack(s.awaitUpdate("task-1", mesos.TASK_STARTING))
	pid, _ := executorPID(t, c, "exec-1")

	s.mustCall(&scheduler.Call{Type: scheduler.Call_TEARDOWN})
	waitFor(t, "the executor to exit", func() bool { return !alive(pid) })

	fi.ID = &mesos.FrameworkID{Value: s.fwID}
	again := subscribeRaw(t, c, fi)
	if e := again.next(); e.Type != scheduler.Event_ERROR || e.Error.Message != "Framework has been removed" {
		t.Fatalf("re-subscription of a removed framework: %v", e)
	}
}

func TestShutdownLeavesNoExecutorAlive(t *testing.T) {
	cfg := testConfig(t)
	cfg.ExecutorShutdownGrace = 700 * time.Millisecond
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := subscribe(t, c, bothCodecs[0], testFrameworkInfo())
	o := s.awaitOffer()
	s.mustCall(launch(o,
		testTask("polite", o, testExecutor(t, "exec-polite", s.codec, "")),
		testTask("stubborn", o, testExecutor(t, "exec-stubborn", s.codec, "ignore-shutdown")),
		testTask("silent", o, shellExecutor("exec-silent", "sleep 60; echo done")),
	))
	s.ack(s.awaitUpdate("polite", mesos.TASK_STARTING))
	s.awaitUpdate("polite", mesos.TASK_RUNNING)
	s.awaitUpdate("stubborn", mesos.TASK_STARTING)
	var pids []int
	for _, id := range []string{"exec-polite", "exec-stubborn", "exec-silent"} {
		pid, _ := executorPID(t, c, id)
		pids = append(pids, pid)
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := time.Since(start); d < 600*time.Millisecond {
		t.Errorf("Shutdown took %v; the stubborn executor should have had its 700ms grace period", d)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("executor process %d is still alive after Shutdown", pid)
		}
	}
	if _, err := os.Stat(filepath.Join(cfg.WorkDir, "agents", "agent-1")); err != nil {
		t.Errorf("agent work dir: %v", err)
	}
	if resp, err := postJSON2(c.MasterURL()+"/api/v1/scheduler", `{}`); err == nil {
		resp.Body.Close()
		t.Errorf("master still answers after Shutdown")
	}
}

// Helpers.

func checkReliable(t *testing.T, st mesos.TaskStatus, source mesos.TaskStatus_Source) {
	t.Helper()
	if err := validateUUID(st.UUID); err != nil || st.UUID[6]>>4 != 4 {
		t.Errorf("%s: uuid %x is not a valid version 4 uuid", st.GetState(), st.UUID)
	}
	if st.GetSource() != source {
		t.Errorf("%s: source %s, want %s", st.GetState(), st.GetSource(), source)
	}
	if st.Timestamp == nil || st.AgentID == nil {
		t.Errorf("%s: missing timestamp or agent_id: %v", st.GetState(), st)
	}
}

func checkMasterGenerated(t *testing.T, st mesos.TaskStatus, reason mesos.TaskStatus_Reason) {
	t.Helper()
	if len(st.UUID) != 0 || st.GetSource() != mesos.SOURCE_MASTER || st.GetReason() != reason {
		t.Errorf("%s %s: uuid %x source %s reason %s, want no uuid, SOURCE_MASTER, %s",
			st.TaskID.Value, st.GetState(), st.UUID, st.GetSource(), st.GetReason(), reason)
	}
}

func checkReconciliation(t *testing.T, st mesos.TaskStatus) {
	t.Helper()
	checkMasterGenerated(t, st, mesos.REASON_RECONCILIATION)
	if !strings.HasPrefix(st.GetMessage(), "Reconciliation: ") {
		t.Errorf("reconciliation message = %q", st.GetMessage())
	}
}

// checkExecutorEnv checks the environment the executor reported in RUNNING's
// data and the sandbox layout.
func checkExecutorEnv(t *testing.T, c *Cluster, running mesos.TaskStatus, checkpoint bool) {
	t.Helper()
	var env map[string]string
	if err := json.Unmarshal(running.Data, &env); err != nil {
		t.Fatalf("RUNNING data: %v", err)
	}
	_, ex := executorPID(t, c, env["MESOS_EXECUTOR_ID"])
	st, _ := c.State(context.Background())
	a := st.Agents[0]
	want := map[string]string{
		"MESOS_FRAMEWORK_ID":                   st.Frameworks[0].ID,
		"MESOS_EXECUTOR_ID":                    "exec-1",
		"MESOS_DIRECTORY":                      ex.Directory,
		"MESOS_SANDBOX":                        ex.Directory,
		"MESOS_AGENT_ENDPOINT":                 a.Endpoint,
		"MESOS_SLAVE_ID":                       a.ID,
		"MESOS_HTTP_COMMAND_EXECUTOR":          "0",
		"MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD": "1secs",
		"MESOS_CHECKPOINT":                     "0",
		"MESOSLITE_EXTRA":                      "from-config",
	}
	if checkpoint {
		want["MESOS_CHECKPOINT"] = "1"
		want["MESOS_RECOVERY_TIMEOUT"] = "15secs"
		want["MESOS_SUBSCRIPTION_BACKOFF_MAX"] = "2secs"
	} else if _, ok := env["MESOS_RECOVERY_TIMEOUT"]; ok {
		t.Errorf("MESOS_RECOVERY_TIMEOUT set without checkpointing")
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	wantDir := filepath.Join(a.WorkDir, "slaves", a.ID, "frameworks", st.Frameworks[0].ID, "executors", "exec-1", "runs", ex.ContainerID)
	if ex.Directory != wantDir {
		t.Errorf("sandbox %s, want %s", ex.Directory, wantDir)
	}
	checkSandbox(t, ex)
}

func checkSandbox(t *testing.T, ex ExecutorSnapshot) {
	t.Helper()
	latest, err := os.Readlink(filepath.Join(filepath.Dir(ex.Directory), "latest"))
	if err != nil || latest != ex.ContainerID {
		t.Errorf("runs/latest -> %q (%v), want %s", latest, err, ex.ContainerID)
	}
	for _, f := range []string{"stdout", "stderr"} {
		if _, err := os.Stat(filepath.Join(ex.Directory, f)); err != nil {
			t.Errorf("sandbox %s: %v", f, err)
		}
	}
}

func checkScalar(t *testing.T, rs []mesos.Resource, name string, want float64) {
	t.Helper()
	r, ok := findResource(rs, name)
	if !ok || r.GetType() != mesos.SCALAR || r.GetScalar().GetValue() != want {
		t.Errorf("%s = %v, want scalar %v", name, r, want)
	}
}

func findResource(rs []mesos.Resource, name string) (mesos.Resource, bool) {
	for _, r := range rs {
		if r.Name == name {
			return r, true
		}
	}
	return mesos.Resource{}, false
}

func scalar(rs []mesos.Resource, name string) float64 { return scalarOf(rs, name) }

func rangesEqual(a, b []mesos.Value_Range) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func attrs(as []mesos.Attribute) string {
	var parts []string
	for _, a := range as {
		if a.Type != mesos.TEXT || a.Text == nil {
			return "non-TEXT attribute " + a.Name
		}
		parts = append(parts, a.Name+"="+a.Text.Value)
	}
	return strings.Join(parts, ",")
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
