package pluginhost

import "time"

// jitterFraction spreads each backoff delay over ±20%.
const jitterFraction = 0.2

// backoff returns the delay before restart attempt n (0-based): initial
// doubled n times, capped at max, with ±20% jitter from random (in [0, 1)),
// and never above max.
func backoff(n int, initial, max time.Duration, random func() float64) time.Duration {
	d := initial
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	j := time.Duration(float64(d) * jitterFraction * (2*random() - 1))
	d += j
	if d > max {
		d = max
	}
	if d < 0 {
		d = 0
	}
	return d
}
