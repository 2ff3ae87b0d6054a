//go:build unix

package thermos

import (
	"errors"
	"syscall"
)

// signalGroup sends sig to every process of the process group pgid. It
// reports false if the group no longer exists.
func signalGroup(pgid int, sig syscall.Signal) bool {
	err := syscall.Kill(-pgid, sig)
	return !errors.Is(err, syscall.ESRCH)
}

// pruneGroups removes the process groups that have no live process left.
func pruneGroups(groups map[int]struct{}) {
	for pgid := range groups {
		if !signalGroup(pgid, 0) {
			delete(groups, pgid)
		}
	}
	if len(groups) == 0 {
		return
	}
	live, ok := livePgids()
	if !ok {
		return
	}
	for pgid := range groups {
		if _, alive := live[pgid]; !alive {
			delete(groups, pgid)
		}
	}
}
