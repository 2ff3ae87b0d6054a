package dedicated

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/plugins/constraint/internal/kit"
	"github.com/aurora-go/aurora/sdk"
)

// Name is the plugin's name in Info and in the catalog.
const Name = "dedicated"

// Version is the plugin release reported in Info.
const Version = "0.1.0"

// Attribute is the agent attribute, and constraint name, of dedicated hosts.
const Attribute = "dedicated"

// Aurora's veto scores and reasons.
const (
	// HostIsDedicatedScore is the score of DEDICATED_CONSTRAINT_MISMATCH,
	// Aurora's highest.
	HostIsDedicatedScore = 1000000
	// HostIsDedicated is its reason.
	HostIsDedicated = "Host is dedicated"
	// constraintScore is the score of CONSTRAINT_MISMATCH.
	constraintScore = 10000
)

type plugin struct {
	kit.Base
}

// New returns the dedicated constraint plugin.
func New(logger hclog.Logger) sdk.ConstraintPlugin {
	return &plugin{Base: kit.NewBase(Name, Version, logger)}
}

// Constraint returns the task group's dedicated constraint, if any.
func Constraint(cs []sdk.Constraint) (sdk.Constraint, bool) {
	i := slices.IndexFunc(cs, func(c sdk.Constraint) bool { return c.Name == Attribute })
	if i < 0 {
		return sdk.Constraint{}, false
	}
	return cs[i], true
}

// ValidateConstraint applies Aurora's submission rules to a job's
// constraints: a dedicated constraint must be a value constraint with
// exactly one value, whose role part is the job's role or "*". It returns
// nil when the job has no dedicated constraint.
func ValidateConstraint(role string, cs []sdk.Constraint) error {
	c, ok := Constraint(cs)
	if !ok {
		return nil
	}
	if c.Limit > 0 {
		return errors.New("A dedicated constraint must be of value type.")
	}
	if len(c.Values) != 1 {
		return errors.New("A dedicated constraint must have exactly one value")
	}
	dedicatedRole, _, _ := strings.Cut(c.Values[0], "/")
	if dedicatedRole != "*" && dedicatedRole != role {
		return fmt.Errorf("Only %s may use hosts dedicated for that role.", dedicatedRole)
	}
	return nil
}

// Filter vetoes dedicated hosts for tasks without a dedicated constraint,
// and hosts without a matching dedicated value for tasks with one.
func (p *plugin) Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	c, hasConstraint := Constraint(req.Group.Constraints)
	var everyHost []sdk.Veto
	if hasConstraint {
		if err := ValidateConstraint(req.Group.Role, req.Group.Constraints); err != nil {
			everyHost = []sdk.Veto{{Type: sdk.VetoStatic, Reason: err.Error(), Score: HostIsDedicatedScore}}
		}
	}
	return p.FilterHosts(ctx, req, func(h *sdk.Host) []sdk.Veto {
		values, dedicatedHost := h.Attributes[Attribute]
		switch {
		case everyHost != nil:
			return everyHost
		case !hasConstraint && dedicatedHost:
			return []sdk.Veto{{Type: sdk.VetoStatic, Reason: HostIsDedicated, Score: HostIsDedicatedScore}}
		case hasConstraint && !matches(c, values):
			return []sdk.Veto{{Type: sdk.VetoStatic, Reason: "Constraint not satisfied: " + Attribute, Score: constraintScore}}
		}
		return nil
	})
}

// matches is Aurora's value match: any constraint value among the host's,
// XOR Negated.
func matches(c sdk.Constraint, hostValues []string) bool {
	match := slices.ContainsFunc(c.Values, func(v string) bool { return slices.Contains(hostValues, v) })
	return c.Negated != match
}
