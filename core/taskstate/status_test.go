package taskstate

import (
	"encoding/json"
	"testing"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

func TestStatusJSONRoundTrip(t *testing.T) {
	names := map[Status]string{
		Pending: "PENDING", Starting: "STARTING", Running: "RUNNING", Finished: "FINISHED",
		Failed: "FAILED", Killed: "KILLED", Killing: "KILLING", Lost: "LOST", Assigned: "ASSIGNED",
		Init: "INIT", Restarting: "RESTARTING", Preempting: "PREEMPTING", Throttled: "THROTTLED",
		Draining: "DRAINING", Partitioned: "PARTITIONED",
	}
	if len(names) != len(allStatuses) {
		t.Fatalf("test covers %d statuses, there are %d", len(names), len(allStatuses))
	}
	for s, name := range names {
		raw, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("marshal %d: %v", int(s), err)
		}
		if got, want := string(raw), `"`+name+`"`; got != want {
			t.Errorf("marshal %d = %s, want %s", int(s), got, want)
		}
		var back Status
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatalf("unmarshal %s: %v", raw, err)
		}
		if back != s {
			t.Errorf("round trip of %s gave %s", s, back)
		}
	}
}

func TestStatusJSONInStruct(t *testing.T) {
	type row struct {
		S Status `json:"s"`
	}
	raw, err := json.Marshal(row{S: Partitioned})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(raw), `{"s":"PARTITIONED"}`; got != want {
		t.Fatalf("marshal = %s, want %s", got, want)
	}
	var back row
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if back.S != Partitioned {
		t.Errorf("got %s, want PARTITIONED", back.S)
	}
}

func TestStatusUnmarshalRejects(t *testing.T) {
	for _, in := range []string{`"RUNNIN"`, `"running"`, `2`, `null`, `""`} {
		s := Killed
		if err := json.Unmarshal([]byte(in), &s); err == nil {
			t.Errorf("unmarshal %s gave %s, want an error", in, s)
		}
	}
}

func TestParseStatus(t *testing.T) {
	for _, s := range allStatuses {
		got, err := ParseStatus(s.String())
		if err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %s, %v; want %s", s.String(), got, err, s)
		}
	}
	if _, err := ParseStatus("DELETED"); err == nil {
		t.Error("DELETED is a pseudo-state, not a status; ParseStatus must refuse it")
	}
	if got, want := Status(99).String(), "Status(99)"; got != want {
		t.Errorf("String of an unknown status = %q, want %q", got, want)
	}
}

func TestStatusSets(t *testing.T) {
	// Reference aurora.md 3.2: ACTIVE, SLAVE_ASSIGNED (OnAgent) and TERMINAL.
	active := map[Status]bool{Pending: true, Throttled: true, Assigned: true, Starting: true, Running: true,
		Killing: true, Preempting: true, Restarting: true, Draining: true, Partitioned: true}
	terminal := map[Status]bool{Failed: true, Finished: true, Killed: true, Lost: true}
	for _, s := range allStatuses {
		if got := s.Active(); got != active[s] {
			t.Errorf("%s.Active() = %v, want %v", s, got, active[s])
		}
		if got := s.Terminal(); got != terminal[s] {
			t.Errorf("%s.Terminal() = %v, want %v", s, got, terminal[s])
		}
		wantOnAgent := active[s] && s != Pending && s != Throttled
		if got := s.OnAgent(); got != wantOnAgent {
			t.Errorf("%s.OnAgent() = %v, want %v", s, got, wantOnAgent)
		}
	}
}

func TestFromMesosMapsEveryMesosState(t *testing.T) {
	want := map[mesos.TaskState]Status{
		mesos.TASK_STAGING:          Starting,
		mesos.TASK_STARTING:         Starting,
		mesos.TASK_RUNNING:          Running,
		mesos.TASK_FINISHED:         Finished,
		mesos.TASK_FAILED:           Failed,
		mesos.TASK_KILLING:          Killed,
		mesos.TASK_KILLED:           Killed,
		mesos.TASK_LOST:             Lost,
		mesos.TASK_ERROR:            Lost,
		mesos.TASK_DROPPED:          Lost,
		mesos.TASK_GONE:             Lost,
		mesos.TASK_GONE_BY_OPERATOR: Lost,
		mesos.TASK_UNREACHABLE:      Partitioned,
		mesos.TASK_UNKNOWN:          Partitioned,
	}
	// Every state mesos-go knows must be mapped: a new one needs a decision.
	for v, name := range mesos.TaskState_name {
		if _, ok := want[mesos.TaskState(v)]; !ok {
			t.Errorf("Mesos state %s has no expected Aurora status in this test", name)
		}
	}
	for ms, wantStatus := range want {
		got, ok := FromMesos(ms)
		if !ok || got != wantStatus {
			t.Errorf("FromMesos(%s) = %s, %v; want %s, true", ms, got, ok, wantStatus)
		}
	}
	if got, ok := FromMesos(mesos.TaskState(1234)); ok {
		t.Errorf("FromMesos(1234) = %s, true; want ok false for an unknown state", got)
	}
}
