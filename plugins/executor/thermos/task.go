package thermos

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"syscall"
	"time"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// stage is the task's runner stage (thermos TaskState).
type stage int

const (
	stageActive stage = iota
	stageCleaning
	stageFinalizing
	stageKilling
	stageDone
)

// Task states reported by Inspect.
const (
	taskActive     = "ACTIVE"
	taskCleaning   = "CLEANING"
	taskFinalizing = "FINALIZING"
	taskKilling    = "KILLING"
	taskSuccess    = "SUCCESS"
	taskFailed     = "FAILED"
	taskKilled     = "KILLED"
)

const (
	// groupPoll is how often the runner checks for leftover processes.
	groupPoll = 20 * time.Millisecond
	// reapTimeout bounds the wait for SIGKILLed process groups to vanish.
	reapTimeout = 10 * time.Second
)

// task runs the processes of one task. Its run goroutine owns the schedule;
// the fields under mu are shared with Inspect, Signal and the RPCs.
type task struct {
	id      string
	sandbox string
	env     []string
	bash    string
	cfg     *taskConfig
	// rawConfig is StartRequest.Config, kept for the checkpoint.
	rawConfig json.RawMessage
	logger    hclog.Logger
	// as is the identity processes run as; nil keeps the executor's.
	as *runAs
	// userWarning, if set, is written to every process's stderr log.
	userWarning string

	exits chan exitEvent     // from the per-run waiter goroutines
	stops chan time.Duration // Stop requests with their grace
	done  chan struct{}      // closed when the task has ended

	mu        sync.Mutex
	stage     stage
	order     []*process // as written
	procs     map[string]*process
	running   int
	groups    map[int]struct{} // process groups started and not known gone
	outcome   *sdk.ExitResult  // decided when ACTIVE ends
	deadline  time.Time        // end of cleaning+finalizing, or of the stop grace
	escalated bool             // everything was SIGKILLed
	firstFail *process
	result    *sdk.ExitResult
	saved     []byte // the checkpoint last written
}

func newTask(id, sandbox, bash string, env []string, cfg *taskConfig, rawConfig json.RawMessage, logger hclog.Logger) *task {
	t := &task{
		id:        id,
		sandbox:   sandbox,
		env:       env,
		bash:      bash,
		cfg:       cfg,
		rawConfig: rawConfig,
		logger:    logger,
		exits:     make(chan exitEvent),
		stops:     make(chan time.Duration),
		done:      make(chan struct{}),
		procs:     make(map[string]*process, len(cfg.processes)),
		groups:    make(map[int]struct{}),
	}
	for _, pc := range cfg.processes {
		p := &process{cfg: pc, state: procWaiting}
		t.order = append(t.order, p)
		t.procs[pc.name] = p
	}
	return t
}

// run drives the task until it has ended and no process of it is alive,
// checkpointing its state as it changes.
func (t *task) run() {
	defer close(t.done)
	for {
		now := time.Now()
		t.mu.Lock()
		t.step(now)
		t.checkpoint()
		ended := t.stage == stageDone
		wake := t.nextWake(now)
		t.mu.Unlock()
		if ended {
			t.finish()
			return
		}

		var timer *time.Timer
		var timerC <-chan time.Time
		if !wake.IsZero() {
			timer = time.NewTimer(time.Until(wake))
			timerC = timer.C
		}
		select {
		case ev := <-t.exits:
			t.mu.Lock()
			t.onExit(ev, time.Now())
			t.mu.Unlock()
		case grace := <-t.stops:
			t.mu.Lock()
			t.onStop(grace, time.Now())
			t.mu.Unlock()
		case <-timerC:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// stop asks the runner to stop the task and waits until it has ended.
func (t *task) stop(ctx context.Context, grace time.Duration) error {
	select {
	case t.stops <- grace:
	case <-t.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-t.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait blocks until the task has ended.
func (t *task) wait(ctx context.Context) (*sdk.ExitResult, error) {
	select {
	case <-t.done:
		t.mu.Lock()
		defer t.mu.Unlock()
		r := *t.result
		return &r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ended reports whether the task has ended.
func (t *task) ended() bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

// signal sends sig to every live process group of the task.
func (t *task) signal(sig syscall.Signal) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stage == stageDone {
		return fmt.Errorf("%w: task %q has ended", sdk.ErrFailedPrecondition, t.id)
	}
	t.signalGroups(sig)
	return nil
}

// status reports the task and its processes.
func (t *task) status() *sdk.TaskStatus {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := &sdk.TaskStatus{TaskID: t.id, State: t.stateName()}
	for _, p := range t.order {
		st.Processes = append(st.Processes, sdk.ProcessStatus{
			Name:     p.cfg.name,
			State:    p.state,
			PID:      p.pid,
			ExitCode: p.exitCode,
			Runs:     p.runs,
		})
	}
	return st
}

func (t *task) stateName() string {
	switch t.stage {
	case stageActive:
		return taskActive
	case stageCleaning:
		return taskCleaning
	case stageFinalizing:
		return taskFinalizing
	case stageKilling:
		return taskKilling
	}
	switch {
	case t.result == nil:
		return taskCleaning // reaping leftover processes
	case t.result.Failed:
		return taskFailed
	case t.outcome == nil:
		return taskKilled
	default:
		return taskSuccess
	}
}

// signalGroups sends sig to every process group of the task, forgets the
// groups that are gone, and marks running processes as signalled when the
// signal ends them.
func (t *task) signalGroups(sig syscall.Signal) {
	for pgid := range t.groups {
		if !signalGroup(pgid, sig) {
			delete(t.groups, pgid)
		}
	}
}

// terminate sends sig to the whole task as part of cleanup or Stop: the
// running processes' exits are kills, not failures.
func (t *task) terminate(sig syscall.Signal) {
	for _, p := range t.order {
		if p.plan == planRunning {
			p.signaled = true
		}
	}
	t.signalGroups(sig)
}

// finish kills what is left of the task's process groups, waits for them to
// vanish and records the result.
func (t *task) finish() {
	t.mu.Lock()
	t.signalGroups(syscall.SIGKILL)
	groups := maps.Clone(t.groups)
	t.mu.Unlock()

	deadline := time.Now().Add(reapTimeout)
	for pruneGroups(groups); len(groups) > 0; pruneGroups(groups) {
		if time.Now().After(deadline) {
			t.logger.Error("process groups survived SIGKILL", "pgids", slices.Sorted(maps.Keys(groups)))
			break
		}
		time.Sleep(groupPoll)
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.groups)
	t.result = t.buildResult()
	t.checkpoint()
	t.logger.Info("task ended", "state", t.stateName(), "exit_code", t.result.ExitCode,
		"signal", t.result.Signal, "message", t.result.Message)
}

func (t *task) buildResult() *sdk.ExitResult {
	if t.outcome != nil {
		r := *t.outcome
		return &r
	}
	sig := syscall.SIGTERM
	msg := "task stopped with SIGTERM"
	if t.escalated {
		sig = syscall.SIGKILL
		msg = "task stopped with SIGKILL after its grace period"
	}
	return &sdk.ExitResult{ExitCode: -1, Signal: int(sig), Message: msg}
}
