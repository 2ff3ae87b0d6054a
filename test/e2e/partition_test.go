//go:build linux

package e2e

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/api"
)

// vars reads a replica's /vars.
func vars(r *replica) string {
	resp, err := (&http.Client{Timeout: time.Second}).Get("http://" + r.httpAddr + "/vars")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// A leader cut off from the other two stops accepting writes and stops
// acting on Mesos; the majority elects a new leader; after healing, the old
// leader catches up.
func TestHAPartitionedLeaderStepsDown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four processes")
	}
	links := map[[2]string]*linkProxy{}
	h := startHAWith(t, 3, func(from, to *replica) string {
		p := newLinkProxy(t, to.raftAddr)
		links[[2]string{from.id, to.id}] = p
		return p.addr()
		// Elections must not duel while four race-built processes share
		// two cores with the rest of the suite: give heartbeats room.
	}, `election_timeout = "1s"`, "")
	old := h.leader(30 * time.Second)
	ctx := context.Background()
	if _, err := old.client().CreateJob(ctx, unplaceableJob(1)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "the old leader subscribed to Mesos", func() bool {
		return strings.Contains(vars(old), "framework_registered 1\n")
	})

	// Cut the leader off in both directions.
	for k, p := range links {
		if k[0] == old.id || k[1] == old.id {
			p.setCut(true)
		}
	}
	var majority []*replica
	for _, r := range h.replicas {
		if r != old {
			majority = append(majority, r)
		}
	}
	waitFor(t, 45*time.Second, "a new leader on the majority side", func() bool {
		for _, r := range majority {
			if info, err := r.client().Scheduler(ctx); err == nil && info.Leading {
				return true
			}
		}
		return false
	})
	waitFor(t, 30*time.Second, "the old leader to step down and leave Mesos", func() bool {
		v := vars(old)
		return strings.Contains(v, "scheduler_leader 0\n") && strings.Contains(v, "framework_registered 0\n")
	})
	// The minority refuses writes (it cannot reach a leader).
	_, err := old.client().CreateJob(ctx, unplaceableJob(2))
	var apiErr *api.APIError
	if !errors.As(err, &apiErr) || (apiErr.Code != http.StatusServiceUnavailable && apiErr.Code != http.StatusBadGateway) {
		t.Fatalf("a write to the partitioned replica answered %v, want 503 or 502", err)
	}
	// The majority accepts writes meanwhile.
	var accepted bool
	for _, r := range majority {
		if _, err := r.client().CreateJob(ctx, unplaceableJob(3)); err == nil {
			accepted = true
			break
		}
	}
	if !accepted {
		t.Fatal("the majority did not accept a write during the partition")
	}
	if _, err := old.client().JobStatus(ctx, unplaceableJob(3).Key); err == nil {
		t.Fatal("the partitioned replica already shows a job created on the other side")
	}

	// Heal: the old leader catches up.
	for _, p := range links {
		p.setCut(false)
	}
	waitFor(t, 30*time.Second, "the old leader to catch up after healing", func() bool {
		_, err := old.client().JobStatus(ctx, unplaceableJob(3).Key)
		return err == nil
	})
	if _, err := old.client().JobStatus(ctx, unplaceableJob(2).Key); err == nil {
		t.Fatal("a write refused during the partition exists after healing")
	}
}
