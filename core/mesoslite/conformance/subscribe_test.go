package conformance

import (
	"strings"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

func TestSubscribeThenHeartbeats(t *testing.T) {
	for _, codec := range Codecs {
		t.Run(codec.Name, func(t *testing.T) {
			tg := NewTarget(t, Options{})
			s := Subscribe(t, tg.MasterURL, codec, FrameworkInfo("subscribe", false, false))
			mi := s.Subscribed.MasterInfo
			if mi == nil || mi.ID == "" || mi.GetAddress().GetPort() == 0 {
				t.Fatalf("SUBSCRIBED master_info = %v", mi)
			}
			if !strings.HasPrefix(s.FrameworkID, mi.ID+"-") {
				t.Errorf("framework id %q is not <master id>-<n>", s.FrameworkID)
			}
			hb := s.Subscribed.GetHeartbeatIntervalSeconds()
			if hb <= 0 {
				t.Fatalf("heartbeat_interval_seconds = %v", hb)
			}
			if e := s.Next(WaitTimeout); e.Type != scheduler.Event_HEARTBEAT {
				t.Fatalf("event after SUBSCRIBED is %s, want HEARTBEAT", e.Type)
			}
			if hb > 2 {
				return // a real master's 15 s period is too long to wait for
			}
			start := time.Now()
			s.Await("a periodic HEARTBEAT", IsType(scheduler.Event_HEARTBEAT))
			if d := time.Since(start); d < time.Duration(hb*float64(time.Second))/2 {
				t.Errorf("second heartbeat after %v, want about %vs", d, hb)
			}
		})
	}
}

func TestFrameworkFailover(t *testing.T) {
	tg := NewTarget(t, Options{})
	fi := FrameworkInfo("failover", true, false)
	s1 := Subscribe(t, tg.MasterURL, Codecs[0], fi)
	fi.ID = &mesos.FrameworkID{Value: s1.FrameworkID}
	s2 := Subscribe(t, tg.MasterURL, Codecs[1], fi)
	s1.Forget()
	if s2.FrameworkID != s1.FrameworkID {
		t.Fatalf("failover got framework id %s, want %s", s2.FrameworkID, s1.FrameworkID)
	}
	e := s1.Await("ERROR on the old subscription", IsType(scheduler.Event_ERROR))
	if e.Error.Message != "Framework failed over" {
		t.Errorf("ERROR = %q, want \"Framework failed over\"", e.Error.Message)
	}
	s1.AwaitEnd()
	s2.AwaitOffer()
}

func TestTeardownRemovesTheFramework(t *testing.T) {
	tg := NewTarget(t, Options{})
	fi := FrameworkInfo("teardown", true, false)
	s := Subscribe(t, tg.MasterURL, Codecs[0], fi)
	o := s.AwaitOffer()
	s.MustCall(Launch(o, Task("task-1", o, Executor(t, "exec-1", s.Codec, ""), "")))
	s.Ack(s.AwaitUpdate("task-1", mesos.TASK_STARTING))
	s.MustCall(&scheduler.Call{Type: scheduler.Call_TEARDOWN})
	s.Forget()
	s.AwaitEnd()

	fi.ID = &mesos.FrameworkID{Value: s.FrameworkID}
	again := Open(t, tg.MasterURL, Codecs[0], fi)
	again.Forget()
	if e := again.Next(WaitTimeout); e.Type != scheduler.Event_ERROR || e.Error.Message != "Framework has been removed" {
		t.Fatalf("subscription of a removed framework: %v, want ERROR \"Framework has been removed\"", e)
	}
}
