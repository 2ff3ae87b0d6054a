package conformance

import (
	"context"
	"fmt"
	"reflect"

	"github.com/aurora-go/aurora/sdk"
)

// QuotaChecks is the quota suite: the base checks, Get answering each role
// in order, Check side-effect free and stable, and an empty proposal
// allowed.
func QuotaChecks(newPlugin Factory[sdk.QuotaPlugin], opts Options) []Check {
	cfg := configured(newPlugin, opts)
	roles := opts.Roles
	if len(roles) == 0 {
		roles = []string{"www-data", "nobody"}
	}
	with := func(fn func(ctx context.Context, p sdk.QuotaPlugin) error) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			p, release, err := cfg(ctx)
			if err != nil {
				return fmt.Errorf("start and configure the plugin: %w", err)
			}
			defer release()
			return fn(ctx, p)
		}
	}
	get := func(ctx context.Context, p sdk.QuotaPlugin) ([]sdk.RoleQuota, error) {
		qs, err := p.Get(ctx, roles)
		if err != nil {
			return nil, fmt.Errorf("Get: %w", err)
		}
		if len(qs) != len(roles) {
			return nil, fmt.Errorf("Get(%v) returned %d quotas", roles, len(qs))
		}
		for i, q := range qs {
			if q.Role != roles[i] {
				return nil, fmt.Errorf("Get quota %d is for role %q, want %q", i, q.Role, roles[i])
			}
		}
		return qs, nil
	}
	checks := baseChecks(sdk.KindQuota, newPlugin, opts)
	return append(checks,
		Check{Name: "get-roles-in-order", Run: with(func(ctx context.Context, p sdk.QuotaPlugin) error {
			_, err := get(ctx, p)
			return err
		})},
		Check{Name: "check-side-effect-free", Run: with(func(ctx context.Context, p sdk.QuotaPlugin) error {
			before, err := get(ctx, p)
			if err != nil {
				return err
			}
			for _, role := range roles {
				for _, prod := range []bool{true, false} {
					req := &sdk.QuotaCheckRequest{
						Role:     role,
						Proposed: []sdk.Usage{{Tier: "preferred", Production: prod, Resources: sdk.Resources{CPUs: 1, RAMMB: 128, DiskMB: 128}}},
						Current:  []sdk.Usage{{Tier: "preferred", Production: prod, Resources: sdk.Resources{CPUs: 2, RAMMB: 256, DiskMB: 256}}},
					}
					first, err := p.Check(ctx, req)
					if err != nil {
						return fmt.Errorf("Check: %w", err)
					}
					for i := range 3 {
						again, err := p.Check(ctx, req)
						if err != nil {
							return fmt.Errorf("Check #%d: %w", i+2, err)
						}
						if *again != *first {
							return fmt.Errorf("the same Check for role %q got %+v, then %+v", role, first, again)
						}
					}
					if !first.Allowed && first.Reason == "" {
						return fmt.Errorf("Check for role %q denied without a reason", role)
					}
				}
			}
			after, err := get(ctx, p)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(before, after) {
				return fmt.Errorf("Check changed quotas: %+v before, %+v after", before, after)
			}
			return nil
		})},
		Check{Name: "check-nothing-proposed", Run: with(func(ctx context.Context, p sdk.QuotaPlugin) error {
			d, err := p.Check(ctx, &sdk.QuotaCheckRequest{Role: roles[0],
				Current: []sdk.Usage{{Tier: "preferred", Production: true, Resources: sdk.Resources{CPUs: 1e6, RAMMB: 1 << 40}}}})
			if err != nil {
				return fmt.Errorf("Check: %w", err)
			}
			if !d.Allowed {
				return fmt.Errorf("a Check that adds nothing was denied: %s", d.Reason)
			}
			return nil
		})},
	)
}
