package mesoslite

import (
	"strconv"
	"time"
)

// stoutDuration formats d the way Mesos' stout Duration prints itself ("5secs",
// "1mins", "100ms", "1.5hrs"). mesos-go's executor/config.FromEnv parses only
// this format, not Go's ("5s").
func stoutDuration(d time.Duration) string {
	units := []struct {
		limit time.Duration
		unit  time.Duration
		name  string
	}{
		{time.Microsecond, time.Nanosecond, "ns"},
		{time.Millisecond, time.Microsecond, "us"},
		{time.Second, time.Millisecond, "ms"},
		{time.Minute, time.Second, "secs"},
		{time.Hour, time.Minute, "mins"},
		{24 * time.Hour, time.Hour, "hrs"},
		{7 * 24 * time.Hour, 24 * time.Hour, "days"},
	}
	for _, u := range units {
		if d < u.limit {
			return strconv.FormatFloat(float64(d)/float64(u.unit), 'f', -1, 64) + u.name
		}
	}
	return strconv.FormatFloat(float64(d)/float64(7*24*time.Hour), 'f', -1, 64) + "weeks"
}

// secondsDuration converts Mesos' float seconds into a Duration, saturating.
func secondsDuration(s float64) time.Duration {
	const max = float64(1<<63-1) / float64(time.Second)
	switch {
	case s <= 0:
		return 0
	case s >= max:
		return time.Duration(1<<63 - 1)
	default:
		return time.Duration(s * float64(time.Second))
	}
}
