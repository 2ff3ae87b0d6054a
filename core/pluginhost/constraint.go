package pluginhost

import (
	"context"
	"fmt"

	"github.com/aurora-go/aurora/sdk"
)

// ConstraintClient calls a supervised constraint plugin. It implements
// sdk.ScoringConstraintPlugin.
type ConstraintClient struct {
	clientBase
}

var (
	_ sdk.ScoringConstraintPlugin = (*ConstraintClient)(nil)
	_ Client                      = (*ConstraintClient)(nil)
)

// Filter has the spec's timeout, else Timeouts.Filter.
func (c *ConstraintClient) Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	return call(ctx, c.sup, "Filter", c.sup.filterTimeout(), func(ctx context.Context, b sdk.Base) (*sdk.FilterResponse, error) {
		return b.(sdk.ConstraintPlugin).Filter(ctx, req)
	})
}

// Score fails with sdk.ErrUnimplemented, without a call, unless the
// plugin's Info lists sdk.CapabilityScore.
func (c *ConstraintClient) Score(ctx context.Context, req *sdk.ScoreRequest) (*sdk.ScoreResponse, error) {
	if !c.sup.capable(sdk.CapabilityScore) {
		return nil, fmt.Errorf("plugin %s: %w: it does not score hosts (no %q capability)", c.sup.spec, sdk.ErrUnimplemented, sdk.CapabilityScore)
	}
	return call(ctx, c.sup, "Score", c.sup.filterTimeout(), func(ctx context.Context, b sdk.Base) (*sdk.ScoreResponse, error) {
		return b.(sdk.ScoringConstraintPlugin).Score(ctx, req)
	})
}
