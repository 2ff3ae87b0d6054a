// Package static is the built-in "static" quota plugin: per-role quotas
// from its configuration, applied with the rules of Aurora's QuotaManager
// (reference aurora.md 3.7).
//
//   - Only production-tier tasks without a dedicated constraint consume
//     quota (sdk.Usage.Production && !Dedicated); everything else is free.
//   - A check whose proposal consumes nothing is allowed, even for a role
//     over its quota.
//   - Otherwise, for every resource (cpus, ram_mb, disk_mb, gpus), what the
//     role consumes now plus what the proposal adds must not exceed the
//     role's quota. A denial says "Insufficient resource quota:" followed
//     by each exceeded resource with its amounts, e.g. "cpus quota exceeded
//     by 2.00 core(s) (quota 10.00, in use 9.00, requested 3.00)".
//   - A role without an entry has the default quota, zero unless the
//     configuration sets "default": production jobs of unknown roles are
//     refused, as in Aurora. Quotas cannot be negative.
//
// The scheduler computes consumption (active tasks; max(old, new) per
// instance inside an active update; max(template, running) for cron jobs)
// and the proposal, and classifies tasks by tier and dedicated constraint.
//
// Configuration:
//
//	{"roles": {"www-data": {"cpus": 10, "ram_mb": 10240, "disk_mb": 20480}},
//	 "default": {"cpus": 0}}
package static
