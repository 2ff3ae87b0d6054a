package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/plugins/builtin"
	"github.com/aurora-go/aurora/sdk"
)

// builtinPlugins are seeded into the catalog, enabled, by a leader that
// finds them missing: Aurora's three constraints and the static quota.
var builtinPlugins = []string{
	sdk.KindConstraint + "/dedicated",
	sdk.KindConstraint + "/value",
	sdk.KindConstraint + "/limit",
	sdk.KindQuota + "/static",
}

// seedBuiltins puts a catalog entry, enabled and fail_closed, for each
// built-in plugin of this binary's release that the catalog lacks. An
// operator's later changes to it (disable, pin) are kept: only a missing
// KIND/NAME@VERSION is added. A newer release adds its own version, which
// Resolve prefers unless an older one is pinned.
func (s *Server) seedBuiltins(ctx context.Context) error {
	entries, err := s.store.Plugins()
	if err != nil {
		return err
	}
	var cmds []state.Command
	for _, kn := range builtinPlugins {
		kind, name, _ := strings.Cut(kn, "/")
		version, ok := builtin.Version(kn)
		if !ok {
			return fmt.Errorf("built-in plugin %s is not in this binary", kn)
		}
		have := slices.ContainsFunc(entries, func(e pluginhost.Entry) bool {
			return e.Kind == kind && e.Name == name && e.Version == version
		})
		if have {
			continue
		}
		e, err := pluginhost.BuiltinEntry(kind, name, version)
		if err != nil {
			return err
		}
		// The command is resolved on the replica that starts it; the
		// log records only that it is built in.
		e.Command = "aurora"
		cmds = append(cmds, state.PutPlugin{Entry: e})
	}
	if len(cmds) == 0 {
		return nil
	}
	return s.node.Apply(ctx, state.Batch{Commands: cmds})
}

// spec is how this replica starts entry e: built-ins run this binary,
// registered plugins run the blob of their sha256 in this replica's store
// (verified again by the host at every start).
func (s *Server) spec(e pluginhost.Entry) (pluginhost.Spec, error) {
	spec := e.Spec()
	if e.Builtin {
		bs, err := pluginhost.BuiltinSpec(e.Kind, e.Name)
		if err != nil {
			return pluginhost.Spec{}, err
		}
		spec.Command, spec.Args = bs.Command, bs.Args
		return spec, nil
	}
	if !s.blobs.Has(e.SHA256) {
		return pluginhost.Spec{}, fmt.Errorf("plugin %s: this replica's store has no binary with sha256 %s yet", e.ID(), e.SHA256)
	}
	spec.Command = s.blobs.Path(e.SHA256)
	return spec, nil
}

// swapConstraints is the scheduler's Constraints: the combined filter of
// the enabled constraint plugins, swapped when the catalog changes without
// restarting the scheduler. Before the first swap it vetoes every host.
type swapConstraints struct {
	mu    sync.RWMutex
	f     pluginhost.Filterer
	ready bool
}

func (c *swapConstraints) set(f pluginhost.Filterer) {
	c.mu.Lock()
	c.f, c.ready = f, true
	c.mu.Unlock()
}

// Filter calls the current filter; with no constraint plugin enabled no
// host is vetoed.
func (c *swapConstraints) Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	c.mu.RLock()
	f, ready := c.f, c.ready
	c.mu.RUnlock()
	if !ready {
		return nil, errors.New("the constraint plugins are not started yet")
	}
	if f == nil {
		out := &sdk.FilterResponse{Results: make([]sdk.HostResult, len(req.Hosts))}
		for i := range req.Hosts {
			out.Results[i].HostID = req.Hosts[i].ID
		}
		return out, nil
	}
	return f.Filter(ctx, req)
}

// runningPlugin is a started plugin of the catalog.
type runningPlugin struct {
	fingerprint string
	entry       pluginhost.Entry
	client      pluginhost.Client // nil if it failed to start
	startErr    error
	filter      pluginhost.Filterer // constraint: with its failure policy
	quota       sdk.QuotaPlugin     // quota: with its failure policy

	schemaMu sync.Mutex
	schema   *sdk.CompiledSchema // constraint: compiled on first use
}

// pluginRunner starts the enabled constraint and quota plugins of the
// catalog on the leader, keeps the scheduler's filter in step with the
// catalog, and implements scheduling.Admission over them.
type pluginRunner struct {
	s      *Server
	logger hclog.Logger
	out    *swapConstraints

	stateMu sync.RWMutex
	running map[string]*runningPlugin // by KIND/NAME

	quotaMu sync.Mutex // one Configure+Check of the built-in quota at a time

	mu     sync.Mutex
	reload map[string]bool // KIND/NAME to restart at the next reconcile
	poke   chan struct{}
}

func newPluginRunner(s *Server, out *swapConstraints) *pluginRunner {
	return &pluginRunner{s: s, logger: s.logger.Named("catalog"), out: out,
		running: map[string]*runningPlugin{}, reload: map[string]bool{}, poke: make(chan struct{}, 1)}
}

// fingerprint is what makes a running plugin stale: everything but the
// state and the pin.
func fingerprint(e pluginhost.Entry) string {
	e.State, e.Pinned = "", false
	b, _ := json.Marshal(e)
	return string(b)
}

// Reload restarts KIND/NAME at the next reconcile.
func (r *pluginRunner) Reload(kindName string) {
	r.mu.Lock()
	r.reload[kindName] = true
	r.mu.Unlock()
	select {
	case r.poke <- struct{}{}:
	default:
	}
}

// run reconciles at once, then at every catalog change, reload, and every
// retry interval (a plugin that failed to start is tried again), until
// ctx ends; then it stops every plugin it started.
func (r *pluginRunner) run(ctx context.Context, first chan<- struct{}) {
	defer r.stopAll()
	retry := time.NewTicker(5 * time.Second)
	defer retry.Stop()
	for {
		changed := r.s.store.PluginsChanged()
		r.reconcile(ctx)
		if first != nil {
			close(first)
			first = nil
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-r.poke:
		case <-retry.C:
		}
	}
}

// managedKinds are the kinds the leader runs.
var managedKinds = []string{sdk.KindConstraint, sdk.KindQuota}

func (r *pluginRunner) reconcile(ctx context.Context) {
	cat, err := r.s.store.Catalog()
	if err != nil {
		r.logger.Warn("catalog has invalid entries; skipping them", "error", err)
	}
	want := map[string]pluginhost.Entry{}
	for _, kind := range managedKinds {
		for _, e := range cat.Enabled(kind) {
			want[e.Kind+"/"+e.Name] = e
		}
	}
	r.mu.Lock()
	reload := r.reload
	r.reload = map[string]bool{}
	r.mu.Unlock()

	r.stateMu.Lock()
	changed := false
	var stale []*runningPlugin
	for key, rp := range r.running {
		// A plugin that failed to start (no client) is tried again.
		e, ok := want[key]
		if ok && rp.fingerprint == fingerprint(e) && rp.client != nil && !reload[key] {
			continue
		}
		stale = append(stale, rp)
		delete(r.running, key)
		changed = true
	}
	// Start what is missing side by side: the scheduler waits for them.
	var (
		wg      sync.WaitGroup
		startMu sync.Mutex
		started = map[string]*runningPlugin{}
	)
	for key, e := range want {
		if _, ok := r.running[key]; ok {
			continue
		}
		changed = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			rp := r.start(ctx, e)
			startMu.Lock()
			started[key] = rp
			startMu.Unlock()
		}()
	}
	wg.Wait()
	maps.Copy(r.running, started)
	keys := make([]string, 0, len(r.running))
	for k := range r.running {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var filters []pluginhost.Filterer
	for _, k := range keys {
		if f := r.running[k].filter; f != nil {
			filters = append(filters, f)
		}
	}
	r.stateMu.Unlock()

	if changed || !r.out.isReady() {
		switch len(filters) {
		case 0:
			r.out.set(nil)
		default:
			r.out.set(pluginhost.CombineFilters(filters...))
		}
		r.logger.Info("plugins in use", "plugins", keys)
	}
	for _, rp := range stale {
		if rp.client != nil {
			rp.client.Close()
		}
	}
}

// Score ranks hosts through the current filter's scoring plugins; it fails
// with sdk.ErrUnimplemented when none scores.
func (c *swapConstraints) Score(ctx context.Context, req *sdk.ScoreRequest) (*sdk.ScoreResponse, error) {
	c.mu.RLock()
	f := c.f
	c.mu.RUnlock()
	if s, ok := f.(pluginhost.Scorer); ok {
		return s.Score(ctx, req)
	}
	return nil, fmt.Errorf("%w: no constraint plugin scores hosts", sdk.ErrUnimplemented)
}

func (c *swapConstraints) isReady() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.ready
}

// start starts entry e. A plugin that cannot start still takes part per
// its failure policy: fail_closed vetoes every host (or denies every quota
// check) naming the error, fail_open is left out until a later reconcile
// starts it.
func (r *pluginRunner) start(ctx context.Context, e pluginhost.Entry) *runningPlugin {
	rp := &runningPlugin{fingerprint: fingerprint(e), entry: e}
	name := e.Kind + "/" + e.Name
	spec, err := r.s.spec(e)
	if err == nil && e.Builtin && e.Kind == sdk.KindQuota && e.Name == "static" {
		spec.Config, err = r.staticQuotaConfig(e)
	}
	if err == nil {
		rp.client, err = r.s.plugins.Start(ctx, spec)
	}
	if err != nil {
		r.logger.Error("cannot start plugin", "plugin", e.ID(), "failure_policy", e.FailurePolicy, "error", err)
		rp.client, rp.startErr = nil, err
		if e.FailurePolicy != pluginhost.FailOpen {
			switch e.Kind {
			case sdk.KindConstraint:
				rp.filter = pluginhost.NewPolicyFilter(name, e.FailurePolicy, failing{err}, r.logger)
			case sdk.KindQuota:
				rp.quota = pluginhost.NewPolicyQuota(name, e.FailurePolicy, failingQuota{err: err}, r.logger)
			}
		}
		return rp
	}
	r.logger.Info("plugin started", "plugin", e.ID(), "failure_policy", e.FailurePolicy, "pid", rp.client.PID())
	switch c := rp.client.(type) {
	case *pluginhost.ConstraintClient:
		rp.filter = pluginhost.NewPolicyFilter(name, e.FailurePolicy, c, r.logger)
	case *pluginhost.QuotaClient:
		rp.quota = pluginhost.NewPolicyQuota(name, e.FailurePolicy, c, r.logger)
	}
	return rp
}

func (r *pluginRunner) stopAll() {
	r.stateMu.Lock()
	defer r.stateMu.Unlock()
	for key, rp := range r.running {
		if rp.client != nil {
			rp.client.Close()
		}
		delete(r.running, key)
	}
}

// failing is a Filterer that always fails with err.
type failing struct{ err error }

func (f failing) Filter(context.Context, *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	return nil, f.err
}

// failingQuota is a quota plugin whose every call fails with err.
type failingQuota struct {
	sdk.QuotaPlugin
	err error
}

func (f failingQuota) Check(context.Context, *sdk.QuotaCheckRequest) (*sdk.QuotaDecision, error) {
	return nil, f.err
}
