package scheduling

import (
	"context"
	"fmt"
	"strings"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/sdk"
)

// Admission is what submission asks the cluster's plugins before a job or
// new instances are committed. The leader implements it over the plugin
// catalog; without one (tests, tools) nothing is checked.
type Admission interface {
	// ValidatePlacements checks the arguments of each placement block
	// against the ConfigSchema of the enabled constraint plugin of the
	// block's name; each failure's path is placement[NAME] or
	// placement[NAME].FIELD.
	ValidatePlacements(ctx context.Context, placements []spec.Placement) spec.FieldErrors
	// ValidateExecutor checks that the executor a job names can run it:
	// built into the aurora binary, or an enabled catalog plugin of kind
	// executor. A failure's path is "executor".
	ValidateExecutor(ctx context.Context, name string) spec.FieldErrors
	// CheckQuota asks the enabled quota plugins; any denial refuses.
	CheckQuota(ctx context.Context, req *sdk.QuotaCheckRequest) (*sdk.QuotaDecision, error)
}

// SetAdmission sets the plugin checks of job create and add instances.
// Call it before the scheduler serves requests.
func (s *Scheduler) SetAdmission(a Admission) { s.admission = a }

// admitPlacements validates a job's placement blocks.
func (s *Scheduler) admitPlacements(ctx context.Context, job *spec.Job) error {
	if s.admission == nil || len(job.Placements) == 0 {
		return nil
	}
	if errs := s.admission.ValidatePlacements(ctx, job.Placements); len(errs) > 0 {
		return errs
	}
	return nil
}

// admitExecutor validates the executor a job names.
func (s *Scheduler) admitExecutor(ctx context.Context, job *spec.Job) error {
	if s.admission == nil {
		return nil
	}
	if errs := s.admission.ValidateExecutor(ctx, job.Executor); len(errs) > 0 {
		return errs
	}
	return nil
}

// admitQuota asks the quota plugins whether role may run count more tasks
// of cfg on top of what it consumes now (reference aurora.md 3.7: the
// active tasks of every job of the role, classified by tier and dedicated
// constraint; the plugin counts only production, shared ones). A denial
// is a RequestError naming the reason.
func (s *Scheduler) admitQuota(ctx context.Context, cfg *spec.Job, count int) error {
	if s.admission == nil || count <= 0 {
		return nil
	}
	role := cfg.Key.Role
	current, err := s.consumption(role)
	if err != nil {
		return err
	}
	per := usageOf(cfg)
	r := per.Resources
	per.Resources = sdk.Resources{CPUs: r.CPUs * float64(count), RAMMB: r.RAMMB * int64(count), DiskMB: r.DiskMB * int64(count), GPUs: r.GPUs * int64(count)}
	d, err := s.admission.CheckQuota(ctx, &sdk.QuotaCheckRequest{Role: role, Proposed: []sdk.Usage{per}, Current: current})
	if err != nil {
		return fmt.Errorf("quota check for role %s: %w", role, err)
	}
	if !d.Allowed {
		reason := d.Reason
		if reason == "" {
			reason = "Insufficient resource quota"
		}
		return invalid("%s (role %s; `aurora quota get CLUSTER/%s` shows its quota)", strings.TrimSuffix(reason, "."), role, role)
	}
	return nil
}

// consumption is what the role's active tasks use, one Usage per (tier,
// dedicated) class.
func (s *Scheduler) consumption(role string) ([]sdk.Usage, error) {
	tasks, err := s.store.QueryTasks(state.TaskQuery{Role: role})
	if err != nil {
		return nil, err
	}
	type class struct {
		tier      string
		dedicated bool
	}
	sums := map[class]*sdk.Usage{}
	var order []class
	for _, t := range tasks {
		if !t.Status.Active() || t.Config == nil {
			continue
		}
		u := usageOf(t.Config)
		k := class{u.Tier, u.Dedicated}
		acc, ok := sums[k]
		if !ok {
			acc = &sdk.Usage{Tier: u.Tier, Production: u.Production, Dedicated: u.Dedicated}
			sums[k] = acc
			order = append(order, k)
		}
		acc.Resources = acc.Resources.Add(u.Resources)
	}
	out := make([]sdk.Usage, 0, len(order))
	for _, k := range order {
		out = append(out, *sums[k])
	}
	return out, nil
}

// usageOf is one task of cfg as a quota Usage.
func usageOf(cfg *spec.Job) sdk.Usage {
	res := cfg.Task.Resources
	return sdk.Usage{
		Tier: cfg.Tier, Production: spec.IsProductionTier(cfg.Tier), Dedicated: cfg.IsDedicated(),
		Resources: sdk.Resources{CPUs: res.CPU, RAMMB: res.RAM / spec.MiB, DiskMB: res.Disk / spec.MiB, GPUs: int64(res.GPU)},
	}
}
