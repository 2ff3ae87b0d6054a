//go:build linux

package e2e

import (
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"
)

// subscribedLeader reports whether r leads (/leaderhealth 200) and its
// framework is subscribed to the master (/vars framework_registered 1).
func subscribedLeader(r *replica) bool {
	c := &http.Client{Timeout: time.Second}
	resp, err := c.Get("http://" + r.httpAddr + "/leaderhealth")
	if err != nil {
		return false
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return false
	}
	resp, err = c.Get("http://" + r.httpAddr + "/vars")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return strings.Contains(string(b), "framework_registered 1\n")
}

// BenchmarkFailover measures, over 20 runs, the time from SIGKILL of the
// leading replica (of three, as separate processes) to a new leader that
// answers /leaderhealth 200 and is subscribed to the master. It reports
// the median and the maximum; the baseline is the raft election timeout
// the replicas run with (350ms), a floor no failover can beat.
//
// Reproduce: go test -run '^$' -bench Failover -benchtime 1x ./test/e2e/
func BenchmarkFailover(b *testing.B) {
	const runs = 20
	h := startHA(b, 3)
	var times []time.Duration
	for i := 0; i < b.N*runs; i++ {
		var leader *replica
		waitFor(b, 30*time.Second, "a subscribed leader", func() bool {
			for _, r := range h.replicas {
				if r.cmd.ProcessState == nil && subscribedLeader(r) {
					leader = r
					return true
				}
			}
			return false
		})
		// Let the killed replica of the last run rejoin as a follower first.
		time.Sleep(500 * time.Millisecond)
		start := time.Now()
		leader.kill()
		for !newLeader(h, leader) {
			if time.Since(start) > 30*time.Second {
				b.Fatal("no new subscribed leader within 30s of killing the old one")
			}
			time.Sleep(20 * time.Millisecond)
		}
		times = append(times, time.Since(start))
		leader.start(b)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	median, max := times[len(times)/2], times[len(times)-1]
	b.ReportMetric(median.Seconds(), "median-s")
	b.ReportMetric(max.Seconds(), "max-s")
	b.ReportMetric(median.Seconds()/0.35, "median-x-election-timeout")
}

// newLeader reports whether a replica other than old leads and is subscribed.
func newLeader(h *haCluster, old *replica) bool {
	for _, r := range h.replicas {
		if r != old && r.cmd.ProcessState == nil && subscribedLeader(r) {
			return true
		}
	}
	return false
}
