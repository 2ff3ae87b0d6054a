package mesoslite

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/mesos/mesos-go/api/v1/lib/encoding"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/framing"
	"github.com/mesos/mesos-go/api/v1/lib/recordio"
)

// maxQueuedEvents bounds a subscriber's backlog. A subscriber that falls this far
// behind gets its stream closed and must re-subscribe, as after a network failure.
const maxQueuedEvents = 100000

// eventStream is one subscription's outgoing events: the actor queues events
// without blocking and the HTTP handler goroutine that owns the connection
// writes them, RecordIO-framed in the negotiated codec, flushing after each
// batch. Closing it ends the response once the queue is written.
type eventStream struct {
	codec encoding.Codec
	id    string // Mesos-Stream-Id; empty for executor subscriptions

	mu     sync.Mutex
	queue  []encoding.Marshaler
	closed bool
	cutoff bool // closed by cut: end without writing what is queued
	wake   chan struct{}
}

// errStreamCut ends a stream that was cut.
var errStreamCut = errors.New("stream cut")

// abortIfCut aborts the HTTP response of a cut stream: net/http then closes
// the connection without the final chunk, so the client sees the connection
// break rather than a clean end of the stream.
func abortIfCut(err error) {
	if errors.Is(err, errStreamCut) {
		panic(http.ErrAbortHandler)
	}
}

func newEventStream(codec encoding.Codec, id string) *eventStream {
	return &eventStream{codec: codec, id: id, wake: make(chan struct{}, 1)}
}

// send queues e. It reports false if the stream is closed.
func (s *eventStream) send(e encoding.Marshaler) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	if len(s.queue) >= maxQueuedEvents {
		s.closed = true
		s.queue = nil
		s.mu.Unlock()
		s.signal()
		return false
	}
	s.queue = append(s.queue, e)
	s.mu.Unlock()
	s.signal()
	return true
}

// close ends the stream after the events already queued.
func (s *eventStream) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.signal()
}

// cut ends the stream at once, dropping what is queued, as a broken
// connection would.
func (s *eventStream) cut() {
	s.mu.Lock()
	s.closed = true
	s.cutoff = true
	s.queue = nil
	s.mu.Unlock()
	s.signal()
}

func (s *eventStream) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *eventStream) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *eventStream) drain() ([]encoding.Marshaler, bool, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queue
	s.queue = nil
	return q, s.closed, s.cutoff
}

// heartbeats describes the periodic events a stream writes on its own.
type heartbeats struct {
	clock    Clock
	interval time.Duration
	event    func() encoding.Marshaler
}

// serve writes a 200 response with the given headers and then the stream's
// events until the stream is closed, the client goes away or a write fails. It
// runs on the handler goroutine and never sets a write deadline.
func (s *eventStream) serve(ctx context.Context, w http.ResponseWriter, header http.Header, hb *heartbeats) error {
	defer s.close()
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	for k, v := range header {
		w.Header()[k] = v
	}
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return fmt.Errorf("flushing headers: %w", err)
	}
	enc := s.codec.NewEncoder(func() framing.Writer { return recordio.NewWriter(w) })

	var tick <-chan time.Time
	var timer Timer
	if hb != nil && hb.interval > 0 {
		timer = hb.clock.NewTimer(hb.interval)
		defer timer.Stop()
		tick = timer.C()
	}
	for {
		events, closed, cutoff := s.drain()
		if cutoff {
			return errStreamCut
		}
		for _, e := range events {
			if err := enc.Encode(e); err != nil {
				return fmt.Errorf("writing event: %w", err)
			}
		}
		if len(events) > 0 {
			if err := rc.Flush(); err != nil {
				return fmt.Errorf("flushing events: %w", err)
			}
		}
		if closed {
			return nil
		}
		select {
		case <-s.wake:
		case <-tick:
			if err := enc.Encode(hb.event()); err != nil {
				return fmt.Errorf("writing heartbeat: %w", err)
			}
			if err := rc.Flush(); err != nil {
				return fmt.Errorf("flushing heartbeat: %w", err)
			}
			timer.Reset(hb.interval)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
