package mesoslite

import "syscall"

// executorSysProcAttr puts the executor in its own process group so the agent
// can signal the whole container, and has the kernel SIGKILL it if the
// process that launched it dies: these agents never recover executors, so an
// executor must not outlive an embedded cluster that crashed.
func executorSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
