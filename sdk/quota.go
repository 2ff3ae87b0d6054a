package sdk

import (
	"context"
	"fmt"
)

// Resources is a resource aggregate (Aurora's ResourceAggregate).
type Resources struct {
	CPUs   float64
	RAMMB  int64
	DiskMB int64
	GPUs   int64
}

// Add returns r + o.
func (r Resources) Add(o Resources) Resources {
	return Resources{CPUs: r.CPUs + o.CPUs, RAMMB: r.RAMMB + o.RAMMB, DiskMB: r.DiskMB + o.DiskMB, GPUs: r.GPUs + o.GPUs}
}

// IsZero reports whether every resource is zero.
func (r Resources) IsZero() bool { return r == Resources{} }

// String formats r as "cpus=1 ram_mb=128 disk_mb=256 gpus=0".
func (r Resources) String() string {
	return fmt.Sprintf("cpus=%g ram_mb=%d disk_mb=%d gpus=%d", r.CPUs, r.RAMMB, r.DiskMB, r.GPUs)
}

// Usage is the resources of tasks of one kind. Aurora counts only
// production-tier tasks without a dedicated constraint against quota; the
// quota plugin applies that rule, the scheduler classifies.
type Usage struct {
	// Tier is the tasks' tier, e.g. "preferred".
	Tier string
	// Production is true when the tier is neither preemptible nor
	// revocable.
	Production bool
	// Dedicated is true when the tasks have a dedicated constraint.
	Dedicated bool
	Resources Resources
}

// QuotaCheckRequest asks whether Role may add Proposed on top of Current.
type QuotaCheckRequest struct {
	Role string
	// Proposed is what the operation adds, e.g. per-task resources times
	// the new instances (an update adds max(old, new) per instance).
	Proposed []Usage
	// Current is what the role consumes now, as the scheduler computes it
	// (Aurora's rules for updates and cron included).
	Current []Usage
}

// QuotaDecision is the answer of a quota check.
type QuotaDecision struct {
	Allowed bool
	// Reason says why not, naming the resource and the amounts.
	Reason string
}

// RoleQuota is the quota of one role.
type RoleQuota struct {
	Role  string
	Quota Resources
}

// QuotaPlugin is the quota kind: the policy source of per-role quotas. The
// scheduler stays the arbiter: it computes consumption and calls Check on
// job create, add instances, updates and cron schedules.
type QuotaPlugin interface {
	Base
	// Check decides; it must have no side effects, and the same request
	// must get the same decision while the configuration is unchanged.
	Check(ctx context.Context, req *QuotaCheckRequest) (*QuotaDecision, error)
	// Get returns the quota of each role, in order (every role the plugin
	// knows when roles is empty).
	Get(ctx context.Context, roles []string) ([]RoleQuota, error)
}
