package thermos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// checkpointDir holds a task's checkpoint in its sandbox:
//
//	.thermos/checkpoint.json            the task's state (the plugin)
//	.thermos/runs/<process>/<run>/      one run (its coordinator):
//	    started.json, exit.json, coordinator.log
const checkpointDir = ".thermos"

// checkpointFile is the task's state, replaced atomically on every change.
const checkpointFile = "checkpoint.json"

// checkpointVersion is the format of checkpointFile.
const checkpointVersion = 1

// taskCheckpoint is what a plugin instance needs to take over a task: the
// task as started and the state of its runner.
type taskCheckpoint struct {
	Version int    `json:"version"`
	TaskID  string `json:"task_id"`
	// Config is StartRequest.Config as the task was started with it.
	Config json.RawMessage `json:"config"`
	// Env is the environment of the task's processes.
	Env       []string            `json:"env"`
	Stage     string              `json:"stage"`
	Processes []processCheckpoint `json:"processes"`
	Outcome   *sdk.ExitResult     `json:"outcome,omitempty"`
	Deadline  time.Time           `json:"deadline,omitzero"`
	Escalated bool                `json:"escalated,omitempty"`
	FirstFail string              `json:"first_fail,omitempty"`
	// Groups are the process groups started and not known gone.
	Groups []int           `json:"groups,omitempty"`
	Result *sdk.ExitResult `json:"result,omitempty"`
}

// processCheckpoint is the state of one process.
type processCheckpoint struct {
	Name       string    `json:"name"`
	State      string    `json:"state"`
	Plan       string    `json:"plan"`
	Runs       int       `json:"runs"`
	Failures   int       `json:"failures"`
	PID        int       `json:"pid,omitempty"`
	StartTime  uint64    `json:"start_time,omitempty"`
	CoordPID   int       `json:"coordinator_pid,omitempty"`
	CoordStart uint64    `json:"coordinator_start_time,omitempty"`
	ExitCode   int       `json:"exit_code"`
	Signal     int       `json:"signal,omitempty"`
	LastExit   time.Time `json:"last_exit,omitzero"`
	LaunchErr  string    `json:"launch_error,omitempty"`
	Signaled   bool      `json:"signaled,omitempty"`
}

var stageNames = map[stage]string{
	stageActive:     "active",
	stageCleaning:   "cleaning",
	stageFinalizing: "finalizing",
	stageKilling:    "killing",
	stageDone:       "done",
}

var planNames = map[planState]string{
	planPending:  "pending",
	planRunning:  "running",
	planFinished: "finished",
	planFailed:   "failed",
	planKilled:   "killed",
}

func lookup[K comparable](names map[K]string, name string) (K, bool) {
	for k, n := range names {
		if n == name {
			return k, true
		}
	}
	var zero K
	return zero, false
}

func checkpointPath(sandbox string) string {
	return filepath.Join(sandbox, checkpointDir, checkpointFile)
}

// snapshot is the task's checkpoint. Callers hold t.mu.
func (t *task) snapshot() *taskCheckpoint {
	ck := &taskCheckpoint{
		Version:   checkpointVersion,
		TaskID:    t.id,
		Config:    t.rawConfig,
		Env:       t.env,
		Stage:     stageNames[t.stage],
		Outcome:   t.outcome,
		Deadline:  t.deadline,
		Escalated: t.escalated,
		Result:    t.result,
	}
	if t.firstFail != nil {
		ck.FirstFail = t.firstFail.cfg.name
	}
	for pgid := range t.groups {
		ck.Groups = append(ck.Groups, pgid)
	}
	slices.Sort(ck.Groups)
	for _, p := range t.order {
		pc := processCheckpoint{
			Name: p.cfg.name, State: p.state, Plan: planNames[p.plan], Runs: p.runs, Failures: p.failures,
			PID: p.pid, StartTime: p.startTime, CoordPID: p.coordPID, CoordStart: p.coordStart,
			ExitCode: p.exitCode, Signal: p.signal, LastExit: p.lastExit, Signaled: p.signaled,
		}
		if p.launchErr != nil {
			pc.LaunchErr = p.launchErr.Error()
		}
		ck.Processes = append(ck.Processes, pc)
	}
	return ck
}

// save writes the task's checkpoint if it changed since the last save.
// Callers hold t.mu.
func (t *task) save() error {
	b, err := json.MarshalIndent(t.snapshot(), "", "  ")
	if err != nil {
		return fmt.Errorf("encode checkpoint: %w", err)
	}
	if bytes.Equal(b, t.saved) {
		return nil
	}
	path := checkpointPath(t.sandbox)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create checkpoint directory: %w", err)
	}
	if err := writeFileAtomic(path, b); err != nil {
		return fmt.Errorf("write checkpoint %s: %w", path, err)
	}
	t.saved = b
	return nil
}

// checkpoint saves the task's state, logging a failure: the task goes on,
// but a restarted plugin may not be able to take it over. Callers hold t.mu.
func (t *task) checkpoint() {
	if err := t.save(); err != nil {
		t.logger.Error("cannot checkpoint the task; a restarted executor could not recover it", "error", err)
	}
}

// loadCheckpoint reads the checkpoint of task taskID in sandbox.
func loadCheckpoint(sandbox, taskID string) (*taskCheckpoint, error) {
	path := checkpointPath(sandbox)
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("task %q has no checkpoint in sandbox %s: %w", taskID, sandbox, sdk.ErrNotFound)
		}
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	var ck taskCheckpoint
	if err := json.Unmarshal(b, &ck); err != nil {
		return nil, fmt.Errorf("checkpoint %s is corrupt: %w", path, err)
	}
	if ck.Version != checkpointVersion {
		return nil, fmt.Errorf("checkpoint %s has format version %d, this plugin reads %d", path, ck.Version, checkpointVersion)
	}
	if ck.TaskID != taskID {
		return nil, fmt.Errorf("checkpoint %s belongs to task %q, not %q", path, ck.TaskID, taskID)
	}
	return &ck, nil
}

// recoverTask rebuilds a task of an earlier plugin instance from its
// checkpoint. Runs that were running are watched through their
// coordinators; a run that was started but not yet checkpointed is adopted
// from its started.json. The caller starts the task's run goroutine.
func recoverTask(taskID, sandbox, bash string, logger hclog.Logger) (*task, error) {
	ck, err := loadCheckpoint(sandbox, taskID)
	if err != nil {
		return nil, err
	}
	cfg, err := parseTaskConfig(ck.Config)
	if err != nil {
		return nil, fmt.Errorf("checkpointed configuration: %w", err)
	}
	t := newTask(taskID, sandbox, bash, ck.Env, cfg, ck.Config, logger)
	t.as, t.userWarning = roleUser(cfg.role, sandbox)

	st, ok := lookup(stageNames, ck.Stage)
	if !ok {
		return nil, fmt.Errorf("checkpoint: unknown task stage %q", ck.Stage)
	}
	t.stage, t.outcome, t.deadline, t.escalated, t.result = st, ck.Outcome, ck.Deadline, ck.Escalated, ck.Result
	if ck.FirstFail != "" {
		if t.firstFail = t.procs[ck.FirstFail]; t.firstFail == nil {
			return nil, fmt.Errorf("checkpoint: unknown process %q", ck.FirstFail)
		}
	}
	for _, pgid := range ck.Groups {
		t.groups[pgid] = struct{}{}
	}
	if len(ck.Processes) != len(t.order) {
		return nil, fmt.Errorf("checkpoint: %d processes, the configuration has %d", len(ck.Processes), len(t.order))
	}
	for _, pc := range ck.Processes {
		p := t.procs[pc.Name]
		if p == nil {
			return nil, fmt.Errorf("checkpoint: unknown process %q", pc.Name)
		}
		plan, ok := lookup(planNames, pc.Plan)
		if !ok {
			return nil, fmt.Errorf("checkpoint: process %q: unknown plan state %q", pc.Name, pc.Plan)
		}
		p.state, p.plan, p.runs, p.failures = pc.State, plan, pc.Runs, pc.Failures
		p.pid, p.startTime, p.coordPID, p.coordStart = pc.PID, pc.StartTime, pc.CoordPID, pc.CoordStart
		p.exitCode, p.signal, p.lastExit, p.signaled = pc.ExitCode, pc.Signal, pc.LastExit, pc.Signaled
		if pc.LaunchErr != "" {
			p.launchErr = errors.New(pc.LaunchErr)
		}
	}
	if t.stage == stageDone && t.result != nil {
		return t, nil // ended; run only reaps leftovers
	}
	for _, p := range t.order {
		t.reattach(p)
	}
	return t, nil
}

// reattach resumes watching a recovered process's current run, if it has
// one: the run it was running, or one whose coordinator had started when
// the previous plugin instance died, before it could checkpoint the start.
func (t *task) reattach(p *process) {
	switch p.plan {
	case planRunning:
	case planPending:
		st, ok := readStarted(runDir(t.sandbox, p.cfg.name, p.runs))
		if !ok || st.Error != "" {
			return
		}
		t.logger.Info("adopting a run started by the previous executor", "process", p.cfg.name, "run", p.runs, "pid", st.PID)
		p.runs++
		p.plan, p.state = planRunning, procRunning
		p.signaled, p.launchErr = false, nil
		p.pid, p.startTime, p.coordPID, p.coordStart = st.PID, st.StartTime, st.Coordinator, st.CoordinatorStart
	default:
		return
	}
	run := p.runs - 1
	t.running++
	if sameProcess(p.pid, p.startTime) {
		t.groups[p.pid] = struct{}{}
	} else {
		// Gone, or its pid now names another process: never signal it.
		delete(t.groups, p.pid)
	}
	t.logger.Info("watching a recovered process", "process", p.cfg.name, "run", run, "pid", p.pid,
		"alive", sameProcess(p.pid, p.startTime))
	dir, name, coordPID, coordStart, exits := runDir(t.sandbox, p.cfg.name, run), p.cfg.name, p.coordPID, p.coordStart, t.exits
	go func() {
		exits <- watchRun(dir, name, run, coordPID, coordStart)
	}()
}
