package mesoslite

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

// manualClock is a Clock that only moves when Advance is called. AfterFunc
// callbacks run synchronously inside Advance (the cluster's only post to a
// mailbox), so a mailbox call after Advance sees their effect.
type manualClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*manualTimer
}

type manualTimer struct {
	c      *manualClock
	at     time.Time
	ch     chan time.Time
	f      func()
	active bool
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) After(d time.Duration) <-chan time.Time { return c.NewTimer(d).C() }

func (c *manualClock) NewTimer(d time.Duration) Timer { return c.add(d, nil) }

func (c *manualClock) AfterFunc(d time.Duration, f func()) Timer { return c.add(d, f) }

func (c *manualClock) add(d time.Duration, f func()) *manualTimer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &manualTimer{c: c, at: c.now.Add(d), f: f, active: true}
	if f == nil {
		t.ch = make(chan time.Time, 1)
	}
	c.timers = append(c.timers, t)
	return t
}

// Advance moves the clock and fires, in order, every timer that is due.
func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	var due []*manualTimer
	for _, t := range c.timers {
		if t.active && !t.at.After(now) {
			t.active = false
			due = append(due, t)
		}
	}
	c.mu.Unlock()
	sort.SliceStable(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	for _, t := range due {
		if t.f != nil {
			t.f()
			continue
		}
		select {
		case t.ch <- now:
		default:
		}
	}
}

func (t *manualTimer) C() <-chan time.Time { return t.ch }

func (t *manualTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.active
	t.active = false
	return was
}

func (t *manualTimer) Reset(d time.Duration) bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.active
	t.at = t.c.now.Add(d)
	t.active = true
	return was
}

// TestAgentHealthCheckFollowsTheClock checks the Mesos defaults on an
// injected clock: an agent that stops answering is marked unreachable once
// five pings in a row, 15 s apart, went unanswered, not before.
func TestAgentHealthCheckFollowsTheClock(t *testing.T) {
	clock := newManualClock()
	cfg := testConfig(t)
	cfg.Clock = clock
	c := startCluster(t, cfg)
	s := subscribe(t, c, bothCodecs[0], testFrameworkInfo())
	o := s.awaitOffer()
	ctx := context.Background()
	if err := c.DisconnectAgent(ctx, o.AgentID.Value); err != nil {
		t.Fatal(err)
	}
	status := func() string {
		st, err := c.State(ctx) // a mailbox call: after what Advance posted
		if err != nil {
			t.Fatal(err)
		}
		return st.Agents[0].Status
	}
	// The ping sent at registration was answered; the next ones are not.
	clock.Advance(15 * time.Second)
	if got := status(); got != "registered" {
		t.Fatalf("after an answered ping the agent is %s", got)
	}
	for i := 1; i <= 4; i++ {
		clock.Advance(15 * time.Second)
		if got := status(); got != "registered" {
			t.Fatalf("after %d unanswered pings the agent is %s", i, got)
		}
	}
	clock.Advance(15 * time.Second)
	if got := status(); got != "unreachable" {
		t.Fatalf("after 5 unanswered pings the agent is %s, want unreachable", got)
	}
	s.await("RESCIND", func(e *scheduler.Event) bool {
		return e.Type == scheduler.Event_RESCIND && e.Rescind.OfferID == o.ID
	})
	s.await("FAILURE", isType(scheduler.Event_FAILURE))
}
