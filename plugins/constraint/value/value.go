package value

import (
	"context"
	"slices"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/plugins/constraint/internal/kit"
	"github.com/aurora-go/aurora/sdk"
)

// Name is the plugin's name in Info and in the catalog.
const Name = "value"

// Version is the plugin release reported in Info.
const Version = "0.1.0"

// DedicatedAttribute is the attribute the dedicated plugin owns.
const DedicatedAttribute = "dedicated"

// constraintScore is Aurora's score of CONSTRAINT_MISMATCH vetoes.
const constraintScore = 10000

type plugin struct {
	kit.Base
}

// New returns the value constraint plugin.
func New(logger hclog.Logger) sdk.ConstraintPlugin {
	return &plugin{Base: kit.NewBase(Name, Version, logger)}
}

// Filter evaluates the group's value constraints on every host.
func (p *plugin) Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	var cs []sdk.Constraint
	for _, c := range req.Group.Constraints {
		if c.Limit <= 0 && c.Name != DedicatedAttribute {
			cs = append(cs, c)
		}
	}
	return p.FilterHosts(ctx, req, func(h *sdk.Host) []sdk.Veto {
		for _, c := range cs {
			if !Matches(c, h.Attributes[c.Name]) {
				return []sdk.Veto{Mismatch(c.Name)}
			}
		}
		return nil
	})
}

// Matches is Aurora's value match: true if any constraint value is among
// the host's values, XOR Negated.
func Matches(c sdk.Constraint, hostValues []string) bool {
	match := false
	for _, v := range c.Values {
		if slices.Contains(hostValues, v) {
			match = true
			break
		}
	}
	return c.Negated != match
}

// Mismatch is the static veto of a failed value constraint on attr.
func Mismatch(attr string) sdk.Veto {
	return sdk.Veto{Type: sdk.VetoStatic, Reason: "Constraint not satisfied: " + attr, Score: constraintScore}
}
