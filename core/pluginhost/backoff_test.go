package pluginhost

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	const initial, max = 100 * time.Millisecond, 10 * time.Second
	mid := func() float64 { return 0.5 }
	low := func() float64 { return 0 }
	high := func() float64 { return 0.999999 }
	tests := []struct {
		attempt int
		random  func() float64
		want    time.Duration
	}{
		{0, mid, 100 * time.Millisecond},
		{1, mid, 200 * time.Millisecond},
		{3, mid, 800 * time.Millisecond},
		{0, low, 80 * time.Millisecond},
		{0, high, 120 * time.Millisecond},
		{7, mid, 10 * time.Second},  // 12.8s capped
		{50, mid, 10 * time.Second}, // no overflow
		{50, low, 8 * time.Second},
		{50, high, 10 * time.Second}, // jitter never exceeds the cap
	}
	for _, tt := range tests {
		got := backoff(tt.attempt, initial, max, tt.random)
		if diff := got - tt.want; diff > time.Millisecond || diff < -time.Millisecond {
			t.Errorf("backoff(%d, r=%v) = %v, want %v", tt.attempt, tt.random(), got, tt.want)
		}
	}
}
