// Package dedicated is the built-in "dedicated" constraint plugin: Aurora's
// dedicated hosts, in both directions, exactly as Aurora's
// SchedulingFilterImpl and ConfigurationManager treat them.
//
//   - A host with a "dedicated" attribute runs only tasks that carry a
//     dedicated constraint: a task without one gets the static veto "Host
//     is dedicated" with Aurora's highest score, 10^6 (checked first in
//     Aurora, before maintenance and the other constraints).
//   - A task with a dedicated constraint ("role/name" or "*/name") has it
//     matched as an ordinary value constraint on the "dedicated" attribute:
//     a host without a matching value gets the static veto "Constraint not
//     satisfied: dedicated" (score 10^4). A host without the attribute has
//     no values, so a dedicated task never lands on a shared host.
//   - The constraint must be a value constraint with exactly one value
//     whose role part (before the first "/") is the job's role or "*";
//     otherwise every host is vetoed statically with Aurora's validation
//     message ("Only <role> may use hosts dedicated for that role.", ...).
//     The scheduler rejects such jobs at submission; the veto keeps a job
//     that slipped through off every host.
//
// ValidateConstraint exposes the submission rule to callers that import
// this package. The plugin imports only the SDK and takes no configuration.
package dedicated
