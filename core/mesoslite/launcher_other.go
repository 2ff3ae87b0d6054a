//go:build unix && !linux

package mesoslite

import "syscall"

// executorSysProcAttr puts the executor in its own process group so the agent
// can signal the whole container. There is no Pdeathsig outside Linux.
func executorSysProcAttr(bool) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
