package mesoslite

import "syscall"

// executorSysProcAttr puts the executor in its own process group so the agent
// can signal the whole container. With pdeathsig the kernel also SIGKILLs it
// when the process that launched it dies: executors that no restarted agent
// would recover must not outlive an embedded cluster that crashed.
func executorSysProcAttr(pdeathsig bool) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if pdeathsig {
		attr.Pdeathsig = syscall.SIGKILL
	}
	return attr
}
