package pluginhost

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aurora-go/aurora/plugins/constraint/limit"
	"github.com/aurora-go/aurora/sdk"
)

// BenchmarkFilter measures one Filter call of the built-in limit plugin
// over 1, 100, 1 000 and 10 000 hosts, in-process (a Go call) and through a
// real plugin process (this test binary serving `plugin serve
// constraint/limit`, started by a Host with the production handshake).
//
//   - hosts=N/inprocess: the baseline.
//   - hosts=N/plugin: the steady state of a scheduling loop: the hosts are
//     known to the plugin at their generation, so they travel as (ref,
//     generation) only. Reports ns/host and x-inprocess, the ratio to the
//     in-process baseline measured in the same run.
//   - hosts=N/plugin-cold: every host changed since the last call (new
//     generation each call), so every host is sent in full.
//
// Target at 1 000 hosts: plugin at most 2x inprocess and under 1 ms.
// Reproduce with:
//
//	go test ./core/pluginhost -run '^$' -bench BenchmarkFilter -benchtime 2s
func BenchmarkFilter(b *testing.B) {
	h := New(nil)
	defer h.Shutdown()
	spec, err := BuiltinSpec(sdk.KindConstraint, limit.Name)
	if err != nil {
		b.Fatal(err)
	}
	client, err := h.Constraint(context.Background(), spec)
	if err != nil {
		b.Fatal(err)
	}
	inproc := limit.New(nil)
	ctx := context.Background()
	for _, n := range []int{1, 100, 1000, 10000} {
		req := benchRequest(n)
		var baseline float64
		b.Run(fmt.Sprintf("hosts=%d/inprocess", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := inproc.Filter(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			baseline = perOp(b)
			b.ReportMetric(baseline/float64(n), "ns/host")
		})
		if baseline == 0 { // the in-process sub-benchmark was filtered out
			baseline = measure(func() { _, _ = inproc.Filter(ctx, req) })
		}
		b.Run(fmt.Sprintf("hosts=%d/plugin", n), func(b *testing.B) {
			if _, err := client.Filter(ctx, req); err != nil { // the plugin learns the hosts
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := client.Filter(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			ns := perOp(b)
			b.ReportMetric(ns/float64(n), "ns/host")
			b.ReportMetric(ns/baseline, "x-inprocess")
		})
		b.Run(fmt.Sprintf("hosts=%d/plugin-cold", n), func(b *testing.B) {
			b.ReportAllocs()
			gen := uint64(1000)
			for b.Loop() {
				b.StopTimer()
				gen++
				for i := range req.Hosts {
					req.Hosts[i].Generation = gen
				}
				b.StartTimer()
				if _, err := client.Filter(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			ns := perOp(b)
			b.ReportMetric(ns/float64(n), "ns/host")
			b.ReportMetric(ns/baseline, "x-inprocess")
		})
	}
}

// measure times f over at least 200ms (testing.Benchmark cannot run
// inside a benchmark).
func measure(f func()) float64 {
	f()
	n, began := 0, time.Now()
	for time.Since(began) < 200*time.Millisecond {
		f()
		n++
	}
	return float64(time.Since(began).Nanoseconds()) / float64(n)
}

func perOp(b *testing.B) float64 {
	if b.N == 0 {
		return 0
	}
	return float64(b.Elapsed().Nanoseconds()) / float64(b.N)
}

// benchRequest is a task group with host and rack limits over n hosts in
// 20 racks and 3 zones; a tenth of the hosts are at the host limit.
func benchRequest(n int) *sdk.FilterRequest {
	req := &sdk.FilterRequest{
		Group: sdk.TaskGroup{Role: "www-data", Environment: "prod", Job: "bench",
			Constraints: []sdk.Constraint{{Name: "host", Limit: 1}, {Name: "rack", Limit: 50}}},
		ActiveTasks: map[string]map[string]int32{"host": {}, "rack": {}},
	}
	for i := range n {
		host := fmt.Sprintf("host-%05d", i)
		rack := fmt.Sprintf("rack-%02d", i%20)
		if i%10 == 0 {
			req.ActiveTasks["host"][host] = 1
			req.ActiveTasks["rack"][rack]++
		}
		req.Hosts = append(req.Hosts, sdk.Host{
			ID: fmt.Sprintf("agent-%05d", i), Hostname: host, Generation: 1,
			Attributes: map[string][]string{"host": {host}, "rack": {rack}, "zone": {fmt.Sprintf("zone-%d", i%3)}},
		})
	}
	return req
}
