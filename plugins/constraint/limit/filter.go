package limit

import (
	"context"
	"slices"

	"github.com/aurora-go/aurora/sdk"
)

// constraintScore is Aurora's score of constraint vetoes (VetoType
// CONSTRAINT_MISMATCH and LIMIT_NOT_SATISFIED).
const constraintScore = 10000

// ctxCheckEvery is how many hosts are evaluated between context checks.
const ctxCheckEvery = 1024

// Filter evaluates the group's constraints on every host.
func (p *plugin) Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	constraints := valuesFirst(req.Group.Constraints)
	resp := &sdk.FilterResponse{Results: make([]sdk.HostResult, len(req.Hosts))}
	vetoed := 0
	for i := range req.Hosts {
		if i%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		h := &req.Hosts[i]
		resp.Results[i].HostID = h.ID
		if v, ok := firstVeto(constraints, req.ActiveTasks, h.Attributes); ok {
			resp.Results[i].Vetoes = []sdk.Veto{v}
			vetoed++
		}
	}
	p.logger.Debug("filtered hosts",
		"role", req.Group.Role, "environment", req.Group.Environment, "job", req.Group.Job,
		"hosts", len(req.Hosts), "vetoed", vetoed)
	return resp, nil
}

func isLimit(c sdk.Constraint) bool { return c.Limit > 0 }

// valuesFirst orders value constraints before limit constraints, keeping
// the order within each (Aurora's VALUES_FIRST stable sort).
func valuesFirst(cs []sdk.Constraint) []sdk.Constraint {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b sdk.Constraint) int {
		switch {
		case isLimit(a) == isLimit(b):
			return 0
		case isLimit(a):
			return 1
		default:
			return -1
		}
	})
	return out
}

// firstVeto returns the veto of the first constraint the host fails.
func firstVeto(cs []sdk.Constraint, active map[string]map[string]int32, attrs map[string][]string) (sdk.Veto, bool) {
	for _, c := range cs {
		values, present := attrs[c.Name]
		if isLimit(c) {
			if !present {
				return mismatch(c.Name), true
			}
			if !limitSatisfied(c.Limit, values, active[c.Name]) {
				return sdk.Veto{Type: sdk.VetoDynamic, Reason: "Limit not satisfied: " + c.Name, Score: constraintScore}, true
			}
			continue
		}
		if !valueMatches(c, values) {
			return mismatch(c.Name), true
		}
	}
	return sdk.Veto{}, false
}

func mismatch(name string) sdk.Veto {
	return sdk.Veto{Type: sdk.VetoStatic, Reason: "Constraint not satisfied: " + name, Score: constraintScore}
}

// valueMatches is true if any constraint value is among the host's values,
// XOR Negated.
func valueMatches(c sdk.Constraint, hostValues []string) bool {
	match := false
	for _, v := range c.Values {
		if slices.Contains(hostValues, v) {
			match = true
			break
		}
	}
	return c.Negated != match
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
