package mesoslite

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// procHandle is an executor's process as its agent sees it: one it started
// (a *process, reaped here) or one it recovered from a checkpoint.
type procHandle interface {
	Pid() int
	Done() <-chan struct{}
	// Status is the raw wait status once Done is closed, nil if unknown.
	Status() *int32
	// Kill SIGKILLs the process group.
	Kill()
}

// childTable holds the executor processes this OS process started, by
// container id. Each entry's reaper goroutine is owned by the table and ends
// when the child exits. An agent that restarts in the same process, or a new
// Cluster on the same work dir, finds its still-running children here and
// waits for them as their parent; entries are released when the agent
// forgets the executor.
type childTable struct {
	mu    sync.Mutex
	procs map[string]*process
}

var children = &childTable{procs: map[string]*process{}}

func (t *childTable) add(containerID string, p *process) {
	t.mu.Lock()
	t.procs[containerID] = p
	t.mu.Unlock()
	go p.reap()
}

func (t *childTable) get(containerID string) *process {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.procs[containerID]
}

func (t *childTable) release(containerID string) {
	t.mu.Lock()
	delete(t.procs, containerID)
	t.mu.Unlock()
}

// reattach finds a recovered executor's process: a child of this process if
// it is one, else the checkpointed pid if that process still runs (and was
// started at the checkpointed time, so a reused pid is not mistaken for it).
// It returns nil if the process is gone.
func reattach(containerID string, pid int, start uint64, clock Clock, stop <-chan struct{}) procHandle {
	if p := children.get(containerID); p != nil && p.pid == pid {
		return p
	}
	if pid <= 0 || !processRuns(pid, start) {
		return nil
	}
	p := &polledProcess{pid: pid, start: start, done: make(chan struct{})}
	go p.poll(clock, stop)
	return p
}

// pollInterval is how often a recovered process that is not our child is
// checked, as libprocess' reaper does for non-children.
const pollInterval = 200 * time.Millisecond

// polledProcess is a recovered executor process that is not our child: its
// exit can only be noticed by polling, and its wait status is unknown.
type polledProcess struct {
	pid   int
	start uint64
	done  chan struct{}
}

func (p *polledProcess) Pid() int              { return p.pid }
func (p *polledProcess) Done() <-chan struct{} { return p.done }
func (p *polledProcess) Status() *int32        { return nil }
func (p *polledProcess) Kill() {
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	_ = syscall.Kill(p.pid, syscall.SIGKILL)
}

// poll closes done when the process is gone. It ends then, or when stop is
// closed (the agent that watches it went away).
func (p *polledProcess) poll(clock Clock, stop <-chan struct{}) {
	for processRuns(p.pid, p.start) {
		t := clock.NewTimer(pollInterval)
		select {
		case <-t.C():
		case <-stop:
			t.Stop()
			return
		}
	}
	close(p.done)
}

// processRuns reports whether pid is a live (not zombie) process started at
// start (0: any start time).
func processRuns(pid int, start uint64) bool {
	if st, state, err := readProcStat(pid); err == nil {
		return state != 'Z' && state != 'X' && (start == 0 || st == start)
	} else if !errors.Is(err, errNoProcFS) {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// procStartTime is the process' start time in clock ticks after boot
// (field 22 of /proc/<pid>/stat), 0 where /proc is missing.
func procStartTime(pid int) (uint64, error) {
	st, _, err := readProcStat(pid)
	return st, err
}

var errNoProcFS = errors.New("no /proc file system")

func readProcStat(pid int) (uint64, byte, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		if _, serr := os.Stat("/proc/self/stat"); serr != nil {
			return 0, 0, errNoProcFS
		}
		return 0, 0, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, errors.New("malformed /proc stat")
	}
	fields := bytes.Fields(b[i+1:])
	// fields[0] is field 3 (state); starttime is field 22.
	if len(fields) < 20 || len(fields[0]) != 1 {
		return 0, 0, errors.New("malformed /proc stat")
	}
	start, err := strconv.ParseUint(string(fields[19]), 10, 64)
	if err != nil {
		return 0, 0, err
	}
	return start, fields[0][0], nil
}
