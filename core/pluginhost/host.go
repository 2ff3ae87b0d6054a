package pluginhost

import (
	"context"
	"fmt"
	"sync"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// Host starts and supervises plugin processes.
type Host struct {
	logger  hclog.Logger
	opts    options
	metrics *metrics

	mu     sync.Mutex
	sups   map[*supervisor]struct{}
	closed bool
}

// New returns a Host that logs to logger.
func New(logger hclog.Logger, opts ...Option) *Host {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	h := &Host{
		logger: logger.Named("pluginhost"),
		opts:   o,
		sups:   make(map[*supervisor]struct{}),
	}
	m, err := newMetrics(o.registerer)
	if err != nil {
		h.logger.Error("cannot register plugin metrics; running without them", "error", err)
	}
	h.metrics = m
	return h
}

// Constraint starts the constraint plugin of spec and verifies it.
func (h *Host) Constraint(ctx context.Context, spec Spec) (*ConstraintClient, error) {
	s, err := h.start(ctx, spec, sdk.KindConstraint)
	if err != nil {
		return nil, err
	}
	return &ConstraintClient{clientBase{s}}, nil
}

// Executor starts the executor plugin of spec and verifies it.
func (h *Host) Executor(ctx context.Context, spec Spec) (*ExecutorClient, error) {
	s, err := h.start(ctx, spec, sdk.KindExecutor)
	if err != nil {
		return nil, err
	}
	return &ExecutorClient{clientBase{s}}, nil
}

// Discovery starts the discovery plugin of spec and verifies it.
func (h *Host) Discovery(ctx context.Context, spec Spec) (*DiscoveryClient, error) {
	s, err := h.start(ctx, spec, sdk.KindDiscovery)
	if err != nil {
		return nil, err
	}
	return &DiscoveryClient{clientBase{s}}, nil
}

// Quota starts the quota plugin of spec and verifies it.
func (h *Host) Quota(ctx context.Context, spec Spec) (*QuotaClient, error) {
	s, err := h.start(ctx, spec, sdk.KindQuota)
	if err != nil {
		return nil, err
	}
	return &QuotaClient{clientBase{s}}, nil
}

// Start starts the plugin of spec, whatever its kind, and returns its
// client: a *ConstraintClient, *ExecutorClient, *DiscoveryClient or
// *QuotaClient. Every client implements Client.
func (h *Host) Start(ctx context.Context, spec Spec) (Client, error) {
	if !sdk.KnownKind(spec.Kind) {
		return nil, fmt.Errorf("plugin %s: unknown plugin kind %q", spec, spec.Kind)
	}
	s, err := h.start(ctx, spec, spec.Kind)
	if err != nil {
		return nil, err
	}
	return newClient(s), nil
}

// Client is what every supervised plugin client offers besides its kind's
// interface.
type Client interface {
	sdk.Base
	// Restarts counts the processes started to replace one that died.
	Restarts() int
	// PID is the current process ID, 0 if none is running.
	PID() int
	// Circuit is the state of the plugin's circuit breaker.
	Circuit() CircuitState
	// Close kills the plugin process; further calls fail with ErrShutdown.
	Close()
}

func (h *Host) start(ctx context.Context, spec Spec, kind string) (*supervisor, error) {
	if err := spec.validate(kind); err != nil {
		return nil, err
	}
	s := newSupervisor(h, spec)
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, fmt.Errorf("plugin %s: %w", spec, ErrShutdown)
	}
	h.sups[s] = struct{}{}
	h.mu.Unlock()

	if err := s.startFirst(ctx); err != nil {
		h.forget(s)
		s.close()
		return nil, err
	}
	return s, nil
}

func (h *Host) forget(s *supervisor) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.sups, s)
}

// Shutdown kills every plugin process the host started and makes further
// calls fail with ErrShutdown. It returns when the processes are gone.
func (h *Host) Shutdown() {
	h.mu.Lock()
	h.closed = true
	sups := make([]*supervisor, 0, len(h.sups))
	for s := range h.sups {
		sups = append(sups, s)
	}
	clear(h.sups)
	h.mu.Unlock()

	var wg sync.WaitGroup
	for _, s := range sups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.close()
		}()
	}
	wg.Wait()
}
