package pluginhost

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"sync"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"

	"github.com/aurora-go/aurora/sdk"
)

const (
	// killTimeout bounds go-plugin's Kill, which has been seen to hang.
	killTimeout = 5 * time.Second
	// exitWait is how long a call that lost its connection waits for the
	// process to be reaped before declaring it unreachable.
	exitWait = time.Second
)

// instance is one plugin process.
type instance struct {
	client  *plugin.Client
	cmd     *exec.Cmd
	raw     sdk.Base // the dispensed kind client
	pid     int
	started time.Time
}

// supervisor owns the process of one plugin and replaces it when it dies.
type supervisor struct {
	host   *Host
	spec   Spec
	logger hclog.Logger
	opts   options

	// startLock serialises starts; it is a channel so waiting honours
	// contexts.
	startLock chan struct{}

	breaker *breaker

	mu        sync.Mutex
	inst      *instance
	closed    bool
	restarts  int
	attempt   int       // consecutive crashes or failed starts, for backoff
	notBefore time.Time // earliest next start
	config    json.RawMessage
	hasConfig bool
	// capabilities are those the running binary's Info listed.
	capabilities []string
	// handles are the executor tasks started or recovered through this
	// supervisor and not destroyed: a restarted executor recovers them.
	handles map[string]*sdk.TaskHandle
	// unrecovered says why a task could not be recovered after a restart.
	unrecovered map[string]error
}

func newSupervisor(h *Host, spec Spec) *supervisor {
	s := &supervisor{
		host:        h,
		spec:        spec,
		logger:      h.logger.Named(spec.Kind + "." + spec.Name),
		opts:        h.opts,
		startLock:   make(chan struct{}, 1),
		handles:     make(map[string]*sdk.TaskHandle),
		unrecovered: make(map[string]error),
	}
	if len(spec.Config) > 0 {
		s.config, s.hasConfig = slices.Clone(spec.Config), true
	}
	s.breaker = newBreaker(h.opts.breakerThreshold, h.opts.breakerCooldown, h.opts.now, func(st CircuitState) {
		h.metrics.circuitState(spec.Kind, spec.Name, st)
		if st == CircuitOpen {
			s.logger.Error("plugin circuit breaker opened", "plugin", spec.String())
		} else {
			s.logger.Info("plugin circuit breaker changed", "plugin", spec.String(), "state", st.String())
		}
	})
	h.metrics.circuitState(spec.Kind, spec.Name, CircuitClosed)
	return s
}

// filterTimeout bounds hot-path calls: Filter, Score, Check, Get, Announce,
// Withdraw, List.
func (s *supervisor) filterTimeout() time.Duration {
	if s.spec.Timeout > 0 {
		return s.spec.Timeout
	}
	return s.opts.timeouts.Filter
}

// controlTimeout bounds executor control calls.
func (s *supervisor) controlTimeout() time.Duration {
	if s.spec.Timeout > 0 {
		return s.spec.Timeout
	}
	return s.opts.timeouts.Control
}

func (s *supervisor) baseTimeout() time.Duration { return s.opts.timeouts.Base }

// circuit is the state of the plugin's circuit breaker.
func (s *supervisor) circuit() CircuitState { return s.breaker.current() }

func (s *supervisor) lock(ctx context.Context) error {
	select {
	case s.startLock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *supervisor) unlock() { <-s.startLock }

// startFirst starts the first process; a failure is returned as is.
func (s *supervisor) startFirst(ctx context.Context) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	inst, err := s.launch(ctx)
	if err != nil {
		return err
	}
	return s.install(inst)
}

// install makes inst the current process, unless the supervisor was closed
// meanwhile.
func (s *supervisor) install(inst *instance) error {
	s.mu.Lock()
	if !s.closed {
		s.inst = inst
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	s.kill(inst)
	return fmt.Errorf("plugin %s: %w", s.spec, ErrShutdown)
}

// kill ends a process and its process group.
func (s *supervisor) kill(inst *instance) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		inst.client.Kill()
	}()
	select {
	case <-done:
	case <-time.After(killTimeout):
		s.logger.Warn("plugin did not exit in time; killing its process group", "plugin", s.spec.String(), "pid", inst.pid)
	}
	if err := killGroup(inst.pid); err != nil {
		s.logger.Warn("cannot kill plugin process group", "plugin", s.spec.String(), "pgid", inst.pid, "error", err)
	}
	select {
	case <-done:
	case <-time.After(killTimeout):
		s.logger.Error("plugin client did not shut down after SIGKILL", "plugin", s.spec.String(), "pid", inst.pid)
	}
}

// close kills the process and makes further calls fail.
func (s *supervisor) close() {
	s.mu.Lock()
	s.closed = true
	inst := s.inst
	s.inst = nil
	s.mu.Unlock()
	if inst != nil {
		s.kill(inst)
		s.logger.Info("plugin stopped", "plugin", s.spec.String(), "pid", inst.pid)
	}
}

func (s *supervisor) restartCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restarts
}

func (s *supervisor) pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inst == nil {
		return 0
	}
	return s.inst.pid
}

func (s *supervisor) rememberConfig(config json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.config = slices.Clone(config)
	s.hasConfig = true
}

// capable reports whether the plugin's Info listed capability c (false
// until a process has been started and verified).
func (s *supervisor) capable(c string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.capabilities, c)
}
