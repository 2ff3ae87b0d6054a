//go:build unix && !linux

package thermos

import "syscall"

// sysProcAttr puts each process run in its own process group, so that a
// signal to the group reaches its children too.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
