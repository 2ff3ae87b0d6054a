//go:build linux

package pluginhost

import "syscall"

// sysProcAttr runs a plugin in its own process group and kills it if the
// host dies (Pdeathsig).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
