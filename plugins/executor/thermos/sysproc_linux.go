//go:build linux

package thermos

import "syscall"

// sysProcAttr puts each process run in its own process group, so that a
// signal to the group reaches its children too, and kills it if its
// coordinator dies (Pdeathsig; note that it only covers the direct child).
// The plugin may die: the coordinator outlives it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
