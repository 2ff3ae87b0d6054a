package spec

import (
	"fmt"
	"net/url"
	"time"
)

// SLA policy types (Aurora's CountSlaPolicy, PercentageSlaPolicy and
// CoordinatorSlaPolicy) and the server's bounds on them.
const (
	SLACount       = "count"
	SLAPercentage  = "percentage"
	SLACoordinator = "coordinator"

	DefaultSLAStatusKey = "drain"

	// MinInstancesForSLA is Aurora's -min_required_instances_for_sla_check.
	MinInstancesForSLA = 20
	// MaxSLADuration is Aurora's -max_sla_duration_secs.
	MaxSLADuration = Duration(2 * time.Hour)
)

// SLAPolicy says when instances may be killed for maintenance or an
// SLA-aware update, chosen by Type.
type SLAPolicy struct {
	Type string `json:"type"`
	// Count (count) instances, or Percentage (percentage) of them, must
	// have been RUNNING for at least Duration.
	Count      int      `json:"count,omitempty"`
	Percentage float64  `json:"percentage,omitempty"`
	Duration   Duration `json:"duration,omitempty"`
	// CoordinatorURL (coordinator) is asked, and its answer's StatusKey
	// field says whether the kill may go ahead.
	CoordinatorURL string `json:"coordinator_url,omitempty"`
	StatusKey      string `json:"status_key,omitempty"`
}

// NewSLAPolicy returns a policy of type typ with Aurora's defaults.
func NewSLAPolicy(typ string) *SLAPolicy {
	p := &SLAPolicy{Type: typ}
	if typ == SLACoordinator {
		p.StatusKey = DefaultSLAStatusKey
	}
	return p
}

// Validate applies the server's rules (ConfigurationManager
// validateSlaPolicy) other than the tier, which the job checks.
func (p *SLAPolicy) Validate(instances int) FieldErrors {
	var errs FieldErrors
	switch p.Type {
	case SLACount, SLAPercentage:
		if instances < MinInstancesForSLA {
			errs.Add("", fmt.Sprintf("a %s SLA policy needs at least %d instances, and the job has %d", p.Type, MinInstancesForSLA, instances))
		}
		if p.Type == SLACount {
			switch {
			case p.Count < 1:
				errs.Add("count", "must be at least 1")
			case p.Count >= instances:
				errs.Add("count", fmt.Sprintf("%d must be less than the number of instances (%d), so that one may be killed", p.Count, instances))
			}
		} else {
			switch {
			case p.Percentage <= 0 || p.Percentage > 100:
				errs.Add("percentage", "must be greater than 0 and at most 100")
			case instances > 0 && p.Percentage > float64(instances-1)*100/float64(instances):
				errs.Add("percentage", fmt.Sprintf("%g%% of %d instances leaves none to kill: use at most %g",
					p.Percentage, instances, float64(instances-1)*100/float64(instances)))
			}
		}
		switch {
		case p.Duration < 0:
			errs.Add("duration", "must not be negative")
		case p.Duration > MaxSLADuration:
			errs.Add("duration", fmt.Sprintf("%s exceeds the limit of %s", p.Duration, MaxSLADuration))
		}
	case SLACoordinator:
		u, err := url.Parse(p.CoordinatorURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs.Add("coordinator_url", fmt.Sprintf("%q is not an http or https URL", p.CoordinatorURL))
		}
		if p.StatusKey == "" {
			errs.Add("status_key", "must not be empty")
		}
	default:
		errs.Add("", fmt.Sprintf("%q is not an SLA policy: use count, percentage or coordinator", p.Type))
	}
	return errs
}

// PartitionPolicy is what happens to a task whose agent is partitioned
// away (Aurora's PartitionPolicy, used with -partition_aware).
type PartitionPolicy struct {
	// Reschedule replaces the task after Delay; otherwise it waits for
	// the agent to come back.
	Reschedule bool     `json:"reschedule"`
	Delay      Duration `json:"delay"`
}

// NewPartitionPolicy returns Aurora's default: reschedule at once.
func NewPartitionPolicy() *PartitionPolicy { return &PartitionPolicy{Reschedule: true} }

// Validate checks the delay.
func (p *PartitionPolicy) Validate() FieldErrors {
	var errs FieldErrors
	if p.Delay < 0 {
		errs.Add("delay", "must not be negative")
	}
	return errs
}
