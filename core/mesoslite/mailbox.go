package mesoslite

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// ErrStopped is returned when a call reaches a master or agent that has been
// shut down.
var ErrStopped = errors.New("mesoslite: stopped")

// mailbox is the actor loop of the master and of each agent: an unbounded FIFO
// of closures run one at a time on a single goroutine. Posting never blocks, so
// actors can message each other without deadlocks, and two messages from the
// same sender are handled in the order they were posted.
type mailbox struct {
	mu      sync.Mutex
	queue   []func()
	closed  bool
	aborted atomic.Bool
	wake    chan struct{}
	done    chan struct{}
	// idle, if set before run, runs after each batch of closures.
	idle func()
}

func newMailbox() *mailbox {
	return &mailbox{wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// post queues f. It reports false if the mailbox has been stopped, in which case
// f never runs.
func (mb *mailbox) post(f func()) bool {
	mb.mu.Lock()
	if mb.closed {
		mb.mu.Unlock()
		return false
	}
	mb.queue = append(mb.queue, f)
	mb.mu.Unlock()
	select {
	case mb.wake <- struct{}{}:
	default:
	}
	return true
}

// call runs f on the actor goroutine and waits for it to finish.
func (mb *mailbox) call(ctx context.Context, f func()) error {
	finished := make(chan struct{})
	if !mb.post(func() { f(); close(finished) }) {
		return ErrStopped
	}
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-mb.done:
		select {
		case <-finished:
			return nil
		default:
			return ErrStopped
		}
	}
}

// run is the actor loop. It returns after stop once the queue is drained.
func (mb *mailbox) run() {
	defer close(mb.done)
	for {
		mb.mu.Lock()
		for len(mb.queue) == 0 && !mb.closed {
			mb.mu.Unlock()
			<-mb.wake
			mb.mu.Lock()
		}
		q := mb.queue
		mb.queue = nil
		closed := mb.closed
		mb.mu.Unlock()
		for _, f := range q {
			if mb.aborted.Load() {
				return
			}
			f()
		}
		if mb.aborted.Load() {
			return
		}
		if mb.idle != nil && len(q) > 0 {
			mb.idle()
		}
		if closed && len(q) == 0 {
			return
		}
	}
}

// abort is a crash of the actor: called on its own goroutine, it refuses
// further posts and makes run return as soon as the current closure does,
// dropping whatever is queued.
func (mb *mailbox) abort() {
	mb.aborted.Store(true)
	mb.mu.Lock()
	mb.closed = true
	mb.queue = nil
	mb.mu.Unlock()
	select {
	case mb.wake <- struct{}{}:
	default:
	}
}

// stop refuses further posts; run drains what is queued and returns.
func (mb *mailbox) stop() {
	mb.mu.Lock()
	mb.closed = true
	mb.mu.Unlock()
	select {
	case mb.wake <- struct{}{}:
	default:
	}
}
