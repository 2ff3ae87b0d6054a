package pluginhost

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// Filterer is the scheduler's view of constraint plugins: one Filter call
// per task group with every candidate host.
type Filterer interface {
	Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error)
}

// Scorer ranks hosts: the filters of constraint plugins that score
// implement it. A plugin that does not score answers sdk.ErrUnimplemented.
type Scorer interface {
	Score(ctx context.Context, req *sdk.ScoreRequest) (*sdk.ScoreResponse, error)
}

// failureVetoScore ranks the veto of a failed fail_closed plugin like a
// constraint veto (Aurora's 10^4).
const failureVetoScore = 10000

// PolicyFilter applies a catalog entry's failure policy to a constraint
// plugin: when Filter fails (error, deadline, open circuit), fail_closed
// vetoes every host with a dynamic veto naming the plugin and the error,
// so nothing is placed in violation of a constraint that could not be
// evaluated, and the host is retried next round; fail_open returns no
// vetoes. Filter itself never fails.
type PolicyFilter struct {
	name   string
	policy FailurePolicy
	next   Filterer
	logger hclog.Logger
}

// NewPolicyFilter wraps next, the plugin KIND/NAME named by name, with
// policy (FailClosed when empty).
func NewPolicyFilter(name string, policy FailurePolicy, next Filterer, logger hclog.Logger) *PolicyFilter {
	if policy == "" {
		policy = FailClosed
	}
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &PolicyFilter{name: name, policy: policy, next: next, logger: logger}
}

// Filter calls the plugin and applies the failure policy to an error.
func (p *PolicyFilter) Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	resp, err := p.next.Filter(ctx, req)
	if err == nil {
		return resp, nil
	}
	out := &sdk.FilterResponse{Results: make([]sdk.HostResult, len(req.Hosts))}
	for i := range req.Hosts {
		out.Results[i].HostID = req.Hosts[i].ID
	}
	if p.policy == FailOpen {
		p.logger.Warn("constraint plugin failed; ignoring it (fail_open)", "plugin", p.name, "hosts", len(req.Hosts), "error", err)
		return out, nil
	}
	p.logger.Warn("constraint plugin failed; vetoing every host (fail_closed)", "plugin", p.name, "hosts", len(req.Hosts), "error", err)
	veto := []sdk.Veto{{
		Type:   sdk.VetoDynamic,
		Reason: fmt.Sprintf("Constraint plugin %s unavailable (fail_closed): %v", p.name, err),
		Score:  failureVetoScore,
	}}
	for i := range out.Results {
		out.Results[i].Vetoes = veto
	}
	return out, nil
}

// Score asks the plugin to rank hosts. Scores are preferences, not
// constraints: a failure is returned as is, whatever the failure policy,
// and the caller places as if no plugin scored.
func (p *PolicyFilter) Score(ctx context.Context, req *sdk.ScoreRequest) (*sdk.ScoreResponse, error) {
	s, ok := p.next.(Scorer)
	if !ok {
		return nil, fmt.Errorf("plugin %s: %w: it does not score hosts", p.name, sdk.ErrUnimplemented)
	}
	return s.Score(ctx, req)
}

// PolicyQuota applies a failure policy to a quota plugin: when Check fails,
// fail_closed denies with a reason naming the plugin and the error,
// fail_open allows.
type PolicyQuota struct {
	sdk.QuotaPlugin
	name   string
	policy FailurePolicy
	logger hclog.Logger
}

// NewPolicyQuota wraps next with policy (FailClosed when empty).
func NewPolicyQuota(name string, policy FailurePolicy, next sdk.QuotaPlugin, logger hclog.Logger) *PolicyQuota {
	if policy == "" {
		policy = FailClosed
	}
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &PolicyQuota{QuotaPlugin: next, name: name, policy: policy, logger: logger}
}

// Check never fails: a plugin error becomes a decision per the policy.
func (p *PolicyQuota) Check(ctx context.Context, req *sdk.QuotaCheckRequest) (*sdk.QuotaDecision, error) {
	d, err := p.QuotaPlugin.Check(ctx, req)
	if err == nil {
		return d, nil
	}
	if p.policy == FailOpen {
		p.logger.Warn("quota plugin failed; allowing (fail_open)", "plugin", p.name, "role", req.Role, "error", err)
		return &sdk.QuotaDecision{Allowed: true}, nil
	}
	p.logger.Warn("quota plugin failed; denying (fail_closed)", "plugin", p.name, "role", req.Role, "error", err)
	return &sdk.QuotaDecision{Reason: fmt.Sprintf("Quota plugin %s unavailable (fail_closed): %v", p.name, err)}, nil
}

// CombineFilters returns a Filterer that calls every filter concurrently
// with the same request and merges their vetoes per host, highest score
// first (Aurora checks dedicated, 10^6, before constraints, 10^4), so
// Vetoes[0] is the reason to show. It fails if any filter fails: wrap each
// plugin in a PolicyFilter to apply its failure policy instead.
func CombineFilters(filters ...Filterer) Filterer {
	return combined(filters)
}

type combined []Filterer

func (fs combined) Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	if len(fs) == 1 {
		return fs[0].Filter(ctx, req)
	}
	resps := make([]*sdk.FilterResponse, len(fs))
	errs := make([]error, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resps[i], errs[i] = f.Filter(ctx, req)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := &sdk.FilterResponse{Results: make([]sdk.HostResult, len(req.Hosts))}
	for i := range req.Hosts {
		out.Results[i].HostID = req.Hosts[i].ID
		var vetoes []sdk.Veto
		for j, r := range resps {
			if len(r.Results) != len(req.Hosts) {
				return nil, fmt.Errorf("constraint filter %d returned %d results for %d hosts", j, len(r.Results), len(req.Hosts))
			}
			vetoes = append(vetoes, r.Results[i].Vetoes...)
		}
		slices.SortStableFunc(vetoes, func(a, b sdk.Veto) int { return cmp.Compare(b.Score, a.Score) })
		out.Results[i].Vetoes = vetoes
	}
	return out, nil
}

// Score sums, per host, the scores of the filters that score. It fails
// with sdk.ErrUnimplemented when none does, and with the errors of those
// that failed.
func (fs combined) Score(ctx context.Context, req *sdk.ScoreRequest) (*sdk.ScoreResponse, error) {
	var sums []float64
	var errs []error
	for i, f := range fs {
		s, ok := f.(Scorer)
		if !ok {
			continue
		}
		resp, err := s.Score(ctx, req)
		if errors.Is(err, sdk.ErrUnimplemented) {
			continue
		}
		if err == nil && len(resp.Scores) != len(req.Hosts) {
			err = fmt.Errorf("constraint filter %d returned %d scores for %d hosts", i, len(resp.Scores), len(req.Hosts))
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if sums == nil {
			sums = make([]float64, len(req.Hosts))
		}
		for j, sc := range resp.Scores {
			sums[j] += sc.Score
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if sums == nil {
		return nil, fmt.Errorf("%w: no constraint plugin scores hosts", sdk.ErrUnimplemented)
	}
	out := &sdk.ScoreResponse{Scores: make([]sdk.HostScore, len(req.Hosts))}
	for i := range req.Hosts {
		out.Scores[i] = sdk.HostScore{HostID: req.Hosts[i].ID, Score: sums[i]}
	}
	return out, nil
}
