package sdk

import (
	"context"
	"encoding/json"
	"fmt"
)

// Host is one candidate host of a Filter request.
type Host struct {
	ID       string
	Hostname string
	// Attributes are the agent's attributes by name, e.g. "rack": ["r1"].
	Attributes map[string][]string
	// Generation changes whenever Attributes change, so plugins can cache
	// per host.
	Generation uint64
}

// Constraint is one Aurora constraint on one attribute: a value constraint
// ("v1,v2", or "!v1,v2" when Negated) when Values is non-empty, or a limit
// constraint ("limit:N") when Limit > 0.
type Constraint struct {
	Name    string
	Values  []string
	Negated bool
	Limit   int32
}

// TaskGroup identifies the tasks being placed: the job and the constraints
// of its task configuration.
type TaskGroup struct {
	Role        string
	Environment string
	Job         string
	Constraints []Constraint
	// Placements holds the arguments of the job's `placement "NAME" {...}`
	// blocks, keyed by NAME, the catalog name of the plugin that owns the
	// block: each a JSON object that the cluster validated against that
	// plugin's ConfigSchema at submit. A site plugin reads its own entry
	// (Placements[myName]); a job without one has no block for it.
	Placements map[string]json.RawMessage
}

// FilterRequest asks a constraint plugin for the vetoes of every candidate
// host for one task group.
//
// A plugin must treat the request as read-only: on the plugin side the
// Hosts slice and the hosts' attribute maps are shared with the SDK's host
// cache, which keeps them across calls.
type FilterRequest struct {
	Group TaskGroup
	// ActiveTasks maps attribute name -> value -> count of this job's active
	// tasks on hosts with that value (Aurora's AttributeAggregate).
	ActiveTasks map[string]map[string]int32
	Hosts       []Host
}

// VetoType says whether a veto can ever be lifted.
type VetoType int

const (
	// VetoStatic means the host can never fit this task configuration; the
	// host may cache it by (plugin version, config, host generation).
	VetoStatic VetoType = iota + 1
	// VetoDynamic means the host may fit later, e.g. once other tasks of
	// the job move (a limit constraint).
	VetoDynamic
)

// String returns "static" or "dynamic".
func (t VetoType) String() string {
	switch t {
	case VetoStatic:
		return "static"
	case VetoDynamic:
		return "dynamic"
	default:
		return fmt.Sprintf("VetoType(%d)", int(t))
	}
}

// Veto is one reason why a host does not fit.
type Veto struct {
	Type   VetoType
	Reason string
	// Score ranks vetoes to find the nearest fit (Aurora uses 10^4 for
	// constraint vetoes).
	Score int32
}

// HostResult holds the vetoes of one host; no vetoes means the host fits.
type HostResult struct {
	HostID string
	Vetoes []Veto
}

// FilterResponse has one HostResult per request host, in request order.
type FilterResponse struct {
	Results []HostResult
}

// ConstraintPlugin is the constraint kind. The scheduler calls Filter once
// per task group per round with all candidate hosts.
type ConstraintPlugin interface {
	Base
	Filter(ctx context.Context, req *FilterRequest) (*FilterResponse, error)
}

// ScoreRequest asks for a preference score of every candidate host; it has
// the same content as a FilterRequest.
type ScoreRequest = FilterRequest

// HostScore is the score of one host: higher is better.
type HostScore struct {
	HostID string
	Score  float64
}

// ScoreResponse has one HostScore per request host, in request order.
type ScoreResponse struct {
	Scores []HostScore
}

// ConstraintScorer is implemented by constraint plugins that rank hosts as
// well as veto them. It is optional: Serve detects it by type assertion and
// advertises CapabilityScore in Info. The scheduler calls Score only on
// hosts that no plugin vetoed.
type ConstraintScorer interface {
	Score(ctx context.Context, req *ScoreRequest) (*ScoreResponse, error)
}

// ScoringConstraintPlugin is a constraint plugin with the optional Score.
// The typed client of the constraint kind implements it; Score answers
// ErrUnimplemented when the plugin lacks CapabilityScore.
type ScoringConstraintPlugin interface {
	ConstraintPlugin
	ConstraintScorer
}
