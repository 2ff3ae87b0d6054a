package scheduling

import (
	"context"
	"sync"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// callQueueSize bounds the calls to the master waiting for a sender; a full
// queue holds the scheduling loop back.
const callQueueSize = 1 << 16

// enqueue hands calls to the master to Run's senders, so the loop goes on
// with status updates and placement while they are sent. Without Run
// (tests calling handleUpdates or schedule directly) they are sent, a few
// at once, before enqueue returns. Once ctx is done the rest is dropped:
// an unsent ACKNOWLEDGE makes the agent send its update again, and a task
// whose ACCEPT was not sent stays ASSIGNED until the transient-state
// timeout replaces it.
func (s *Scheduler) enqueue(ctx context.Context, calls []func()) {
	s.callMu.Lock()
	q := s.callq
	s.callMu.Unlock()
	if q == nil {
		parallel(calls)
		return
	}
	for _, call := range calls {
		select {
		case q <- call:
		case <-ctx.Done():
			return
		}
	}
}

// acknowledgeAll acknowledges a committed batch of updates. Updates of
// different tasks are independent, and a task's next update waits for this
// ACK, so several are sent at once.
func (s *Scheduler) acknowledgeAll(ctx context.Context, batch []mesos.TaskStatus) {
	acks := make([]func(), 0, len(batch))
	for _, st := range batch {
		if len(st.UUID) > 0 {
			acks = append(acks, func() { s.acknowledge(ctx, st) })
		}
	}
	s.enqueue(ctx, acks)
}

// startCallers starts Run's senders of calls to the master; the returned
// wait returns once ctx is done and they have finished.
func (s *Scheduler) startCallers(ctx context.Context) (wait func()) {
	q := make(chan func(), callQueueSize)
	s.callMu.Lock()
	s.callq = q
	s.callMu.Unlock()
	var wg sync.WaitGroup
	wg.Add(mesosCallWorkers)
	for i := 0; i < mesosCallWorkers; i++ {
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case call := <-q:
					call()
				}
			}
		}()
	}
	return func() {
		wg.Wait()
		s.callMu.Lock()
		s.callq = nil
		s.callMu.Unlock()
	}
}
