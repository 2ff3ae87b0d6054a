package conformance

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// BatchSizes are the host counts of the Filter batch check.
var BatchSizes = []int{0, 1, 10000}

// DefaultGroup is the task group of Filter requests unless Options.Group
// says otherwise: a limit and a value constraint.
var DefaultGroup = sdk.TaskGroup{
	Role: "www-data", Environment: "prod", Job: "conformance",
	Constraints: []sdk.Constraint{
		{Name: "rack", Limit: 2},
		{Name: "zone", Values: []string{"a", "b"}},
	},
}

// Hosts returns n deterministic hosts with host, rack (10 racks), zone (a,
// b, c) attributes; every 50th host has no rack.
func Hosts(n int) []sdk.Host {
	hosts := make([]sdk.Host, n)
	zones := []string{"a", "b", "c"}
	for i := range hosts {
		name := fmt.Sprintf("host-%05d", i)
		attrs := map[string][]string{
			"host": {name},
			"zone": {zones[i%len(zones)]},
		}
		if i%50 != 49 {
			attrs["rack"] = []string{fmt.Sprintf("r%d", i%10)}
		}
		hosts[i] = sdk.Host{ID: fmt.Sprintf("agent-%05d", i), Hostname: name, Attributes: attrs, Generation: uint64(i%7 + 1)}
	}
	return hosts
}

// FilterRequest returns the suite's request over n hosts.
func FilterRequest(opts Options, n int) *sdk.FilterRequest {
	g := DefaultGroup
	if opts.Group != nil {
		g = *opts.Group
	}
	return &sdk.FilterRequest{
		Group:       g,
		ActiveTasks: map[string]map[string]int32{"rack": {"r1": 2, "r2": 1}, "zone": {"a": 3}},
		Hosts:       Hosts(n),
	}
}

// ConstraintChecks is the constraint suite: the base checks, Filter batches
// of 0, 1 and 10 000 hosts with one result per host in order, deadlines,
// determinism, concurrency, and Score when the plugin advertises it.
func ConstraintChecks(newPlugin Factory[sdk.ConstraintPlugin], opts Options) []Check {
	cfg := configured(newPlugin, opts)
	with := func(fn func(ctx context.Context, p sdk.ConstraintPlugin) error) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			p, release, err := cfg(ctx)
			if err != nil {
				return fmt.Errorf("start and configure the plugin: %w", err)
			}
			defer release()
			return fn(ctx, p)
		}
	}
	checks := baseChecks(sdk.KindConstraint, newPlugin, opts)
	return append(checks,
		Check{Name: "filter-batches", Run: with(func(ctx context.Context, p sdk.ConstraintPlugin) error {
			for _, n := range BatchSizes {
				req := FilterRequest(opts, n)
				resp, err := p.Filter(ctx, req)
				if err != nil {
					return fmt.Errorf("Filter over %d hosts: %w", n, err)
				}
				if err := checkResults(req, resp); err != nil {
					return fmt.Errorf("Filter over %d hosts: %w", n, err)
				}
			}
			return nil
		})},
		Check{Name: "filter-deterministic", Run: with(func(ctx context.Context, p sdk.ConstraintPlugin) error {
			req := FilterRequest(opts, 1000)
			first, err := p.Filter(ctx, req)
			if err != nil {
				return err
			}
			second, err := p.Filter(ctx, FilterRequest(opts, 1000))
			if err != nil {
				return err
			}
			if i := firstDifference(first.Results, second.Results); i >= 0 {
				return fmt.Errorf("the same request got different results for host %d: %+v then %+v", i, first.Results[i], second.Results[i])
			}
			other, release, err := cfg(ctx)
			if err != nil {
				return fmt.Errorf("start a second instance: %w", err)
			}
			defer release()
			third, err := other.Filter(ctx, FilterRequest(opts, 1000))
			if err != nil {
				return err
			}
			if i := firstDifference(first.Results, third.Results); i >= 0 {
				return fmt.Errorf("a second instance got different results for host %d: %+v then %+v", i, first.Results[i], third.Results[i])
			}
			return nil
		})},
		Check{Name: "filter-concurrent", Run: with(func(ctx context.Context, p sdk.ConstraintPlugin) error {
			want, err := p.Filter(ctx, FilterRequest(opts, 500))
			if err != nil {
				return err
			}
			errs := make([]error, 8)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					got, err := p.Filter(ctx, FilterRequest(opts, 500))
					if err != nil {
						errs[i] = err
					} else if j := firstDifference(want.Results, got.Results); j >= 0 {
						errs[i] = fmt.Errorf("concurrent call %d got different results for host %d", i, j)
					}
				}()
			}
			wg.Wait()
			return errors.Join(errs...)
		})},
		Check{Name: "filter-deadline", Run: with(func(ctx context.Context, p sdk.ConstraintPlugin) error {
			const deadline, slack = 20 * time.Millisecond, time.Second
			dctx, cancel := context.WithTimeout(ctx, deadline)
			defer cancel()
			began := time.Now()
			resp, err := p.Filter(dctx, FilterRequest(opts, 10000))
			took := time.Since(began)
			if took > deadline+slack {
				return fmt.Errorf("Filter with a %v deadline returned after %v", deadline, took.Round(time.Millisecond))
			}
			if err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return fmt.Errorf("Filter past its deadline: %w; want context.DeadlineExceeded", err)
			}
			if err == nil && len(resp.Results) != 10000 {
				return fmt.Errorf("Filter returned %d results for 10000 hosts", len(resp.Results))
			}
			cctx, cancel2 := context.WithCancel(ctx)
			cancel2()
			if _, err := p.Filter(cctx, FilterRequest(opts, 10)); err == nil {
				return errors.New("Filter with a canceled context succeeded")
			}
			return nil
		})},
		Check{Name: "score", Run: with(func(ctx context.Context, p sdk.ConstraintPlugin) error {
			info, err := p.Info(ctx)
			if err != nil {
				return err
			}
			scorer, isScorer := p.(sdk.ConstraintScorer)
			advertised := slices.Contains(info.Capabilities, sdk.CapabilityScore)
			if !advertised {
				if isScorer {
					if _, err := scorer.Score(ctx, FilterRequest(opts, 1)); !errors.Is(err, sdk.ErrUnimplemented) {
						return fmt.Errorf("Score without the %q capability: err = %v, want ErrUnimplemented", sdk.CapabilityScore, err)
					}
				}
				return fmt.Errorf("%w: the plugin does not advertise %q", ErrSkipped, sdk.CapabilityScore)
			}
			if !isScorer {
				return fmt.Errorf("%w: the client cannot call Score", ErrSkipped)
			}
			for _, n := range BatchSizes {
				req := FilterRequest(opts, n)
				resp, err := scorer.Score(ctx, req)
				if err != nil {
					return fmt.Errorf("Score over %d hosts: %w", n, err)
				}
				if len(resp.Scores) != n {
					return fmt.Errorf("Score over %d hosts returned %d scores", n, len(resp.Scores))
				}
				for i, s := range resp.Scores {
					if s.HostID != req.Hosts[i].ID {
						return fmt.Errorf("score %d is for %q, want %q", i, s.HostID, req.Hosts[i].ID)
					}
				}
				again, err := scorer.Score(ctx, FilterRequest(opts, n))
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(resp.Scores, again.Scores) {
					return fmt.Errorf("Score over %d hosts is not deterministic", n)
				}
			}
			return nil
		})},
	)
}

// checkResults checks one result per host, in order, with valid vetoes.
func checkResults(req *sdk.FilterRequest, resp *sdk.FilterResponse) error {
	if resp == nil {
		return errors.New("no response")
	}
	if len(resp.Results) != len(req.Hosts) {
		return fmt.Errorf("%d results for %d hosts", len(resp.Results), len(req.Hosts))
	}
	for i, r := range resp.Results {
		if r.HostID != req.Hosts[i].ID {
			return fmt.Errorf("result %d is for host %q, want %q", i, r.HostID, req.Hosts[i].ID)
		}
		for _, v := range r.Vetoes {
			if v.Type != sdk.VetoStatic && v.Type != sdk.VetoDynamic {
				return fmt.Errorf("host %q: veto %q has type %v", r.HostID, v.Reason, v.Type)
			}
			if v.Reason == "" {
				return fmt.Errorf("host %q: a veto without a reason", r.HostID)
			}
		}
	}
	return nil
}

func firstDifference(a, b []sdk.HostResult) int {
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			return i
		}
	}
	return -1
}
