package cluster

import (
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/scheduling"
	"github.com/aurora-go/aurora/core/taskstate"
)

// The leftovers of an ACCEPT are refused for the ACCEPT's filter, an hour
// here. A job submitted afterwards that only they can hold runs because
// the scheduler sends REVIVE; with reviving off it waits for the filter.
func TestReviveBringsBackRefusedRoom(t *testing.T) {
	for _, revive := range []bool{true, false} {
		name := "revive"
		if !revive {
			name = "no-revive"
		}
		t.Run(name, func(t *testing.T) {
			h := startHarness(t, options{agents: 1, scheduler: func(c *scheduling.Config) {
				c.OfferFilter = time.Hour
				if !revive {
					c.ReviveInterval = -1
				}
			}})
			first := h.create(serviceJob("first", 1))
			h.awaitConverged(map[string]int{first: 1})
			second := h.create(serviceJob("second", 1))
			if revive {
				h.awaitConverged(map[string]int{first: 1, second: 1})
				return
			}
			time.Sleep(time.Second) // 20 allocation intervals
			for _, task := range h.allTasks(second) {
				if task.Status != taskstate.Pending {
					t.Fatalf("%s is %s without REVIVE, want PENDING: the filter holds the room", task.ID, task.Status)
				}
				if got := h.sched.PendingReason(task.ID); got != "No offers available" {
					t.Errorf("pending reason %q, want %q", got, "No offers available")
				}
			}
		})
	}
}
