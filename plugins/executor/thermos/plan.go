package thermos

import (
	"fmt"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// step advances the task as far as it can at time now. Callers hold t.mu.
func (t *task) step(now time.Time) {
	for {
		switch t.stage {
		case stageActive:
			if o := t.activeOutcome(); o != nil {
				t.outcome = o
				t.enterCleaning(now)
				continue
			}
			if t.launchReady(now, false) {
				continue // a launch failed; the outcome may have changed
			}
			return

		case stageCleaning:
			if t.deadlinePassed(now) {
				t.escalate()
			}
			if t.running > 0 {
				return
			}
			if t.escalated {
				t.stage = stageDone // no budget left for finalizing
				return
			}
			// Leftovers of ordinary processes go before final ones start.
			t.signalGroups(syscall.SIGKILL)
			t.stage = stageFinalizing
			t.logger.Debug("task finalizing")

		case stageFinalizing:
			if t.deadlinePassed(now) {
				t.escalate()
			}
			if !t.escalated && t.launchReady(now, true) {
				continue
			}
			if t.running > 0 {
				return
			}
			if t.escalated || t.planEnded(true) || len(t.blocked(true)) > 0 {
				t.stage = stageDone
			}
			return

		case stageKilling:
			if t.deadlinePassed(now) {
				t.escalate()
			}
			if t.running > 0 {
				return
			}
			if t.escalated || !t.anyGroupAlive() {
				t.stage = stageDone
			}
			return

		default:
			return
		}
	}
}

// nextWake is when step must run again without an event: a process whose
// min_duration runs out, a deadline, or a poll for leftover processes.
func (t *task) nextWake(now time.Time) time.Time {
	var wake time.Time
	earliest := func(at time.Time) {
		if !at.IsZero() && (wake.IsZero() || at.Before(wake)) {
			wake = at
		}
	}
	switch t.stage {
	case stageActive, stageFinalizing:
		final := t.stage == stageFinalizing
		for _, p := range t.order {
			if p.cfg.final == final && p.plan == planPending && t.depsFinished(p) {
				earliest(p.readyAt())
			}
		}
	}
	if t.stage != stageActive && !t.escalated {
		earliest(t.deadline)
	}
	if t.stage == stageKilling && t.running == 0 {
		earliest(now.Add(groupPoll))
	}
	return wake
}

func (t *task) deadlinePassed(now time.Time) bool {
	return !t.escalated && !now.Before(t.deadline)
}

// escalate SIGKILLs every process group of the task.
func (t *task) escalate() {
	t.logger.Warn("killing task processes with SIGKILL", "stage", t.stateName())
	t.escalated = true
	t.terminate(syscall.SIGKILL)
}

func (t *task) enterCleaning(now time.Time) {
	t.stage = stageCleaning
	t.deadline = now.Add(t.cfg.finalizationWait)
	t.logger.Debug("task cleaning", "failed", t.outcome.Failed)
	t.terminate(syscall.SIGTERM)
}

func (t *task) onStop(grace time.Duration, now time.Time) {
	switch t.stage {
	case stageDone:
		return
	case stageKilling:
		if d := now.Add(grace); d.Before(t.deadline) {
			t.deadline = d
		}
		return
	}
	t.logger.Info("stopping task", "grace", grace)
	t.stage = stageKilling
	t.deadline = now.Add(grace)
	t.terminate(syscall.SIGTERM)
	if grace <= 0 {
		t.escalate()
	}
}

// anyGroupAlive forgets dead process groups and reports whether one is left.
func (t *task) anyGroupAlive() bool {
	pruneGroups(t.groups)
	return len(t.groups) > 0
}

// depsFinished reports whether every process p runs after has finished.
func (t *task) depsFinished(p *process) bool {
	for _, d := range p.cfg.after {
		if t.procs[d].plan != planFinished {
			return false
		}
	}
	return true
}

// launchReady starts the pending processes of the stage that may run now.
// It reports whether a launch failed.
func (t *task) launchReady(now time.Time, final bool) bool {
	failed := false
	for _, p := range t.order {
		if p.cfg.final != final || p.plan != planPending {
			continue
		}
		if t.cfg.maxConcurrency > 0 && t.running >= t.cfg.maxConcurrency {
			break
		}
		if !t.depsFinished(p) || now.Before(p.readyAt()) {
			continue
		}
		if err := t.launch(p); err != nil {
			t.logger.Error("cannot start process", "process", p.cfg.name, "run", p.runs, "error", err)
			p.launchErr = err
			p.runs++
			p.exitCode, p.signal = -1, 0
			p.lastExit = now
			t.failed(p)
			failed = true
		}
	}
	return failed
}

// launch starts the next run of p through its coordinator and checkpoints
// the start. This plugin instance waits for the coordinator, its child; a
// later instance watches it (reattach).
func (t *task) launch(p *process) error {
	run := p.runs
	dir := runDir(t.sandbox, p.cfg.name, run)
	c, st, err := startCoordinator(t.newCoordSpec(p, run, dir))
	if err != nil {
		return err
	}
	p.runs++
	p.pid, p.startTime = st.PID, st.StartTime
	p.coordPID, p.coordStart = st.Coordinator, st.CoordinatorStart
	p.plan = planRunning
	p.state = procRunning
	p.signaled = false
	p.launchErr = nil
	t.running++
	t.groups[p.pid] = struct{}{} // Setpgid: the group id is the pid
	t.logger.Debug("process started", "process", p.cfg.name, "run", run, "pid", p.pid, "coordinator", st.Coordinator)
	t.checkpoint()

	name, exits := p.cfg.name, t.exits
	go func() {
		exits <- c.wait(name, run)
	}()
	return nil
}

func (t *task) onExit(ev exitEvent, now time.Time) {
	defer t.checkpoint()
	p := t.procs[ev.name]
	t.running--
	p.pid, p.startTime, p.coordPID, p.coordStart = 0, 0, 0, 0
	p.lastExit = now
	p.exitCode, p.signal = ev.exitCode, ev.signal
	if ev.lost != "" {
		p.exitCode, p.signal = -1, 0
	}
	t.logger.Debug("process exited", "process", p.cfg.name, "run", ev.run,
		"exit_code", p.exitCode, "signal", p.signal, "lost", ev.lost)
	switch {
	case p.signaled:
		p.plan = planKilled
		p.state = procKilled
	case ev.lost != "":
		// Thermos's LOST: run it again; it is not a failure of the process.
		t.logger.Warn("process lost; will run again", "process", p.cfg.name, "run", ev.run, "reason", ev.lost)
		p.plan = planPending
		p.state = procWaiting
	case p.exitCode == 0 && p.signal == 0:
		if p.cfg.daemon {
			p.plan = planPending
			p.state = procWaiting
		} else {
			p.plan = planFinished
			p.state = procSuccess
		}
	default:
		t.failed(p)
	}
}

// failed records a failed run: the process runs again until it has failed
// max_failures times (0 = forever), then it is failed, or finished if
// ephemeral.
func (t *task) failed(p *process) {
	p.failures++
	switch {
	case p.cfg.maxFailures == 0 || p.failures < p.cfg.maxFailures:
		p.plan = planPending
		p.state = procWaiting
		t.logger.Warn("process failed; will run again", "process", p.cfg.name,
			"outcome", p.outcome(), "failures", p.failures, "max_failures", p.cfg.maxFailures)
	case p.cfg.ephemeral:
		p.plan = planFinished
		p.state = procFailed
	default:
		p.plan = planFailed
		p.state = procFailed
		if t.firstFail == nil && !p.cfg.final {
			t.firstFail = p
		}
		t.logger.Warn("process failed", "process", p.cfg.name, "outcome", p.outcome(), "failures", p.failures)
	}
}

// activeOutcome decides whether the ACTIVE stage is over and how.
func (t *task) activeOutcome() *sdk.ExitResult {
	failed := 0
	for _, p := range t.order {
		if !p.cfg.final && p.plan == planFailed {
			failed++
		}
	}
	if t.cfg.maxFailures > 0 && failed >= t.cfg.maxFailures {
		p := t.firstFail
		return &sdk.ExitResult{
			ExitCode: p.exitCode,
			Signal:   p.signal,
			Failed:   true,
			Message:  fmt.Sprintf("process %q failed after %d runs: %s", p.cfg.name, p.runs, p.outcome()),
		}
	}
	if t.planEnded(false) {
		return &sdk.ExitResult{Message: "all processes finished"}
	}
	if blocked := t.blocked(false); blocked != nil {
		return &sdk.ExitResult{
			ExitCode: -1,
			Failed:   true,
			Message:  fmt.Sprintf("processes %s can never run: they run after processes that failed", strings.Join(blocked, ", ")),
		}
	}
	return nil
}

// planEnded reports whether every non-ephemeral process of the stage has
// finished or failed (thermos TaskPlanner.is_complete).
func (t *task) planEnded(final bool) bool {
	for _, p := range t.order {
		if p.cfg.final != final || p.cfg.ephemeral {
			continue
		}
		if p.plan != planFinished && p.plan != planFailed {
			return false
		}
	}
	return true
}

// blocked returns the pending processes of the stage when none can ever run
// (a deadlock: nothing running, nothing runnable), or nil.
func (t *task) blocked(final bool) []string {
	var pending []string
	for _, p := range t.order {
		if p.cfg.final != final {
			continue
		}
		switch p.plan {
		case planRunning:
			return nil
		case planPending:
			if t.depsFinished(p) {
				return nil // runnable, perhaps after min_duration
			}
			pending = append(pending, p.cfg.name)
		}
	}
	slices.Sort(pending)
	return pending
}
