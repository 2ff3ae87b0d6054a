package sdk

import (
	"encoding/json"
	"fmt"

	constraintv1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/constraint/v1"
)

// filterGroupToProto converts everything of req but its hosts; compact
// sends the active tasks as active_counts.
func filterGroupToProto(req *FilterRequest, compact bool) *constraintv1.FilterRequest {
	out := &constraintv1.FilterRequest{
		Group: &constraintv1.TaskGroup{
			Role:        req.Group.Role,
			Environment: req.Group.Environment,
			Job:         req.Group.Job,
			Constraints: make([]*constraintv1.Constraint, 0, len(req.Group.Constraints)),
		},
	}
	if len(req.Group.Placements) > 0 {
		out.Group.Placements = make(map[string][]byte, len(req.Group.Placements))
		for name, args := range req.Group.Placements {
			out.Group.Placements[name] = args
		}
	}
	for _, c := range req.Group.Constraints {
		out.Group.Constraints = append(out.Group.Constraints, &constraintv1.Constraint{
			Name:    c.Name,
			Values:  c.Values,
			Negated: c.Negated,
			Limit:   c.Limit,
		})
	}
	if len(req.ActiveTasks) > 0 && compact {
		out.ActiveCounts = make([]*constraintv1.ActiveCounts, 0, len(req.ActiveTasks))
		for attr, counts := range req.ActiveTasks {
			ac := &constraintv1.ActiveCounts{Attribute: attr, Values: make([]string, 0, len(counts)), Counts: make([]int32, 0, len(counts))}
			for value, n := range counts {
				ac.Values = append(ac.Values, value)
				ac.Counts = append(ac.Counts, n)
			}
			out.ActiveCounts = append(out.ActiveCounts, ac)
		}
	} else if len(req.ActiveTasks) > 0 {
		out.ActiveTasks = make(map[string]*constraintv1.ValueCounts, len(req.ActiveTasks))
		for attr, counts := range req.ActiveTasks {
			out.ActiveTasks[attr] = &constraintv1.ValueCounts{Counts: counts}
		}
	}
	return out
}

// filterGroupFromProto converts everything of req but its hosts.
func filterGroupFromProto(req *constraintv1.FilterRequest) *FilterRequest {
	g := req.GetGroup()
	out := &FilterRequest{
		Group: TaskGroup{
			Role:        g.GetRole(),
			Environment: g.GetEnvironment(),
			Job:         g.GetJob(),
		},
	}
	if cs := g.GetConstraints(); len(cs) > 0 {
		out.Group.Constraints = make([]Constraint, 0, len(cs))
		for _, c := range cs {
			out.Group.Constraints = append(out.Group.Constraints, Constraint{
				Name:    c.GetName(),
				Values:  c.GetValues(),
				Negated: c.GetNegated(),
				Limit:   c.GetLimit(),
			})
		}
	}
	if ps := g.GetPlacements(); len(ps) > 0 {
		out.Group.Placements = make(map[string]json.RawMessage, len(ps))
		for name, args := range ps {
			out.Group.Placements[name] = args
		}
	}
	if at := req.GetActiveTasks(); len(at) > 0 {
		out.ActiveTasks = make(map[string]map[string]int32, len(at))
		for attr, counts := range at {
			out.ActiveTasks[attr] = counts.GetCounts()
		}
	}
	for _, ac := range req.GetActiveCounts() {
		if out.ActiveTasks == nil {
			out.ActiveTasks = make(map[string]map[string]int32, len(req.GetActiveCounts()))
		}
		values, counts := ac.GetValues(), ac.GetCounts()
		m := make(map[string]int32, len(values))
		for i, v := range values { // decode checked that the lengths match
			m[v] = counts[i]
		}
		out.ActiveTasks[ac.GetAttribute()] = m
	}
	return out
}

func hostToProto(h *Host, ref uint32, gen uint64) *constraintv1.Host {
	ph := &constraintv1.Host{Id: h.ID, Hostname: h.Hostname, Generation: gen, Ref: ref}
	if len(h.Attributes) > 0 {
		ph.Attributes = make(map[string]*constraintv1.AttributeValues, len(h.Attributes))
		for name, values := range h.Attributes {
			ph.Attributes[name] = &constraintv1.AttributeValues{Values: values}
		}
	}
	return ph
}

func hostFromProto(ph *constraintv1.Host) Host {
	h := Host{ID: ph.GetId(), Hostname: ph.GetHostname(), Generation: ph.GetGeneration()}
	if attrs := ph.GetAttributes(); len(attrs) > 0 {
		h.Attributes = make(map[string][]string, len(attrs))
		for name, values := range attrs {
			h.Attributes[name] = values.GetValues()
		}
	}
	return h
}

func vetoTypeToProto(t VetoType) constraintv1.VetoType {
	switch t {
	case VetoStatic:
		return constraintv1.VetoType_VETO_TYPE_STATIC
	case VetoDynamic:
		return constraintv1.VetoType_VETO_TYPE_DYNAMIC
	default:
		return constraintv1.VetoType_VETO_TYPE_UNSPECIFIED
	}
}

func vetoTypeFromProto(t constraintv1.VetoType) (VetoType, error) {
	switch t {
	case constraintv1.VetoType_VETO_TYPE_STATIC:
		return VetoStatic, nil
	case constraintv1.VetoType_VETO_TYPE_DYNAMIC:
		return VetoDynamic, nil
	default:
		return 0, fmt.Errorf("veto type %v is neither static nor dynamic", t)
	}
}

// filterResponseToProto encodes resp sparsely: only vetoed hosts, by
// position, with each distinct veto sent once.
func filterResponseToProto(resp *FilterResponse) *constraintv1.FilterResponse {
	out := &constraintv1.FilterResponse{}
	index := make(map[Veto]uint32)
	for i, r := range resp.Results {
		if len(r.Vetoes) == 0 {
			continue
		}
		out.VetoedHosts = append(out.VetoedHosts, uint32(i))
		out.VetoCounts = append(out.VetoCounts, uint32(len(r.Vetoes)))
		for _, v := range r.Vetoes {
			ref, ok := index[v]
			if !ok {
				ref = uint32(len(out.Vetoes))
				index[v] = ref
				out.Vetoes = append(out.Vetoes, &constraintv1.Veto{
					Type:   vetoTypeToProto(v.Type),
					Reason: v.Reason,
					Score:  v.Score,
				})
			}
			out.VetoRefs = append(out.VetoRefs, ref)
		}
	}
	return out
}

// filterResponseFromProto expands a sparse response into one HostResult per
// request host, in request order.
func filterResponseFromProto(req *FilterRequest, resp *constraintv1.FilterResponse) (*FilterResponse, error) {
	distinct := make([]Veto, len(resp.GetVetoes()))
	for i, v := range resp.GetVetoes() {
		t, err := vetoTypeFromProto(v.GetType())
		if err != nil {
			return nil, fmt.Errorf("veto %q: %w", v.GetReason(), err)
		}
		distinct[i] = Veto{Type: t, Reason: v.GetReason(), Score: v.GetScore()}
	}
	hosts, counts, refs := resp.GetVetoedHosts(), resp.GetVetoCounts(), resp.GetVetoRefs()
	if len(hosts) != len(counts) {
		return nil, fmt.Errorf("filter response lists %d vetoed hosts but %d veto counts", len(hosts), len(counts))
	}
	out := &FilterResponse{Results: make([]HostResult, len(req.Hosts))}
	for i := range req.Hosts {
		out.Results[i].HostID = req.Hosts[i].ID
	}
	all := make([]Veto, len(refs))
	k := 0
	prev := -1
	for i, pos := range hosts {
		if int(pos) >= len(req.Hosts) || int(pos) <= prev {
			return nil, fmt.Errorf("filter response vetoes host position %d; want ascending positions below %d", pos, len(req.Hosts))
		}
		prev = int(pos)
		c := int(counts[i])
		if c == 0 || k+c > len(refs) {
			return nil, fmt.Errorf("filter response has inconsistent veto counts at host position %d", pos)
		}
		for j := k; j < k+c; j++ {
			if int(refs[j]) >= len(distinct) {
				return nil, fmt.Errorf("filter response refers to veto %d of %d", refs[j], len(distinct))
			}
			all[j] = distinct[refs[j]]
		}
		out.Results[pos].Vetoes = all[k : k+c : k+c]
		k += c
	}
	if k != len(refs) {
		return nil, fmt.Errorf("filter response has %d veto refs, its counts add up to %d", len(refs), k)
	}
	return out, nil
}

// fillHostIDs sets the HostID of results that a plugin left empty, by
// request order.
func fillHostIDs(req *FilterRequest, resp *FilterResponse) {
	for i := range resp.Results {
		if resp.Results[i].HostID == "" && i < len(req.Hosts) {
			resp.Results[i].HostID = req.Hosts[i].ID
		}
	}
}

// checkFilterResponse enforces the Filter contract: one result per request
// host, in request order, with valid veto types.
func checkFilterResponse(req *FilterRequest, resp *FilterResponse) error {
	if len(resp.Results) != len(req.Hosts) {
		return fmt.Errorf("filter response has %d results for %d hosts; want one result per host", len(resp.Results), len(req.Hosts))
	}
	for i, r := range resp.Results {
		if r.HostID != req.Hosts[i].ID {
			return fmt.Errorf("filter result %d is for host %q, want %q (results must follow request order)", i, r.HostID, req.Hosts[i].ID)
		}
		for _, v := range r.Vetoes {
			if v.Type != VetoStatic && v.Type != VetoDynamic {
				return fmt.Errorf("filter result for host %q: veto %q has type %v; want VetoStatic or VetoDynamic", r.HostID, v.Reason, v.Type)
			}
		}
	}
	return nil
}

// checkScoreResponse enforces the Score contract: one score per request
// host, in request order. Empty host IDs are filled in.
func checkScoreResponse(req *ScoreRequest, resp *ScoreResponse) error {
	if len(resp.Scores) != len(req.Hosts) {
		return fmt.Errorf("score response has %d scores for %d hosts; want one score per host", len(resp.Scores), len(req.Hosts))
	}
	for i := range resp.Scores {
		if resp.Scores[i].HostID == "" {
			resp.Scores[i].HostID = req.Hosts[i].ID
		}
		if resp.Scores[i].HostID != req.Hosts[i].ID {
			return fmt.Errorf("score %d is for host %q, want %q (scores must follow request order)", i, resp.Scores[i].HostID, req.Hosts[i].ID)
		}
	}
	return nil
}
