package scheduling

import (
	"context"
	"sync"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// ackQueueSize bounds the acknowledgements waiting for a sender; a full
// queue holds the scheduling loop back.
const ackQueueSize = 1 << 16

// acknowledgeAll acknowledges a committed batch of updates. Updates of
// different tasks are independent, and a task's next update waits for this
// ACK, so several are sent at once. While Run runs, its senders take them
// and the loop goes on with the next batch; otherwise (tests calling
// handleUpdates directly) they are sent before this returns.
func (s *Scheduler) acknowledgeAll(ctx context.Context, batch []mesos.TaskStatus) {
	s.ackMu.Lock()
	q := s.ackq
	s.ackMu.Unlock()
	if q == nil {
		acks := make([]func(), 0, len(batch))
		for _, st := range batch {
			if len(st.UUID) > 0 {
				acks = append(acks, func() { s.acknowledge(ctx, st) })
			}
		}
		parallel(acks)
		return
	}
	for _, st := range batch {
		if len(st.UUID) == 0 {
			continue
		}
		select {
		case q <- st:
		case <-ctx.Done():
			return
		}
	}
}

// startAckSenders starts the senders of acknowledgements for Run; the
// returned stop ends them once ctx is done and they have finished.
func (s *Scheduler) startAckSenders(ctx context.Context) (wait func()) {
	q := make(chan mesos.TaskStatus, ackQueueSize)
	s.ackMu.Lock()
	s.ackq = q
	s.ackMu.Unlock()
	var wg sync.WaitGroup
	wg.Add(mesosCallWorkers)
	for i := 0; i < mesosCallWorkers; i++ {
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case st := <-q:
					s.acknowledge(ctx, st)
				}
			}
		}()
	}
	return func() {
		wg.Wait()
		s.ackMu.Lock()
		s.ackq = nil
		s.ackMu.Unlock()
	}
}
