//go:build unix && !linux

package thermos

import (
	"errors"
	"syscall"
)

// livePgids is unknown without /proc: a group that still answers signals,
// zombies included, counts as alive.
func livePgids() (map[int]struct{}, bool) {
	return nil, false
}

// procStartTime cannot tell a process's start time without /proc: it
// returns 0 (which matches any recorded 0) and whether pid answers signals.
func procStartTime(pid int) (start uint64, alive bool) {
	if pid <= 0 {
		return 0, false
	}
	return 0, !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
