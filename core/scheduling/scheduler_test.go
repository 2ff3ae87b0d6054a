package scheduling

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

func TestDuplicateOffersForOneAgentAreDeclined(t *testing.T) {
	tests := []struct {
		name   string
		rounds [][]mesos.Offer
	}{
		{"in one event", [][]mesos.Offer{{bigOffer("o-1", "agent-1"), bigOffer("o-2", "agent-1")}}},
		{"in two events", [][]mesos.Offer{{bigOffer("o-1", "agent-1")}, {bigOffer("o-2", "agent-1")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			h := newHarness(t, nil)
			ids, err := h.s.CreateJob(ctx, testJob("hello", 1, true))
			if err != nil {
				t.Fatal(err)
			}
			for _, offers := range tt.rounds {
				h.s.Offers(offers)
			}
			_, declines, _, _ := h.mesos.snapshot()
			if len(declines) != 1 {
				t.Fatalf("declines = %v, want one DECLINE of both", declines)
			}
			got := append([]string(nil), declines[0]...)
			sort.Strings(got)
			if !reflect.DeepEqual(got, []string{"o-1", "o-2"}) {
				t.Errorf("declined %v, want both o-1 and o-2", got)
			}
			// Neither offer is held any more.
			h.s.schedule(ctx)
			if accepts, _, _, _ := h.mesos.snapshot(); len(accepts) != 0 {
				t.Errorf("launched on a declined offer: %+v", accepts)
			}
			if r := h.s.PendingReason(ids[0]); r != "No offers available" {
				t.Errorf("pending reason = %q", r)
			}
		})
	}
}

func TestRescindAndDisconnectDropOffers(t *testing.T) {
	tests := []struct {
		name string
		drop func(s *Scheduler)
	}{
		{"rescind", func(s *Scheduler) { s.Rescind("o-1") }},
		{"disconnect", func(s *Scheduler) { s.Disconnected() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			h := newHarness(t, nil)
			if _, err := h.s.CreateJob(ctx, testJob("hello", 1, true)); err != nil {
				t.Fatal(err)
			}
			h.s.Offers([]mesos.Offer{bigOffer("o-1", "agent-1")})
			tt.drop(h.s)
			h.s.schedule(ctx)
			if accepts, _, _, _ := h.mesos.snapshot(); len(accepts) != 0 {
				t.Errorf("launched on a dropped offer: %+v", accepts)
			}
		})
	}
}

func TestStaleOffersAreDeclined(t *testing.T) {
	h := newHarness(t, nil)
	h.s.cfg.OfferHold = time.Millisecond
	h.s.Offers([]mesos.Offer{bigOffer("o-1", "agent-1")})
	time.Sleep(5 * time.Millisecond)
	h.s.expireOffers(context.Background())
	if _, declines, _, _ := h.mesos.snapshot(); !reflect.DeepEqual(declines, [][]string{{"o-1"}}) {
		t.Errorf("declines = %v, want o-1 returned after the hold time", declines)
	}
}

func TestKillsAreRetried(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	putTask(t, h, testJob("hello", 1, true), "t-0", 0, taskstate.Running, 0)
	if _, err := h.s.KillTasks(ctx, "www-data/prod/hello", nil, ""); err != nil {
		t.Fatal(err)
	}
	h.s.retryKills(ctx) // too early: KillRetry is 15s
	if _, _, kills, _ := h.mesos.snapshot(); len(kills) != 1 {
		t.Fatalf("kills = %v, want only the first KILL before KillRetry", kills)
	}
	h.s.cfg.KillRetry = time.Nanosecond
	h.s.retryKills(ctx)
	if _, _, kills, _ := h.mesos.snapshot(); !reflect.DeepEqual(kills, []string{"t-0", "t-0"}) {
		t.Fatalf("kills = %v, want KILL sent again", kills)
	}
	// Once the task is gone nothing is retried.
	h.s.handleUpdate(ctx, update("t-0", mesos.TASK_KILLED, "u"))
	h.s.retryKills(ctx)
	if _, _, kills, _ := h.mesos.snapshot(); len(kills) != 2 {
		t.Errorf("kills = %v, want no KILL for a KILLED task", kills)
	}
}

func TestAfterSubscribe(t *testing.T) {
	tests := []struct {
		name     string
		statuses map[string]taskstate.Status
		want     []map[string]string // RECONCILE calls in order
	}{
		{
			name: "explicit then implicit",
			statuses: map[string]taskstate.Status{
				"pend": taskstate.Pending, "asg": taskstate.Assigned, "run": taskstate.Running,
				"kill": taskstate.Killing, "part": taskstate.Partitioned, "fin": taskstate.Finished,
			},
			want: []map[string]string{{"asg": "", "run": "", "kill": "", "part": ""}, {}},
		},
		{
			name:     "nothing on an agent: implicit only",
			statuses: map[string]taskstate.Status{"pend": taskstate.Pending, "lost": taskstate.Lost},
			want:     []map[string]string{{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			i := 0
			for id, st := range tt.statuses {
				putTask(t, h, testJob("hello", len(tt.statuses), true), id, i, st, 0)
				i++
			}
			h.s.afterSubscribe(context.Background(), "fw-42")
			if id, _ := h.store.Meta(state.MetaFrameworkID); id != "fw-42" {
				t.Errorf("persisted framework id = %q, want fw-42", id)
			}
			h.mesos.mu.Lock()
			got := h.mesos.reconciles
			h.mesos.mu.Unlock()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("reconciles = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRunLoop drives the real loop through the Handler methods: a created
// job is placed on an offer and its updates are applied and acked.
func TestRunLoop(t *testing.T) {
	h := newHarness(t, nil)
	h.s.cfg.Interval = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	})

	h.s.Subscribed(ctx, "fw-run")
	ids, err := h.s.CreateJob(ctx, testJob("hello", 1, true))
	if err != nil {
		t.Fatal(err)
	}
	h.s.Offers([]mesos.Offer{bigOffer("o-1", "agent-1")})
	waitFor(t, "the task to be launched", func() bool {
		// A round that ran before the offer came backed the group off;
		// the harness clock moves only when advanced.
		h.advance(100 * time.Millisecond)
		accepts, _, _, _ := h.mesos.snapshot()
		return len(accepts) == 1
	})
	if id, _ := h.store.Meta(state.MetaFrameworkID); id != "fw-run" {
		t.Errorf("framework id = %q, want fw-run", id)
	}
	h.s.Update(update(ids[0], mesos.TASK_RUNNING, "u1"))
	waitFor(t, "the RUNNING update to be acked", func() bool {
		_, _, _, acks := h.mesos.snapshot()
		return len(acks) == 1
	})
	if st := mustTask(t, h, ids[0]).Status; st != taskstate.Running {
		t.Errorf("task is %s, want RUNNING", st)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestKillRetriedForRestartingTasks(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	putTask(t, h, testJob("hello", 1, true), "t-0", 0, taskstate.Running, 0)
	if _, err := h.s.RestartTasks(ctx, "www-data/prod/hello", []int{0}, ""); err != nil {
		t.Fatal(err)
	}
	h.s.cfg.KillRetry = time.Nanosecond
	h.s.retryKills(ctx)
	if _, _, kills, _ := h.mesos.snapshot(); !reflect.DeepEqual(kills, []string{"t-0", "t-0"}) {
		t.Errorf("kills = %v, want the KILL of a RESTARTING task sent again", kills)
	}
}

func TestHostGenerationChangesOnlyWithAttributes(t *testing.T) {
	h := newHarness(t, nil)
	gen := func() uint64 {
		h.s.mu.Lock()
		defer h.s.mu.Unlock()
		return h.s.hostGens["agent-1"]
	}
	h.s.Offers([]mesos.Offer{offer("o-1", "agent-1", "h1", 1, 1024, 1024, nil, map[string]string{"rack": "r1"})})
	first := gen()
	if first == 0 {
		t.Fatal("an offered agent has no generation")
	}
	h.s.Rescind("o-1")
	h.s.Offers([]mesos.Offer{offer("o-2", "agent-1", "h1", 2, 2048, 1024, nil, map[string]string{"rack": "r1"})})
	if got := gen(); got != first {
		t.Fatalf("generation %d after an offer with the same attributes, want %d", got, first)
	}
	h.s.Rescind("o-2")
	h.s.Offers([]mesos.Offer{offer("o-3", "agent-1", "h1", 1, 1024, 1024, nil, map[string]string{"rack": "r2"})})
	if got := gen(); got == first {
		t.Fatal("the generation did not change with the attributes")
	}
}

func TestUpdatesAfterRunReturnedDoNotBlock(t *testing.T) {
	h := newHarness(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.s.Run(ctx) }()
	cancel()
	<-done
	// More than the queue holds: a driver still dispatching when the
	// scheduler stopped (leadership lost) must not hang on them.
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for i := range 2 * cap(h.s.updates) {
			h.s.Update(update(fmt.Sprintf("t-%d", i), mesos.TASK_RUNNING, "u"))
		}
		h.s.Subscribed(context.Background(), "fw")
	}()
	select {
	case <-sent:
	case <-time.After(5 * time.Second):
		t.Fatal("Update blocked after Run returned")
	}
}
