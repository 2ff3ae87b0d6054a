package spec

import (
	"encoding/json"
	"fmt"
)

// Aurora's defaults (reference aurora.md section 2).
const (
	// DefaultTier is the tier of a job that names none: Aurora's default
	// tier, preemptible.
	DefaultTier            = TierPreemptible
	DefaultInstances       = 1
	DefaultMaxTaskFailures = 1
	// DefaultExecutor is the executor plugin a job runs under when it names
	// none (Aurora's AuroraExecutor, Thermos).
	DefaultExecutor = "thermos"

	// MaxInstances bounds a job's instance count, as Aurora's
	// -max_tasks_per_job does.
	MaxInstances = 4000
	// MaxIdentifierLength bounds roles, environments and job names.
	MaxIdentifierLength = 255
)

// Aurora's default tiers (tiers.json). Production means neither
// preemptible nor revocable.
const (
	TierPreferred   = "preferred"
	TierPreemptible = "preemptible"
	TierRevocable   = "revocable"
)

// Job is a job as submitted: its key, what kind of job it is, how it is
// placed, updated, health-checked and announced, and the task every
// instance runs.
//
// Defaults come from NewJob (and the New* constructor of every part), not
// from zero values: an explicit 0 or false, such as max_failures = 0
// (retry forever) or rollback_on_failure = false, is kept. Decoding JSON
// starts from the same defaults (see json.go), so in API payloads an
// omitted field takes Aurora's default and a field that is present, even as
// 0 or false, keeps its value. Optional parts (cron, update, health_check,
// lifecycle, announce, partition_policy, sla_policy, container) are
// pointers: nil or omitted means "not written", and ApplyDefaults or the
// Effective* methods say what that means.
type Job struct {
	Cluster         string `json:"cluster"`
	Key             JobKey `json:"key"`
	Service         bool   `json:"service"`
	Instances       int    `json:"instances"`
	Tier            string `json:"tier"`
	Priority        int    `json:"priority"`
	MaxTaskFailures int    `json:"max_task_failures"`
	// Production is deprecated in Aurora: the tier decides. ApplyDefaults
	// sets it for a production tier; true with a non-production tier is
	// an error.
	Production bool   `json:"production,omitempty"`
	Contact    string `json:"contact,omitempty"`
	// Constraints are Aurora's constraint strings by agent attribute
	// (see ParseConstraint).
	Constraints map[string]string `json:"constraints,omitempty"`
	// Placements are the blocks that site constraint plugins own, in the
	// order written.
	Placements []Placement       `json:"placements,omitempty"`
	Metadata   map[string]string `json:"metadata,omitempty"`
	Cron       *Cron             `json:"cron,omitempty"`
	Update     *UpdateConfig     `json:"update,omitempty"`
	// HealthCheck nil is Aurora's default: the HTTP check, run only when
	// the task requests a "health" port (see EffectiveHealthCheck).
	HealthCheck *HealthCheck `json:"health_check,omitempty"`
	// Lifecycle nil is Aurora's default: graceful shutdown over HTTP on the
	// "health" port when the task requests it (see EffectiveLifecycle).
	Lifecycle       *Lifecycle       `json:"lifecycle,omitempty"`
	Announce        *Announce        `json:"announce,omitempty"`
	PartitionPolicy *PartitionPolicy `json:"partition_policy,omitempty"`
	SLAPolicy       *SLAPolicy       `json:"sla_policy,omitempty"`
	Container       *Container       `json:"container,omitempty"`
	// Executor names the executor plugin; ExecutorConfig is its
	// configuration, a JSON object the plugin validates.
	Executor       string          `json:"executor,omitempty"`
	ExecutorConfig json.RawMessage `json:"executor_config,omitempty"`
	EnableHooks    bool            `json:"enable_hooks,omitempty"`
	Task           Task            `json:"task"`
}

// NewJob returns a job with every one of Aurora's defaults set, for a
// front end to decode into.
func NewJob() *Job {
	return &Job{
		Instances:       DefaultInstances,
		Tier:            DefaultTier,
		MaxTaskFailures: DefaultMaxTaskFailures,
		Executor:        DefaultExecutor,
		Update:          NewUpdateConfig(),
		PartitionPolicy: NewPartitionPolicy(),
		Task:            *NewTask(),
	}
}

// IsProductionTier reports whether tier is one of the production tiers
// (neither preemptible nor revocable).
func IsProductionTier(tier string) bool { return tier == TierPreferred }

// IsCron reports whether the job runs on a cron schedule.
func (j *Job) IsCron() bool { return j.Cron != nil }

// IsDedicated reports whether the job has a dedicated constraint.
func (j *Job) IsDedicated() bool {
	_, ok := j.Constraints[DedicatedAttribute]
	return ok
}

// ApplyDefaults fills what is missing with Aurora's defaults, for a job
// that did not come from NewJob (a Go literal, say). It only fills values
// that can never be meant as written (an empty tier, a nil update
// config, ...), so an explicit 0 or false is kept, and calling it twice
// changes nothing. It also declares the ports that {{thermos.ports[NAME]}}
// templates refer to and binds job attributes in fields that no executor
// binds (see TemplateFields). Every front end calls it before Validate.
func (j *Job) ApplyDefaults() {
	if j.Tier == "" {
		j.Tier = DefaultTier
	}
	if IsProductionTier(j.Tier) {
		j.Production = true
	}
	if j.Executor == "" {
		j.Executor = DefaultExecutor
	}
	if j.Update == nil {
		j.Update = NewUpdateConfig()
	}
	if j.PartitionPolicy == nil {
		j.PartitionPolicy = NewPartitionPolicy()
	}
	if j.Cron != nil && j.Cron.CollisionPolicy == "" {
		j.Cron.CollisionPolicy = DefaultCronCollisionPolicy
	}
	if j.HealthCheck != nil {
		j.HealthCheck.applyDefaults()
	}
	if j.Lifecycle != nil && j.Lifecycle.HTTP != nil {
		j.Lifecycle.HTTP.applyDefaults()
	}
	if j.Announce != nil {
		j.Announce.applyDefaults()
	}
	if j.SLAPolicy != nil && j.SLAPolicy.Type == SLACoordinator && j.SLAPolicy.StatusKey == "" {
		j.SLAPolicy.StatusKey = DefaultSLAStatusKey
	}
	if j.Container != nil {
		j.Container.applyDefaults()
	}
	j.Task.applyDefaults()
	j.normalizeTemplates()
	j.Task.Resources.Ports = appendMissing(j.Task.Resources.Ports, j.templatePorts())
}

// Validate checks the job against Aurora's client and server rules and
// returns every failure, each naming its field by path.
func (j *Job) Validate() FieldErrors {
	var errs FieldErrors
	errs = append(errs, j.Key.Validate()...)
	if j.Cluster == "" {
		errs.Add("cluster", "must not be empty")
	}
	switch {
	case j.Instances < 1:
		errs.Add("instances", fmt.Sprintf("must be at least 1, not %d", j.Instances))
	case j.Instances > MaxInstances:
		errs.Add("instances", fmt.Sprintf("%d exceeds the limit of %d instances per job", j.Instances, MaxInstances))
	}
	if j.MaxTaskFailures < -1 {
		errs.Add("max_task_failures", "must be -1 (unlimited) or at least 0")
	}
	switch j.Tier {
	case TierPreemptible, TierPreferred, TierRevocable:
		if j.Production && !IsProductionTier(j.Tier) {
			errs.Add("production", fmt.Sprintf("production = true needs a production tier, and %q is not one: "+
				"production is deprecated, set tier = %q instead", j.Tier, TierPreferred))
		}
	default:
		errs.Add("tier", fmt.Sprintf("%q is not a tier: use preemptible, preferred or revocable", j.Tier))
	}
	if j.Executor != "" && !goodIdentifier.MatchString(j.Executor) {
		errs.Add("executor", fmt.Sprintf("executor name %q may contain only letters, digits, '_', '-' and '.'", j.Executor))
	}
	if len(j.ExecutorConfig) > 0 && !isJSONObject(j.ExecutorConfig) {
		errs.Add("executor", "the executor's configuration must be a JSON object")
	}
	for _, k := range sortedKeys(j.Metadata) {
		if k == "" {
			errs.Add("metadata", "metadata keys must not be empty")
		}
	}
	errs = append(errs, j.validateConstraints()...)
	errs = append(errs, validatePlacements(j.Placements)...)
	if j.Cron != nil {
		errs.Prefixed("cron", j.Cron.Validate())
		if j.Service {
			errs.Add("cron", "a cron job cannot be a service: remove the cron block or set service = false")
		}
	}
	if j.Update != nil {
		errs.Prefixed("update", j.Update.Validate())
		errs = append(errs, j.validateUpdateAgainstJob()...)
	}
	ports := stringSet(j.requestedPorts())
	if j.HealthCheck != nil {
		errs.Prefixed("health_check", j.HealthCheck.Validate(ports))
	}
	if j.Lifecycle != nil {
		errs.Prefixed("lifecycle", j.Lifecycle.Validate(ports))
	}
	if j.Announce != nil {
		errs.Prefixed("announce", j.Announce.Validate(ports, j.IsDedicated()))
	}
	if j.PartitionPolicy != nil {
		errs.Prefixed("partition_policy", j.PartitionPolicy.Validate())
	}
	if j.SLAPolicy != nil {
		errs.Prefixed("sla_policy", j.SLAPolicy.Validate(j.Instances))
		if !IsProductionTier(j.Tier) {
			errs.Add("sla_policy", fmt.Sprintf("an SLA policy needs a production tier, and %q is not one: set tier = %q", j.Tier, TierPreferred))
		}
	}
	if j.Container != nil {
		errs.Prefixed("container", j.Container.Validate())
	}
	errs.Prefixed("task", j.Task.Validate())
	errs = append(errs, j.validateTemplates()...)
	return errs
}

// validateUpdateAgainstJob applies the update rules that depend on the rest
// of the job (Aurora's client _validate_update_config).
func (j *Job) validateUpdateAgainstJob() FieldErrors {
	var errs FieldErrors
	u := j.Update
	if j.Instances >= 1 && u.MaxTotalFailures >= j.Instances {
		errs.Add("update.max_total_failures", fmt.Sprintf("must be less than the number of instances (%d): use at most %d",
			j.Instances, j.Instances-1))
	}
	if j.IsDedicated() {
		if min := j.Instances * 2 / 100; u.MaxTotalFailures < min {
			errs.Add("update.max_total_failures", fmt.Sprintf("a dedicated job must tolerate failures of at least 2%% of its instances: "+
				"with %d instances use max_total_failures >= %d", j.Instances, min))
		}
	}
	if u.SLAAware && j.SLAPolicy == nil {
		errs.Add("update.sla_aware", "an SLA-aware update needs an sla_policy block")
	}
	return errs
}
