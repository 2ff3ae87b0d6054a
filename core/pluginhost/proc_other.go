//go:build unix && !linux

package pluginhost

import "syscall"

// sysProcAttr runs a plugin in its own process group.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
