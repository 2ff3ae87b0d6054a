package mesoslite

import "time"

// Clock is the source of time for every timer in the cluster: heartbeats,
// allocation, offer filters, status-update retries, registration timeouts,
// shutdown grace periods and failover timeouts. Tests may inject their own.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
	NewTimer(d time.Duration) Timer
	// AfterFunc calls f in its own goroutine after d, unless stopped first.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a stoppable timer created by a Clock. C is nil for AfterFunc timers.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
	Reset(d time.Duration) bool
}

// RealClock returns the wall clock.
func RealClock() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
func (realClock) NewTimer(d time.Duration) Timer         { return realTimer{time.NewTimer(d)} }
func (realClock) AfterFunc(d time.Duration, f func()) Timer {
	return realTimer{time.AfterFunc(d, f)}
}

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }

// stopTimer stops t if it is set; a nil-safe helper.
func stopTimer(t Timer) {
	if t != nil {
		t.Stop()
	}
}

// nowSeconds is the clock's time as Mesos timestamps are: float seconds.
func nowSeconds(c Clock) float64 {
	return float64(c.Now().UnixNano()) / float64(time.Second)
}
