// Package spec is the job model: job keys, jobs, tasks, processes,
// resources, constraints, update settings, health checks, lifecycle,
// announcer, cron, containers and SLA policies, with Aurora's defaults and
// validation rules (reference aurora.md section 2).
//
// Defaults come from constructors, not from zero values: NewJob,
// NewTask, NewProcess, NewUpdateConfig, NewHealthCheck, ... return
// Aurora's defaults, and front ends decode into them, so a value written
// explicitly, even 0 or false, is kept (max_failures = 0 means retry
// forever, not 1). Decoding JSON does the same: an omitted field takes its
// default, a present one keeps its value. ApplyDefaults fills only what can
// never be meant as written (an empty tier, a nil update block, ...); it is
// idempotent and every front end calls it before Validate.
//
// It is a leaf package: it imports nothing else from this module, so the
// client, the scheduler and tests can all share it. Validation returns
// FieldErrors that name the offending field by path (for example
// "task.resources.cpu", "task.process[web].after", "update.strategy.batch_size",
// "placement[zone-spread]"); the HCL front end maps those paths back to
// file:line:col.
package spec
