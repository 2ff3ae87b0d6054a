package scheduling

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/state"
)

// Scheduler places and tracks tasks. It is the leader's: create it when
// leadership is gained and stop its Run when it is lost.
type Scheduler struct {
	cfg         Config
	log         Log
	store       Store
	mesos       Mesos
	constraints Constraints
	admission   Admission // nil: no plugin checks at submission
	logger      hclog.Logger

	// writeMu serializes read-modify-commit of tasks, so two writers never
	// compute transitions from the same stale task.
	writeMu sync.Mutex

	// mu guards the in-memory view of Mesos: offers, host attributes,
	// pending reasons and kill retries.
	mu     sync.Mutex
	offers *offerPool
	hosts  map[string]map[string][]string // agent id → attributes
	// hostGens numbers each agent's attributes, and a change gives them a
	// new number, so the constraint plugins' host cache can tell a host it
	// has seen from a changed one without comparing attributes per call.
	hostGens map[string]uint64
	hostGen  uint64
	reasons  map[string]string    // pending task id → why it is not placed
	killSent map[string]time.Time // KILLING task id → last KILL

	refusals refusals // what Mesos withholds until a REVIVE

	recon    reconcileTimes
	backoff  map[string]*groupBackoff // task group → when it may be tried again
	lastTick time.Time

	updates chan mesos.TaskStatus
	// callq feeds Run's senders of calls to the master (acknowledgements
	// and launches); nil while Run is not running.
	callMu sync.Mutex
	callq  chan func()
	kick   chan struct{}
	subbed chan string // framework ids from SUBSCRIBED
	// stopped is closed when Run returns: nothing reads updates any more.
	stopped     chan struct{}
	stoppedOnce sync.Once
}

// New returns a scheduler over the given dependencies.
func New(cfg Config, log Log, store Store, m Mesos, c Constraints, logger hclog.Logger) *Scheduler {
	cfg.applyDefaults()
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &Scheduler{
		cfg: cfg, log: log, store: store, mesos: m, constraints: c,
		logger:   logger.Named("scheduler"),
		offers:   newOfferPool(),
		hosts:    map[string]map[string][]string{},
		hostGens: map[string]uint64{},
		reasons:  map[string]string{},
		killSent: map[string]time.Time{},
		backoff:  map[string]*groupBackoff{},
		updates:  make(chan mesos.TaskStatus, 4096),
		kick:     make(chan struct{}, 1),
		subbed:   make(chan string, 4),
		stopped:  make(chan struct{}),
	}
}

// Run is the scheduling loop: it applies status updates in order, places
// pending tasks, retries kills and returns stale offers, until ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	defer s.stoppedOnce.Do(func() { close(s.stopped) })
	tick := time.NewTicker(s.cfg.Interval)
	defer tick.Stop()
	callCtx, stopCalls := context.WithCancel(ctx)
	waitCalls := s.startCallers(callCtx)
	defer waitCalls()
	defer stopCalls()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case st := <-s.updates:
			// Everything queued goes into one log entry, and placement
			// then sees the newest states.
			s.handleUpdates(ctx, s.drainUpdates(st))
			s.prompt()
		case fid := <-s.subbed:
			s.afterSubscribe(ctx, fid)
		case <-s.kick:
			s.schedule(ctx)
		case <-tick.C:
			s.periodic(ctx)
			s.schedule(ctx)
		}
	}
}

// drainUpdates returns first and whatever else is queued, up to a batch.
func (s *Scheduler) drainUpdates(first mesos.TaskStatus) []mesos.TaskStatus {
	batch := []mesos.TaskStatus{first}
	for len(batch) < maxUpdateBatch {
		select {
		case st := <-s.updates:
			batch = append(batch, st)
		default:
			return batch
		}
	}
	return batch
}

// periodic runs the loop's timed duties.
func (s *Scheduler) periodic(ctx context.Context) {
	s.retryKills(ctx)
	s.expireOffers(ctx)
	s.unthrottle(ctx)
	s.timeOutTransient(ctx)
	s.expirePartitions(ctx)
	s.reconcileOnSchedule(ctx)
	if now := s.cfg.Now(); now.Sub(s.lastTick) >= time.Minute {
		s.lastTick = now
		s.pruneHistory(ctx)
	}
}

// prompt asks the loop for a scheduling round soon.
func (s *Scheduler) prompt() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Subscribed implements mesos.Handler: it persists the framework id and
// reconciles every task the log says is on an agent.
func (s *Scheduler) Subscribed(ctx context.Context, frameworkID string) {
	select {
	case s.subbed <- frameworkID:
	case <-ctx.Done():
	case <-s.stopped:
	}
}

func (s *Scheduler) afterSubscribe(ctx context.Context, frameworkID string) {
	if err := s.log.Apply(ctx, state.SetMeta{Key: state.MetaFrameworkID, Value: frameworkID}); err != nil {
		s.logger.Error("cannot persist the framework id", "framework_id", frameworkID, "error", err)
	}
	tasks, err := s.store.AllTasks()
	if err != nil {
		s.logger.Error("cannot read tasks to reconcile", "error", err)
		return
	}
	recon := map[string]string{}
	for _, t := range tasks {
		if t.Status.OnAgent() {
			recon[t.ID] = ""
		}
	}
	// Explicit reconciliation of everything we think is on an agent, then
	// implicit for whatever Mesos knows that we do not.
	if len(recon) > 0 {
		if err := s.mesos.Reconcile(ctx, recon); err != nil {
			s.logger.Warn("explicit reconciliation failed", "tasks", len(recon), "error", err)
		}
	}
	if err := s.mesos.Reconcile(ctx, map[string]string{}); err != nil {
		s.logger.Warn("implicit reconciliation failed", "error", err)
	}
	s.logger.Info("reconciling after subscription", "tasks", len(recon))
}

// Disconnected implements mesos.Handler: offers die with the subscription.
func (s *Scheduler) Disconnected() {
	s.mu.Lock()
	s.offers.clear()
	s.mu.Unlock()
}

// Offers implements mesos.Handler.
func (s *Scheduler) Offers(offers []mesos.Offer) {
	var compact []string
	s.mu.Lock()
	for i := range offers {
		o := &offers[i]
		attrs := hostAttributes(o)
		if old, ok := s.hosts[o.AgentID.Value]; !ok || !maps.EqualFunc(old, attrs, slices.Equal[[]string]) {
			s.hostGen++
			s.hostGens[o.AgentID.Value] = s.hostGen
		}
		s.hosts[o.AgentID.Value] = attrs
		// The agent's refused room, if any, is offered again.
		delete(s.refusals.byAgent, o.AgentID.Value)
		compact = append(compact, s.offers.add(o, time.Now())...)
	}
	s.mu.Unlock()
	if len(compact) > 0 {
		// Aurora keeps one offer per agent: two for the same agent are both
		// declined so the master merges them.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.mesos.Decline(ctx, compact, s.cfg.OfferFilter); err != nil {
			s.logger.Warn("decline for compaction failed", "offers", compact, "error", err)
		}
	}
	s.prompt()
}

// Rescind implements mesos.Handler.
func (s *Scheduler) Rescind(offerID string) {
	s.mu.Lock()
	s.offers.remove(offerID)
	s.mu.Unlock()
}

// Update implements mesos.Handler: updates are applied in order by Run.
// It blocks while the queue is full (backpressure on the driver) until
// Run takes the update. Once Run has returned the update is dropped: it
// was not acknowledged, so Mesos sends it again to the next subscriber.
func (s *Scheduler) Update(status mesos.TaskStatus) {
	select {
	case s.updates <- status:
	case <-s.stopped:
	}
}

// Failure implements mesos.Handler.
func (s *Scheduler) Failure(agentID, executorID string, status *int32) {
	if executorID != "" && status != nil && *status != 0 {
		s.logger.Warn("executor exited", "agent_id", agentID, "executor_id", executorID, "status", *status)
	} else if executorID == "" {
		s.logger.Warn("agent lost", "agent_id", agentID)
	}
}

// PendingReason says why a pending task has not been placed, or "".
func (s *Scheduler) PendingReason(taskID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reasons[taskID]
}
