//go:build !unix

package state

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
