// Package limit is the built-in "limit" constraint plugin: Aurora's limit
// constraints ("limit:N") on agent attributes, evaluated exactly as
// Aurora's SchedulingFilterImpl and ConstraintMatcher do.
//
// For each limit constraint of the task group (Constraint.Limit > 0), in
// order: the host must have the attribute, else a static veto "Constraint
// not satisfied: <attr>"; and for each of its values the job must have
// fewer than N active tasks on hosts with that value, else a dynamic veto
// "Limit not satisfied: <attr>". The first veto ends a host's evaluation,
// with Aurora's constraint score of 10^4.
//
// Value constraints ("v1,v2", "!v1,v2") are not evaluated here: they belong
// to the value plugin (plugins/constraint/value), and the dedicated
// attribute to the dedicated plugin (plugins/constraint/dedicated). The
// scheduler calls every enabled constraint plugin for each task group.
//
// The plugin imports only the SDK, runs out of process like any other
// plugin, and takes no configuration.
package limit
