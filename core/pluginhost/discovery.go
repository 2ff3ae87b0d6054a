package pluginhost

import (
	"context"

	"github.com/aurora-go/aurora/sdk"
)

// DiscoveryClient calls a supervised discovery plugin. It implements
// sdk.DiscoveryPlugin; calls have the spec's timeout, else
// Timeouts.Filter.
type DiscoveryClient struct {
	clientBase
}

var (
	_ sdk.DiscoveryPlugin = (*DiscoveryClient)(nil)
	_ Client              = (*DiscoveryClient)(nil)
)

func (c *DiscoveryClient) Announce(ctx context.Context, endpoints []sdk.Endpoint) ([]sdk.EndpointResult, error) {
	return call(ctx, c.sup, "Announce", c.sup.filterTimeout(), func(ctx context.Context, b sdk.Base) ([]sdk.EndpointResult, error) {
		return b.(sdk.DiscoveryPlugin).Announce(ctx, endpoints)
	})
}

func (c *DiscoveryClient) Withdraw(ctx context.Context, keys []sdk.EndpointKey) ([]sdk.EndpointResult, error) {
	return call(ctx, c.sup, "Withdraw", c.sup.filterTimeout(), func(ctx context.Context, b sdk.Base) ([]sdk.EndpointResult, error) {
		return b.(sdk.DiscoveryPlugin).Withdraw(ctx, keys)
	})
}

func (c *DiscoveryClient) List(ctx context.Context, owner string) ([]sdk.Endpoint, error) {
	return call(ctx, c.sup, "List", c.sup.filterTimeout(), func(ctx context.Context, b sdk.Base) ([]sdk.Endpoint, error) {
		return b.(sdk.DiscoveryPlugin).List(ctx, owner)
	})
}

// QuotaClient calls a supervised quota plugin. It implements
// sdk.QuotaPlugin; calls have the spec's timeout, else Timeouts.Filter.
type QuotaClient struct {
	clientBase
}

var (
	_ sdk.QuotaPlugin = (*QuotaClient)(nil)
	_ Client          = (*QuotaClient)(nil)
)

func (c *QuotaClient) Check(ctx context.Context, req *sdk.QuotaCheckRequest) (*sdk.QuotaDecision, error) {
	return call(ctx, c.sup, "Check", c.sup.filterTimeout(), func(ctx context.Context, b sdk.Base) (*sdk.QuotaDecision, error) {
		return b.(sdk.QuotaPlugin).Check(ctx, req)
	})
}

func (c *QuotaClient) Get(ctx context.Context, roles []string) ([]sdk.RoleQuota, error) {
	return call(ctx, c.sup, "Get", c.sup.filterTimeout(), func(ctx context.Context, b sdk.Base) ([]sdk.RoleQuota, error) {
		return b.(sdk.QuotaPlugin).Get(ctx, roles)
	})
}
