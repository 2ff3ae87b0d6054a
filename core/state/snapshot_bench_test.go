package state

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/taskstate"
)

// fillStore writes n tasks spread over jobs of 100 instances each.
func fillStore(b *testing.B, n int) *Store {
	s, _ := NewStore()
	for j := 0; j*100 < n; j++ {
		job := &spec.Job{
			Cluster: "local", Key: spec.JobKey{Role: "www-data", Environment: "prod", Name: fmt.Sprintf("job-%d", j)},
			Service: true, Instances: 100, Tier: "preferred", MaxTaskFailures: 1,
			Task: spec.Task{Name: "main", MaxFailures: 1, Resources: spec.Resources{CPU: 1, RAM: 512 * spec.MiB, Disk: 1024 * spec.MiB},
				Processes: []spec.Process{{Name: "main", Cmdline: "./server --port {{thermos.ports[http]}}", MaxFailures: 1}}},
		}
		key := job.Key.String()
		c := CreateJob{Job: &Job{Key: key, Spec: job}}
		for i := 0; i < 100 && j*100+i < n; i++ {
			c.Tasks = append(c.Tasks, &Task{
				ID: fmt.Sprintf("www-data-prod-job-%d-%d-0b6c1f2e-8d7a-4c5b-9e3f-1a2b3c4d5e6f", j, i), JobKey: key, Instance: i,
				Status: taskstate.Running, AgentID: fmt.Sprintf("agent-%d", i%1000), Host: fmt.Sprintf("host-%d", i%1000),
				Ports: map[string]uint64{"http": 31000 + uint64(i)}, Config: job,
				Events: []Event{{Time: time.Unix(1, 0), Status: taskstate.Pending}, {Time: time.Unix(2, 0), Status: taskstate.Running}},
			})
		}
		if err := s.Apply(c); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// peakHeap samples the heap while f runs and returns the peak growth.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base && m.HeapAlloc-base > peak.Load() {
				peak.Store(m.HeapAlloc - base)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak.Load()
}

// BenchmarkSnapshotRestore writes a snapshot of 100 000 and 1 000 000 tasks
// and restores it, in the current format (v5) and in the JSON lines of
// version 4 for comparison, reporting each direction's wall time and the
// CPU time the process spent meanwhile (on a shared machine the wall time
// also counts other processes), the snapshot's size and the peak heap
// growth. The baseline is a plain copy of the snapshot bytes in the same
// run (the cost of touching that much data at all).
//
// Reproduce: go test -run '^$' -bench SnapshotRestore -benchtime 1x ./core/state/
// One size and format: -bench 'SnapshotRestore/tasks=100000$/format=v5'
func BenchmarkSnapshotRestore(b *testing.B) {
	formats := []struct {
		name  string
		write func(*Snapshot, io.Writer) (int64, error)
	}{
		{"v5", (*Snapshot).WriteTo},
		{"v4", (*Snapshot).writeV4},
	}
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			s := fillStore(b, n)
			for _, f := range formats {
				b.Run("format="+f.name, func(b *testing.B) {
					benchSnapshot(b, s, f.write)
				})
			}
		})
	}
}

func benchSnapshot(b *testing.B, s *Store, write func(*Snapshot, io.Writer) (int64, error)) {
	var writeDur, readDur, copyDur, writeCPU, readCPU time.Duration
	var size int
	var writePeak, readPeak uint64
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		writePeak = peakHeap(func() {
			start, cpu := time.Now(), cpuTime()
			if _, err := write(s.Snapshot(), &buf); err != nil {
				b.Fatal(err)
			}
			writeDur += time.Since(start)
			writeCPU += cpuTime() - cpu
		})
		size = buf.Len()
		start := time.Now()
		_ = bytes.Clone(buf.Bytes())
		copyDur += time.Since(start)
		r, _ := NewStore()
		readPeak = peakHeap(func() {
			start, cpu := time.Now(), cpuTime()
			if err := r.Restore(&buf); err != nil {
				b.Fatal(err)
			}
			readDur += time.Since(start)
			readCPU += cpuTime() - cpu
		})
	}
	b.ReportMetric(writeDur.Seconds()/float64(b.N), "write-s")
	b.ReportMetric(readDur.Seconds()/float64(b.N), "restore-s")
	b.ReportMetric(writeCPU.Seconds()/float64(b.N), "write-cpu-s")
	b.ReportMetric(readCPU.Seconds()/float64(b.N), "restore-cpu-s")
	b.ReportMetric(float64(size)/1e6, "MB")
	b.ReportMetric(float64(writePeak)/1e6, "write-peak-MB")
	b.ReportMetric(float64(readPeak)/1e6, "restore-peak-MB")
	b.ReportMetric(writeDur.Seconds()/copyDur.Seconds(), "write-x-copy")
}

// benchSizes are the task counts BenchmarkSnapshotRestore measures.
var benchSizes = []int{100_000, 1_000_000}
