package sdk

import (
	"fmt"

	constraintv1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/constraint/v1"
)

func filterRequestToProto(req *FilterRequest) *constraintv1.FilterRequest {
	out := &constraintv1.FilterRequest{
		Group: &constraintv1.TaskGroup{
			Role:        req.Group.Role,
			Environment: req.Group.Environment,
			Job:         req.Group.Job,
			Constraints: make([]*constraintv1.Constraint, 0, len(req.Group.Constraints)),
		},
		Hosts: make([]*constraintv1.Host, 0, len(req.Hosts)),
	}
	for _, c := range req.Group.Constraints {
		out.Group.Constraints = append(out.Group.Constraints, &constraintv1.Constraint{
			Name:    c.Name,
			Values:  c.Values,
			Negated: c.Negated,
			Limit:   c.Limit,
		})
	}
	if len(req.ActiveTasks) > 0 {
		out.ActiveTasks = make(map[string]*constraintv1.ValueCounts, len(req.ActiveTasks))
		for attr, counts := range req.ActiveTasks {
			out.ActiveTasks[attr] = &constraintv1.ValueCounts{Counts: counts}
		}
	}
	for _, h := range req.Hosts {
		ph := &constraintv1.Host{Id: h.ID, Hostname: h.Hostname, Generation: h.Generation}
		if len(h.Attributes) > 0 {
			ph.Attributes = make(map[string]*constraintv1.AttributeValues, len(h.Attributes))
			for name, values := range h.Attributes {
				ph.Attributes[name] = &constraintv1.AttributeValues{Values: values}
			}
		}
		out.Hosts = append(out.Hosts, ph)
	}
	return out
}

func filterRequestFromProto(req *constraintv1.FilterRequest) *FilterRequest {
	g := req.GetGroup()
	out := &FilterRequest{
		Group: TaskGroup{
			Role:        g.GetRole(),
			Environment: g.GetEnvironment(),
			Job:         g.GetJob(),
		},
		Hosts: make([]Host, 0, len(req.GetHosts())),
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
	if at := req.GetActiveTasks(); len(at) > 0 {
		out.ActiveTasks = make(map[string]map[string]int32, len(at))
		for attr, counts := range at {
			out.ActiveTasks[attr] = counts.GetCounts()
		}
	}
	for _, h := range req.GetHosts() {
		host := Host{ID: h.GetId(), Hostname: h.GetHostname(), Generation: h.GetGeneration()}
		if attrs := h.GetAttributes(); len(attrs) > 0 {
			host.Attributes = make(map[string][]string, len(attrs))
			for name, values := range attrs {
				host.Attributes[name] = values.GetValues()
			}
		}
		out.Hosts = append(out.Hosts, host)
	}
	return out
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

func filterResponseToProto(resp *FilterResponse) *constraintv1.FilterResponse {
	out := &constraintv1.FilterResponse{Results: make([]*constraintv1.HostResult, 0, len(resp.Results))}
	for _, r := range resp.Results {
		pr := &constraintv1.HostResult{HostId: r.HostID}
		if len(r.Vetoes) > 0 {
			pr.Vetoes = make([]*constraintv1.Veto, 0, len(r.Vetoes))
			for _, v := range r.Vetoes {
				pr.Vetoes = append(pr.Vetoes, &constraintv1.Veto{
					Type:   vetoTypeToProto(v.Type),
					Reason: v.Reason,
					Score:  v.Score,
				})
			}
		}
		out.Results = append(out.Results, pr)
	}
	return out
}

func filterResponseFromProto(resp *constraintv1.FilterResponse) (*FilterResponse, error) {
	out := &FilterResponse{Results: make([]HostResult, 0, len(resp.GetResults()))}
	for _, r := range resp.GetResults() {
		hr := HostResult{HostID: r.GetHostId()}
		if vs := r.GetVetoes(); len(vs) > 0 {
			hr.Vetoes = make([]Veto, 0, len(vs))
			for _, v := range vs {
				t, err := vetoTypeFromProto(v.GetType())
				if err != nil {
					return nil, fmt.Errorf("host %q: %w", hr.HostID, err)
				}
				hr.Vetoes = append(hr.Vetoes, Veto{Type: t, Reason: v.GetReason(), Score: v.GetScore()})
			}
		}
		out.Results = append(out.Results, hr)
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
