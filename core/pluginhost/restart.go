package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// current returns a live process, replacing a dead one.
func (s *supervisor) current(ctx context.Context) (*instance, error) {
	s.mu.Lock()
	inst, closed := s.inst, s.closed
	s.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("plugin %s: %w", s.spec, ErrShutdown)
	}
	if inst != nil && !inst.client.Exited() {
		return inst, nil
	}
	return s.replace(ctx, inst, "process is not running")
}

// lost reports whether err means the process of inst is gone. After a
// transport error it waits briefly for the process to be reaped, so the
// death report can say how it ended.
func (s *supervisor) lost(ctx context.Context, inst *instance, err error) bool {
	if inst.client.Exited() {
		return true
	}
	if !errors.Is(err, sdk.ErrPluginUnavailable) {
		return false
	}
	deadline := time.Now().Add(exitWait)
	for !inst.client.Exited() && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	return true // exited, or unreachable: replace it either way
}

// replace reports the death of dead, then starts a new process after the
// backoff delay. If another call already replaced dead, it returns that.
func (s *supervisor) replace(ctx context.Context, dead *instance, why string) (*instance, error) {
	if err := s.lock(ctx); err != nil {
		return nil, fmt.Errorf("plugin %s: waiting for restart: %w", s.spec, err)
	}
	defer s.unlock()

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, fmt.Errorf("plugin %s: %w", s.spec, ErrShutdown)
	}
	if s.inst != nil && s.inst != dead && !s.inst.client.Exited() {
		inst := s.inst
		s.mu.Unlock()
		return inst, nil
	}
	old := s.inst
	s.inst = nil
	now := time.Now()
	if old != nil {
		if now.Sub(old.started) >= s.opts.stableAfter {
			s.attempt = 0
		}
		s.scheduleRetry(now)
	}
	notBefore := s.notBefore
	s.mu.Unlock()

	if old != nil {
		s.reportDeath(old, why)
		s.kill(old)
	}
	if err := sleepUntil(ctx, notBefore); err != nil {
		return nil, fmt.Errorf("plugin %s: waiting to restart: %w", s.spec, err)
	}
	inst, err := s.launch(ctx)
	if err != nil {
		s.mu.Lock()
		s.scheduleRetry(time.Now())
		s.mu.Unlock()
		s.logger.Error("plugin restart failed", "plugin", s.spec.String(), "error", err)
		return nil, fmt.Errorf("restart: %w", err)
	}
	// Tasks first: no call reaches the new process before they are back.
	s.recoverTasks(ctx, inst)
	if err := s.install(inst); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.restarts++
	restarts := s.restarts
	s.mu.Unlock()
	s.host.metrics.restarted(s.spec.Kind, s.spec.Name)
	s.logger.Warn("plugin restarted", "plugin", s.spec.String(), "pid", inst.pid, "restarts", restarts)
	return inst, nil
}

// scheduleRetry sets the earliest next start. Callers hold s.mu.
func (s *supervisor) scheduleRetry(now time.Time) {
	s.notBefore = now.Add(backoff(s.attempt, s.opts.backoffInitial, s.opts.backoffMax, s.opts.random))
	s.attempt++
}

func (s *supervisor) reportDeath(inst *instance, why string) {
	exit := "unreachable; killing it"
	if inst.client.Exited() && inst.cmd.ProcessState != nil {
		exit = inst.cmd.ProcessState.String()
	}
	s.logger.Error("plugin process died", "plugin", s.spec.String(), "pid", inst.pid,
		"exit", exit, "uptime", time.Since(inst.started).Round(time.Millisecond), "detected", why)
}

// recoverTasks hands the tasks of an executor plugin's dead process to its
// replacement (ExecutorPlugin.Recover with the handle Start returned). A
// task that cannot be recovered is forgotten, and calls for it say why.
// Each Recover has the control timeout, whatever is left of the deadline
// of the call that noticed the death: a short call must not lose tasks.
func (s *supervisor) recoverTasks(ctx context.Context, inst *instance) {
	ctx = context.WithoutCancel(ctx)
	exec, ok := inst.raw.(sdk.ExecutorPlugin)
	if !ok {
		return
	}
	s.mu.Lock()
	handles := make([]*sdk.TaskHandle, 0, len(s.handles))
	for _, h := range s.handles {
		handles = append(handles, h)
	}
	s.mu.Unlock()
	for _, h := range handles {
		rctx, cancel := withTimeout(ctx, s.controlTimeout())
		err := exec.Recover(rctx, h)
		cancel()
		s.mu.Lock()
		if err != nil {
			delete(s.handles, h.TaskID)
			s.unrecovered[h.TaskID] = err
		}
		s.mu.Unlock()
		if err != nil {
			s.logger.Error("restarted plugin could not recover a task", "plugin", s.spec.String(), "task_id", h.TaskID, "error", err)
			continue
		}
		s.logger.Info("task recovered by the restarted plugin", "plugin", s.spec.String(), "task_id", h.TaskID, "pid", inst.pid)
	}
}

// track remembers the handle of a task the plugin runs.
func (s *supervisor) track(h *sdk.TaskHandle) {
	if h == nil || h.TaskID == "" {
		return
	}
	c := *h
	c.State = slices.Clone(h.State)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handles[h.TaskID] = &c
	delete(s.unrecovered, h.TaskID)
}

// untrack forgets a destroyed task.
func (s *supervisor) untrack(taskID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.handles, taskID)
	delete(s.unrecovered, taskID)
}

// explain adds, to an error about a task that a restarted plugin does not
// know, why it could not be recovered.
func (s *supervisor) explain(taskID string, err error) error {
	if err == nil || !errors.Is(err, sdk.ErrNotFound) {
		return err
	}
	s.mu.Lock()
	why := s.unrecovered[taskID]
	s.mu.Unlock()
	if why == nil {
		return err
	}
	return fmt.Errorf("%w (plugin %s was restarted and could not recover the task: %v)", err, s.spec, why)
}
