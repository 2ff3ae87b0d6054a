// Package limit is the built-in "limit" constraint plugin: Aurora's
// scheduling constraints on agent attributes, evaluated exactly as Aurora's
// SchedulingFilterImpl and ConstraintMatcher do.
//
//   - limit:N (Constraint.Limit > 0): the host must have the attribute, else
//     a static veto "Constraint not satisfied: <attr>"; and for each of its
//     values the job must have fewer than N active tasks on hosts with that
//     value, else a dynamic veto "Limit not satisfied: <attr>".
//   - value constraints ("v1,v2" and "!v1,v2"): the host matches when any
//     constraint value is among the host's values, XOR Negated; a host
//     without the attribute has no values. A mismatch is a static veto
//     "Constraint not satisfied: <attr>".
//
// Value constraints are evaluated before limit constraints and the first
// veto ends a host's evaluation, so a host gets at most one veto, with
// Aurora's constraint score of 10^4. The "dedicated" attribute is matched
// here as an ordinary value constraint when a task asks for it; keeping
// other tasks off dedicated hosts is the dedicated plugin's job.
//
// The plugin imports only the SDK, runs out of process like any other
// plugin, and takes no configuration.
package limit
