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
	logger hclog.Logger
	opts   options

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
	return &Host{
		logger: logger.Named("pluginhost"),
		opts:   o,
		sups:   make(map[*supervisor]struct{}),
	}
}

// Constraint starts the constraint plugin of spec and verifies it.
func (h *Host) Constraint(ctx context.Context, spec Spec) (*ConstraintClient, error) {
	s, err := h.start(ctx, spec, sdk.KindConstraint)
	if err != nil {
		return nil, err
	}
	return &ConstraintClient{sup: s}, nil
}

// Executor starts the executor plugin of spec and verifies it.
func (h *Host) Executor(ctx context.Context, spec Spec) (*ExecutorClient, error) {
	s, err := h.start(ctx, spec, sdk.KindExecutor)
	if err != nil {
		return nil, err
	}
	return &ExecutorClient{sup: s}, nil
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
