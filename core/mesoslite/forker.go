package mesoslite

import (
	"context"
	"os/exec"
	"runtime"
)

// forker starts every executor process from one goroutine locked to one OS
// thread for the cluster's lifetime. On Linux executors get Pdeathsig, which
// the kernel delivers when the thread that forked them exits, not the process;
// Go may end a thread whenever some goroutine that locked it exits. Forking
// from a thread that only we lock and only stops after every executor is dead
// makes Pdeathsig mean "the embedded cluster's process died".
type forker struct {
	reqs chan forkRequest
	done chan struct{}
}

type forkRequest struct {
	cmd    *exec.Cmd
	result chan error
}

func newForker() *forker {
	return &forker{reqs: make(chan forkRequest), done: make(chan struct{})}
}

// run serves start requests until stop. Its thread stays locked, so the
// runtime discards it when run returns.
func (f *forker) run() {
	runtime.LockOSThread()
	for {
		select {
		case req := <-f.reqs:
			req.result <- req.cmd.Start()
		case <-f.done:
			return
		}
	}
}

// start starts cmd on the forker's thread.
func (f *forker) start(ctx context.Context, cmd *exec.Cmd) error {
	req := forkRequest{cmd: cmd, result: make(chan error, 1)}
	select {
	case f.reqs <- req:
	case <-f.done:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-req.result
}

func (f *forker) stop() { close(f.done) }
