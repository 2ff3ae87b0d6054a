//go:build unix

package pluginhost

import (
	"errors"
	"syscall"
)

// killGroup SIGKILLs the process group pgid; plugins run in their own group,
// so this also ends any process a plugin started.
func killGroup(pgid int) error {
	if pgid <= 0 {
		return nil
	}
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}
