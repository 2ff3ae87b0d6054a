package thermos

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// Process states, as Thermos names them.
const (
	procWaiting = "WAITING"
	procRunning = "RUNNING"
	procSuccess = "SUCCESS"
	procFailed  = "FAILED"
	procKilled  = "KILLED"
)

// planState is a process's place in the plan (thermos Planner): pending
// processes run once their dependencies have finished.
type planState int

const (
	planPending planState = iota
	planRunning
	planFinished // done for the plan: succeeded, or ephemeral past its failures
	planFailed
	planKilled // stopped by cleanup or Stop
)

// launchRetryFloor delays the retry of a process that could not be started
// at all, so that a retry-forever process cannot spin.
const launchRetryFloor = time.Second

// process is the runtime state of one process of a task.
type process struct {
	cfg      processConfig
	state    string
	plan     planState
	runs     int
	failures int
	pid      int
	// startTime is the running process's start time (/proc/<pid>/stat),
	// which tells it from a process that got its pid later.
	startTime uint64
	// coordPID and coordStart name the coordinator of the running process.
	coordPID   int
	coordStart uint64
	exitCode   int
	signal     int
	lastExit   time.Time
	// launchErr is why the last run could not be started, if it could not.
	launchErr error
	// signaled is set when cleanup or Stop signalled the running process, so
	// that its exit is a kill rather than a failure.
	signaled bool
}

// readyAt is when the process may run again: min_duration after the end of
// its previous run.
func (p *process) readyAt() time.Time {
	if p.runs == 0 {
		return time.Time{}
	}
	wait := p.cfg.minDuration
	if p.launchErr != nil && wait < launchRetryFloor {
		wait = launchRetryFloor
	}
	return p.lastExit.Add(wait)
}

// outcome describes how the process's last run ended.
func (p *process) outcome() string {
	switch {
	case p.launchErr != nil:
		return fmt.Sprintf("could not start: %v", p.launchErr)
	case p.signal != 0:
		return fmt.Sprintf("killed by signal %d (%s)", p.signal, syscall.Signal(p.signal))
	default:
		return fmt.Sprintf("exit code %d", p.exitCode)
	}
}

// exitEvent reports the end of one run of a process, as its coordinator
// recorded it.
type exitEvent struct {
	name     string
	run      int
	exitCode int
	signal   int
	// lost, if set, says why the end of the run is unknown (Thermos's LOST
	// process: run again, not counted as a failure).
	lost string
}

// exitStatus returns the exit code and the signal that ended a process
// (exit code -1 when it was killed by a signal); a coordinator records them.
func exitStatus(ps *os.ProcessState) (code, signal int) {
	if ps == nil {
		return -1, 0
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1, int(ws.Signal())
	}
	return ps.ExitCode(), 0
}

// logDir is <sandbox>/.logs/<process>/<run>, Thermos's layout.
func logDir(sandbox, process string, run int) string {
	return filepath.Join(sandbox, ".logs", process, strconv.Itoa(run))
}

// startRun starts run number run of a process: bash -c cmdline in the
// sandbox, in its own process group, with stdout and stderr in the run's
// log directory (or wherever its logger says). release closes the log
// files; call it once cmd.Wait has returned. The coordinator of the run
// calls it, so the process is the coordinator's child.
func startRun(bash, sandbox string, env []string, cfg processConfig, run int, as *runAs, warning string) (cmd *exec.Cmd, release func(), err error) {
	dir := logDir(sandbox, cfg.name, run)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("create log directory: %w", err)
	}
	stdout, closeStdout, err := outputs(cfg.logger, dir, sandbox, "stdout")
	if err != nil {
		return nil, nil, err
	}
	stderr, closeStderr, err := outputs(cfg.logger, dir, sandbox, "stderr")
	if err != nil {
		closeStdout()
		return nil, nil, err
	}

	cmd = exec.Command(bash, "-c", cfg.cmdline)
	cmd.Dir = sandbox
	cmd.Env = env
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.SysProcAttr = sysProcAttr()
	if as != nil {
		cmd.SysProcAttr.Credential = as.cred
	}
	if warning != "" {
		fmt.Fprintf(stderr, "aurora: %s\n", warning)
	}
	// A background child that keeps the output open must not hold up the
	// run's end when output is copied (rotation, several destinations).
	cmd.WaitDelay = time.Second
	release = func() { closeStdout(); closeStderr() }
	if err = cmd.Start(); err != nil {
		release()
		return nil, nil, fmt.Errorf("start bash: %w", err)
	}
	return cmd, release, nil
}
