package limit

import (
	"context"

	"github.com/aurora-go/aurora/sdk"
)

// constraintScore is Aurora's score of constraint vetoes (VetoType
// CONSTRAINT_MISMATCH and LIMIT_NOT_SATISFIED).
const constraintScore = 10000

// Filter evaluates the group's limit constraints on every host.
func (p *plugin) Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	constraints := limits(req.Group.Constraints)
	if len(constraints) == 0 {
		return p.FilterHosts(ctx, req, func(*sdk.Host) []sdk.Veto { return nil })
	}
	return p.FilterHosts(ctx, req, func(h *sdk.Host) []sdk.Veto {
		if v, ok := firstVeto(constraints, req.ActiveTasks, h.Attributes); ok {
			return []sdk.Veto{v}
		}
		return nil
	})
}

func isLimit(c sdk.Constraint) bool { return c.Limit > 0 }

// limits returns the limit constraints, in order.
func limits(cs []sdk.Constraint) []sdk.Constraint {
	var out []sdk.Constraint
	for _, c := range cs {
		if isLimit(c) {
			out = append(out, c)
		}
	}
	return out
}

// firstVeto returns the veto of the first limit constraint the host fails.
func firstVeto(cs []sdk.Constraint, active map[string]map[string]int32, attrs map[string][]string) (sdk.Veto, bool) {
	for _, c := range cs {
		values, present := attrs[c.Name]
		if !present {
			return mismatch(c.Name), true
		}
		if !limitSatisfied(c.Limit, values, active[c.Name]) {
			return sdk.Veto{Type: sdk.VetoDynamic, Reason: "Limit not satisfied: " + c.Name, Score: constraintScore}, true
		}
	}
	return sdk.Veto{}, false
}

func mismatch(name string) sdk.Veto {
	return sdk.Veto{Type: sdk.VetoStatic, Reason: "Constraint not satisfied: " + name, Score: constraintScore}
}

// limitSatisfied is true if, for every value of the host's attribute, the
// job has fewer than limit active tasks on hosts with that value.
func limitSatisfied(limit int32, hostValues []string, counts map[string]int32) bool {
	for _, v := range hostValues {
		if counts[v] >= limit {
			return false
		}
	}
	return true
}
